"""indicators.bulk.insert_rows writes rows in database form as the ORM would (COPY on
PostgreSQL, multi-row INSERTs elsewhere): NULLs, empty strings, the characters COPY's text
format escapes, datetimes and booleans come back as they went in."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from indicators.bulk import adapt_datetime, default_columns, insert_rows
from indicators.domain import periods
from indicators.models import FiguresChange, Period, UnitFigures
from tests.base import BaseTestCase

COLUMNS = ("figures_id", "action", "field", "old_value", "new_value", "comment", "version",
           "changed_by_id", "changed_at")  # fmt: skip
TEXTS = ["", "tab\there", "line\nbreak\r\n", "back\\slash \\N", "Nộp bằng tệp #1 (a,b;c)", "\\"]


class InsertRowsTestCase(BaseTestCase):
    def test_it_reads_back_what_it_wrote(self) -> None:
        period = Period.objects.for_spec(periods.month(2024, 3, periods.Convention.DECREE09))
        figures = UnitFigures.objects.create(unit=self.hoai_duc, period=period, received=1)
        when = timezone.now().replace(microsecond=123456)
        rows = [
            (figures.pk, "import", f"f{n}", None if n % 2 else n, n * 10, text, n,
             self.commune.pk if n % 2 else None, adapt_datetime(when + dt.timedelta(days=n)))
            for n, text in enumerate(TEXTS)
        ]  # fmt: skip
        self.assertEqual(insert_rows(FiguresChange, COLUMNS, rows), len(TEXTS))
        stored = list(FiguresChange.objects.filter(figures=figures).order_by("version"))
        self.assertEqual([c.comment for c in stored], TEXTS)
        self.assertEqual([c.old_value for c in stored], [None if n % 2 else n for n in range(6)])
        self.assertEqual([c.changed_by_id for c in stored][:2], [None, self.commune.pk])
        self.assertEqual(stored[3].changed_at, when + dt.timedelta(days=3))

    def test_it_gives_the_other_columns_their_defaults(self) -> None:
        period = Period.objects.for_spec(periods.month(2024, 4, periods.Convention.DECREE09))
        now = adapt_datetime(timezone.now())
        given = ("unit_id", "period_id", "received", "created_at", "updated_at")
        others = default_columns(UnitFigures, exclude=given)
        insert_rows(
            UnitFigures,
            [*given, *(column for column, _value in others)],
            [(self.hoai_duc.pk, period.pk, 7, now, now, *(value for _c, value in others))],
        )
        written = UnitFigures.objects.get(unit=self.hoai_duc, period=period)
        made = UnitFigures(unit=self.hoai_duc, period=period)
        self.assertEqual(written.received, 7)
        for name in ("status", "version", "is_sample", "source", "review_comment", "total"):
            self.assertEqual(getattr(written, name), getattr(made, name), name)
