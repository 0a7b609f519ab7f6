"""The 766 page's map (bands of the score, hover, click), the chairman's red/green by
group, the country's provinces, the CSV download and a unit's monthly trend, against the
hand computation of test_pages; query counts independent of units and months."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import maps
from indicators.domain import index766, periods
from indicators.index766.selectors import (
    country_communes_index766_scores,
    country_index766_scores,
    index766_trend,
)
from indicators.models import FiguresStatus, Period, UnitFigures
from tests.base import H1_2023
from tests.index766.test_pages import COUNTS, PERIOD, SCORE_A, SCORE_B, Index766TestCase
from units.selectors import unit_by_code

PAGE = f"/chi-so-766/?parent=543&period={PERIOD}"


def figure_of(html: str, element_id: str) -> dict:
    start = html.index(f'id="{element_id}"')
    start = html.index(">", start) + 1
    return maps.expanded(json.loads(html[start : html.index("</script>", start)]))


class BandTests(Index766TestCase):
    def test_it_puts_each_score_in_the_portals_own_band(self) -> None:
        keys = [
            index766.score_band(v).key
            for v in (Decimal(100), Decimal(90), Decimal("89.99"), Decimal(80), Decimal(65))
        ]
        assert keys == ["from_90", "from_90", "from_80", "from_80", "from_65"]
        assert index766.score_band(Decimal("64.99")).key == "below_65"
        assert index766.score_band(None).key == "not_computable"
        assert len({b.symbol for b in index766.SCORE_BANDS}) == len(index766.SCORE_BANDS)

    def test_a_group_is_red_when_it_loses_more_than_a_tenth_of_its_points(self) -> None:
        def group(points: str, counted: str) -> index766.GroupScore:
            rule = index766.IndicatorRule(
                code="x",
                group_code="g",
                name_vi="x",
                max_points=Decimal(counted),
                kind=index766.RuleKind.LINEAR,
                numerator=("received_online",),
                denominator=("received",),
            )
            score = index766.IndicatorScore(
                rule=rule, state=index766.ScoreState.COMPUTED, points=Decimal(points)
            )
            return index766.GroupScore(
                code="g", name_vi="g", max_points=Decimal(20), scores=(score,)
            )

        assert index766.group_colour(group("18", "20")) is index766.GroupColour.GREEN
        assert index766.group_colour(group("17.99", "20")) is index766.GroupColour.RED
        empty = index766.GroupScore(code="g", name_vi="g", max_points=Decimal(6), scores=())
        assert index766.group_colour(empty) is index766.GroupColour.GREY


class MapTests(Index766TestCase):
    def test_the_map_colours_units_by_band_with_their_points_and_link(self) -> None:
        self.login(self.district)
        html = unescape(self.client.get(PAGE).content.decode())
        figure = figure_of(html, "unit-map-data")
        by_band = {t["meta"]["category"]: t for t in figure["data"]}
        # Hoài Đức 91,67 → from 90; Bồng Sơn 88,59 → 80 to 90; the rest have no figures.
        assert set(by_band) == {"from_90", "from_80", "not_computable"}
        duc_url, duc_hover = by_band["from_90"]["customdata"][0]
        assert duc_url == f"/chi-so-766/{self.hoai_duc.pk}/?period={PERIOD}"
        assert "Phường Hoài Đức" in duc_hover
        assert "71,50 / 78,00" in duc_hover and "91,67" in duc_hover
        assert "Tiến độ giải quyết: 19,40 / 20,00" in duc_hover
        assert by_band["from_80"]["marker"]["symbol"] == "square"
        names = [t["name"] for t in figure["data"]]
        assert "● Từ 90 điểm" in names and "– Không tính được" in names
        assert 'data-click="navigate"' in html
        assert "không phải xếp loại chính thức" in html


class SummaryTests(Index766TestCase):
    def test_it_shows_the_points_lost_per_group_worst_first(self) -> None:
        self.login(self.chairman)
        response = self.client.get(PAGE + "&view=summary")
        assert response.status_code == 200
        html = unescape(response.content.decode())
        table = html[html.index('id="index766-summary"') :]
        # Bồng Sơn (88,59) loses more than Hoài Đức (91,67): it comes first.
        assert table.index("Bồng Sơn") < table.index("Hoài Đức")
        assert 'id="index766-red-rule"' in html and "10 %" in html
        row = table[table.index(f'data-code="{self.hoai_duc.code}"') :]
        row = row[: row.index("</tr>")]
        # Số hóa: 13,60 of 18 → 4,40 lost (24 %): red; tiến độ 0,60 of 20 (3 %): green.
        assert 'class="cell cell-missed" data-group="digitization"' in row
        assert "−4,40" in row
        assert 'class="cell cell-met" data-group="progress"' in row


class CountryTests(Index766TestCase):
    def test_the_country_ranks_provinces_on_their_whole_subtree(self) -> None:
        scores = country_index766_scores(period=self.period)
        binh_dinh = next(r for r in scores.rows if r.unit.code == "52")
        assert binh_dinh.unit.level == "province" and binh_dinh.card is not None
        by_code = {s.rule.code: s for s in binh_dinh.card.scores}
        # Hoài Đức + Bồng Sơn: on time 194 / 200 → 19,40; online 90 / 200 = 45 % of the
        # 50 % threshold → 6 × 0,45 / 0,5 = 5,40; paid online 60 / 80 → 4,50; the
        # catalogue indicators apply at province level and have no figures: missing.
        assert (by_code["on_time"].numerator, by_code["on_time"].denominator) == (194, 200)
        assert by_code["on_time"].points == Decimal("19.40")
        assert by_code["online_dossiers"].points == Decimal("5.40")
        assert by_code["paid_online"].points == Decimal("4.50")
        assert by_code["procedures_online"].state is index766.ScoreState.MISSING_COUNTS
        assert binh_dinh.rank == 1

    def test_an_extra_count_is_summed_only_when_every_unit_reports_it(self) -> None:
        UnitFigures.objects.filter(unit=self.hoai_duc).update(fee_dossiers=None)
        scores = country_index766_scores(period=self.period)
        binh_dinh = next(r for r in scores.rows if r.unit.code == "52")
        assert binh_dinh.card is not None
        paid = next(s for s in binh_dinh.card.scores if s.rule.code == "paid_online")
        # Without the exact count, the approximation: online payments 60 / 120 → 3,00.
        assert (paid.approximate, paid.points) == (True, Decimal("3.00"))

    def test_national_users_see_the_provinces_and_the_query_count_is_fixed(self) -> None:
        self.login(self.admin)
        url = f"/chi-so-766/?parent=VN&period={PERIOD}"
        with CaptureQueriesContext(connection) as before:
            response = self.client.get(url)
        assert response.status_code == 200
        html = unescape(response.content.decode())
        assert "Bình Định" in html and "Cả nước" in html
        table = html[html.index('id="index766-table"') :]
        assert f"?parent=52&amp;period={PERIOD}" in response.content.decode()
        assert "Quảng Ngãi" in table
        self.enter(unit_by_code("21637", on=H1_2023), COUNTS)
        with self.assertNumQueries(len(before.captured_queries)):
            self.client.get(url)

    def test_every_commune_of_the_country_is_ranked_one_page_at_a_time(self) -> None:
        self.login(self.admin)
        url = f"/chi-so-766/?parent=VN&period={PERIOD}&tier=commune"
        with CaptureQueriesContext(connection) as before:
            response = self.client.get(url)
        queries = len(before.captured_queries)  # the next request empties the log
        assert response.status_code == 200
        html = unescape(response.content.decode())
        table = html[html.index('id="index766-table"') :]
        assert table.index("Hoài Đức") < table.index("Bồng Sơn")
        assert "91,67" in table and "88,59" in table
        assert f'href="/chi-so-766/{self.hoai_duc.pk}/?period={PERIOD}' in html
        pages = int(html.split('data-pages="')[1].split('"')[0])
        communes = country_communes_index766_scores(period=self.period, page=None).rows
        assert pages == -(-len(communes) // 100) and pages > 1
        assert table[: table.index("</table>")].count('<tr data-code="') == 100
        last = self.client.get(url + f"&page={pages}")
        assert 'rel="prev"' in last.content.decode()
        self.enter(unit_by_code("21637", on=H1_2023), COUNTS)
        with self.assertNumQueries(queries):
            self.client.get(url)

    def test_the_country_download_holds_every_commune(self) -> None:
        self.login(self.admin)
        response = self.client.get(f"/chi-so-766/csv/?parent=VN&period={PERIOD}&tier=commune")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
        totals = [r for r in rows[1:] if r[3] == "total"]
        communes = country_communes_index766_scores(period=self.period, page=None).rows
        assert len(totals) == len(communes) > 100
        assert totals[0][0] == self.hoai_duc.code and totals[0][4] == str(SCORE_A)

    def test_an_unknown_tier_is_a_clear_message(self) -> None:
        self.login(self.admin)
        url = f"/chi-so-766/?parent=VN&period={PERIOD}&tier=<img src=x>"
        response = self.client.get(url)
        assert response.status_code == 400
        assert "không phải một cấp" in unescape(response.content.decode())
        assert "<img src=x>" not in response.content.decode()
        csv_response = self.client.get(url.replace("/chi-so-766/", "/chi-so-766/csv/"))
        assert csv_response.status_code == 400
        assert csv_response["Content-Type"].startswith("text/plain")

    def test_others_cannot_ask_for_the_country(self) -> None:
        self.login(self.district)
        response = self.client.get(f"/chi-so-766/?parent=VN&period={PERIOD}")
        assert response.status_code == 403


class CsvTests(Index766TestCase):
    def test_it_downloads_the_table_as_the_command_writes_it(self) -> None:
        self.login(self.district)
        response = self.client.get(f"/chi-so-766/csv/?parent=543&period={PERIOD}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        body = response.content.decode("utf-8")
        assert body.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(body[1:])))
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
        totals = {r[0]: r for r in rows[1:] if r[3] == "total"}
        assert totals[self.hoai_duc.code][4:] == [str(SCORE_A), "71.50", "78.00", "computed"]
        assert totals[self.bong_son.code][4] == str(SCORE_B)
        duc = {r[3]: r for r in rows[1:] if r[0] == self.hoai_duc.code}
        assert duc["on_time"][4:] == ["97.00", "19.40", "20.00", "computed"]

    def test_a_bad_period_is_a_plain_message(self) -> None:
        self.login(self.district)
        response = self.client.get("/chi-so-766/csv/?parent=543&period=2023-Q9-CAL")
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")

    def test_outsiders_are_refused(self) -> None:
        self.login(self.outsider)
        response = self.client.get(f"/chi-so-766/csv/?parent=543&period={PERIOD}")
        assert response.status_code == 403


class TrendTests(Index766TestCase):
    def enter_months(self, numbers: list[int]) -> None:
        for number in numbers:
            spec = periods.month(2023, number, periods.Convention.CALENDAR)
            month = Period.objects.for_spec(spec)
            online = 20 + 5 * number  # 55 % in July … 65 % in September
            UnitFigures.objects.create(
                unit=self.bong_son,
                period=month,
                status=FiguresStatus.APPROVED,
                **{**COUNTS, "received_online": online, "received_in_person": 100 - online},
            )

    def test_it_scores_the_last_twelve_months_with_gaps(self) -> None:
        self.enter_months([7, 9])
        trend = index766_trend(unit=self.bong_son, period=self.period)
        codes = [m.period.code for m in trend]
        assert (codes[0], codes[-1], len(codes)) == ("2022-M10-CAL", "2023-M09-CAL", 12)
        cards = {m.period.code: m.card for m in trend}
        assert cards["2023-M08-CAL"] is None  # not reported: a gap, never zero
        july = cards["2023-M07-CAL"]
        # 55 % online ≥ 50 %: the same as Hoài Đức's quarter, 71,50 / 78 → 91,67.
        assert july is not None and july.score_100 == SCORE_A
        assert all(m.version == "2025-reconstructed" for m in trend if m.card is not None)

    def test_its_query_count_does_not_grow_with_the_months(self) -> None:
        self.enter_months([7])
        with CaptureQueriesContext(connection) as one:
            index766_trend(unit=self.bong_son, period=self.period)
        self.enter_months([8, 9])
        with self.assertNumQueries(len(one.captured_queries)):
            trend = index766_trend(unit=self.bong_son, period=self.period)
        assert sum(1 for m in trend if m.card is not None) == 3
        assert len(one.captured_queries) <= 6

    def test_the_unit_page_draws_the_trend(self) -> None:
        self.enter_months([7, 8, 9])
        self.login(self.district)
        url = f"/chi-so-766/{self.bong_son.pk}/?period={PERIOD}"
        html = unescape(self.client.get(url).content.decode())
        figure = figure_of(html, "index766-trend-data")
        trace = figure["data"][0]
        assert len(trace["x"]) == 12
        assert trace["y"][:9] == [None] * 9
        assert trace["y"][-3] == float(SCORE_A)
        assert "01/07/2023 – 31/07/2023" in trace["customdata"][-3]
        with CaptureQueriesContext(connection) as three:
            self.client.get(url)
        UnitFigures.objects.filter(unit=self.bong_son, period__kind="M").delete()
        with self.assertNumQueries(len(three.captured_queries)):
            self.client.get(url)


class PinnedQueryCountTests(Index766TestCase):
    """The map and the red/green view read what the table reads (the unit rows carry their
    points): the page costs what it cost before them (16); the unit page adds the trend's
    fixed 5 (months, figures, catalogue, the versions with their groups and indicators)."""

    def test_the_pages_query_counts_are_pinned(self) -> None:
        self.login(self.district)
        for url in (PAGE, PAGE + "&view=summary"):
            with self.assertNumQueries(16):
                self.client.get(url)
        with self.assertNumQueries(17):
            self.client.get(f"/chi-so-766/{self.bong_son.pk}/?period={PERIOD}")
