"""An import checks and commits a file in a fixed number of queries, not one per row: the
units a file names are found in one query, the period's existing figures in one, and the
rows, their history and their submission are written in bulk (a national month is
10.000 rows)."""

from __future__ import annotations

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.domain import periods
from indicators.io.services import figures_import_commit, figures_import_preview
from indicators.models import FiguresChange, FiguresStatus, Period, UnitFigures
from tests.base import BaseTestCase, make_user
from tests.factories import province_with_communes
from units.models import AdministrativeUnit, Role, User

SPEC = periods.month(2026, 3, periods.Convention.DECREE09)
HEADER = ["gso_code", "unit_name", "total", "carried_over", "received", "received_in_person",
          "received_online", "resolved", "resolved_on_time", "resolved_late"]  # fmt: skip


def month_file(province: AdministrativeUnit, *, shift: int = 0) -> bytes:
    """One row per commune by GSO code and name, counts that pass every identity."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for commune in AdministrativeUnit.objects.filter(parent=province).order_by("code"):
        received = 100 + int(commune.code[-3:]) + shift
        online = received // 2
        writer.writerow(
            [
                commune.code,
                commune.full_name,
                received + 5,
                5,
                received,
                received - online,
                online,
                received,
                received - 1,
                1,
            ]
        )
    return out.getvalue().encode("utf-8")


class ImportQueriesTestCase(BaseTestCase):
    def import_month(self, province: AdministrativeUnit, user: User, data: bytes) -> int:
        preview = figures_import_preview(
            data=data, filename="thang.csv", parent=province, period=SPEC, user=user
        )
        self.assertEqual(preview.analysis.errors, [])
        result = figures_import_commit(batch=preview.batch, user=user)
        return result.written

    def test_it_checks_and_commits_10_and_200_rows_in_as_many_queries(self) -> None:
        (small, _), (large, _) = province_with_communes("93", 10), province_with_communes("94", 200)
        Period.objects.for_spec(SPEC)
        small_user = make_user("tinh93", Role.PROVINCE_STAFF, small)
        large_user = make_user("tinh94", Role.PROVINCE_STAFF, large)
        small_user.unit, large_user.unit = small, large
        # New figures for every commune.
        with CaptureQueriesContext(connection) as first:
            self.assertEqual(self.import_month(small, small_user, month_file(small)), 10)
        with self.assertNumQueries(len(first)):
            self.assertEqual(self.import_month(large, large_user, month_file(large)), 200)
        # The same month again with other counts: every row replaces submitted figures
        # sent back to draft by the office.
        UnitFigures.objects.filter(unit__parent__in=[small, large]).update(
            status=FiguresStatus.DRAFT
        )
        with CaptureQueriesContext(connection) as again:
            self.import_month(small, small_user, month_file(small, shift=7))
        with self.assertNumQueries(len(again)):
            self.assertEqual(self.import_month(large, large_user, month_file(large, shift=7)), 200)

    def test_it_writes_what_the_per_row_import_wrote(self) -> None:
        province, _communes = province_with_communes("95", 30)
        user = make_user("tinh95", Role.PROVINCE_STAFF, province)
        self.import_month(province, user, month_file(province))
        UnitFigures.objects.filter(unit__parent=province).update(status=FiguresStatus.DRAFT)
        self.import_month(province, user, month_file(province, shift=7))
        figures = UnitFigures.objects.get(unit__code="95012", period__code=SPEC.code)
        # Created (1), submitted (2), replaced (3), submitted again (4).
        self.assertEqual((figures.version, figures.status), (4, FiguresStatus.SUBMITTED))
        self.assertEqual((figures.received, figures.received_online), (119, 59))
        self.assertFalse(figures.is_sample)
        lines = list(figures.changes.order_by("pk").values_list("action", "field", "version"))
        imported = [line for line in lines if line[0] == FiguresChange.Action.IMPORT]
        self.assertEqual(len([v for v in imported if v[2] == 1]), len(HEADER) - 2)
        # The second file changes total, received, in person, online, resolved, on time.
        changed = {field for action, field, version in imported if version == 3}
        self.assertEqual(
            changed,
            {
                "total",
                "received",
                "received_in_person",
                "received_online",
                "resolved",
                "resolved_on_time",
            },
        )
        self.assertEqual(
            [action for action, _field, _version in lines if action == "submit"],
            ["submit", "submit"],
        )
        received = FiguresChange.objects.get(figures=figures, field="received", version=3)
        self.assertEqual((received.old_value, received.new_value), (112, 119))
