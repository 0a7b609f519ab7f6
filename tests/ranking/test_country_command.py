"""`ranking` without --parent: the provinces of the country; --level commune: every commune."""

from __future__ import annotations

import csv
import io

from django.core.management import CommandError, call_command

from tests.ranking.country import LEGACY_PERIOD, period_of, subtree_parts
from tests.ranking.test_country_ranking import CountryTestCase
from units.models import AdministrativeUnit


def run(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("ranking", *args, "--format", "csv", stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


class CountryRankingCommandTestCase(CountryTestCase):
    def test_it_ranks_the_provinces_without_a_parent(self) -> None:
        rows = run("--period", LEGACY_PERIOD, "--indicator", "online")
        period = period_of(LEGACY_PERIOD)
        provinces = {p.code: p for p in self.legacy_provinces}
        self.assertEqual([r["code"] for r in rows[:-1]], ["51", "52"])  # 82,63 % > 46,92 %
        for row in rows[:-1]:
            expected = subtree_parts(provinces[row["code"]], period.start, period.end, "online")
            assert expected is not None
            self.assertEqual((row["numerator"], row["denominator"]), tuple(map(str, expected)))
        self.assertEqual(rows[0]["rank"], "1")
        self.assertEqual(rows[-1]["name"], "Tổng số (2 đơn vị)")

    def test_it_keeps_the_parent_working_as_before(self) -> None:
        rows = run("--parent", "543", "--period", LEGACY_PERIOD, "--indicator", "online")
        self.assertEqual(len(rows), 18)
        self.assertEqual(rows[0]["code"], "21685")

    def test_it_ranks_every_commune_of_the_country(self) -> None:
        rows = run("--period", LEGACY_PERIOD, "--indicator", "online", "--level", "commune")
        communes = AdministrativeUnit.objects.filter(level="commune", structure="legacy")
        self.assertEqual(len(rows) - 1, communes.count())
        self.assertEqual(rows[0]["code"], "21685")  # Hoài Đức 93,33 %, the best of the seed
        self.assertEqual(rows[0]["rank"], "1")

    def test_it_refuses_a_level_under_a_parent(self) -> None:
        with self.assertRaisesMessage(CommandError, "--level chỉ dùng khi xếp hạng cả nước"):
            run(
                "--parent",
                "543",
                "--period",
                LEGACY_PERIOD,
                "--indicator",
                "online",
                "--level",
                "commune",
            )
