"""`manage.py index766`: one CSV row per unit and indicator, then the units' totals, the
same numbers as the hand computation of test_pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from tests.index766.test_pages import PERIOD, Index766TestCase


class Index766CommandTests(Index766TestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("index766", *args, stdout=out)
        return out.getvalue()

    def test_it_writes_one_row_per_unit_and_indicator_then_the_totals(self) -> None:
        text = self.run_command("--parent", "543", "--period", PERIOD, "--format", "csv")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == [
            "unit_code",
            "unit",
            "group",
            "indicator",
            "ratio",
            "points",
            "max_points",
            "state",
        ]
        body = rows[1:]
        units = {r[0] for r in body}
        indicator_rows = [r for r in body if r[3] != "total"]
        assert len(indicator_rows) == 21 * len(units)
        duc = {r[3]: r for r in indicator_rows if r[0] == self.hoai_duc.code}
        assert duc["on_time"][4:] == ["97.00", "19.40", "20.00", "computed"]
        assert duc["online_dossiers"][4:] == ["60.00", "6.00", "6.00", "computed"]
        assert duc["procedures_online"][4:] == ["", "2.00", "2.00", "not_applicable"]
        assert duc["synced"][4:] == ["", "", "6.00", "missing_counts"]
        totals = [r for r in body if r[3] == "total"]
        assert body[-len(totals) :] == totals  # the totals come after every indicator row
        assert len(totals) == len(units)
        duc_total = next(r for r in totals if r[0] == self.hoai_duc.code)
        assert duc_total[2:] == ["total", "total", "91.67", "71.50", "78.00", "computed"]
        empty = next(r for r in totals if r[0] not in (self.hoai_duc.code, self.bong_son.code))
        assert empty[4:] == ["", "", "", "missing_counts"]

    def test_it_prints_a_table_with_the_version(self) -> None:
        text = self.run_command("--parent", "543", "--period", PERIOD)
        assert "2025-reconstructed" in text
        assert "19,40" in text and "91,67" in text

    def test_it_refuses_an_unknown_period_with_a_message(self) -> None:
        with pytest.raises(CommandError, match=r"Q9|quý"):
            self.run_command("--parent", "543", "--period", "2023-Q9-CAL")
