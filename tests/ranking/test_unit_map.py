"""The units' map beside the rankings and the summary: points at the units' dataset
locations, one trace per status with its own marker, hover figures, a click URL."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import maps
from indicators.domain.compliance import AgainstTarget
from indicators.domain.status import Status
from indicators.models import Indicator, Period
from indicators.ranking.selectors import Ranking, ranking_for
from tests.base import BaseTestCase
from units.models import AdministrativeUnit

H1 = {"parent": "543", "period": "2023-H1-CAL", "indicator": "online"}


def page_map(html: str) -> dict:
    found = re.search(r'<script id="unit-map-data" type="application/json">(.*?)</script>', html)
    assert found is not None, "the page carries no map"
    return maps.expanded(json.loads(found.group(1)))


def traces_by_category(figure: dict, *, visible_only: bool = True) -> dict[str, dict]:
    return {
        trace["meta"]["category"]: trace
        for trace in maps.expanded(figure)["data"]
        if not visible_only or trace.get("visible", True)
    }


class UnitMapBuilderTestCase(BaseTestCase):
    online: Indicator
    h1: Period
    ranking: Ranking

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.online = Indicator.objects.get(code="online")
        cls.h1 = Period.objects.get(code="2023-H1-CAL")
        cls.ranking = ranking_for(parent=cls.hoai_nhon, period=cls.h1, indicator=cls.online)

    def ranking_map(self) -> maps.UnitMap:
        layer = maps.status_layer(
            [(row.unit, row) for row in self.ranking.rows], indicator=self.online, period=self.h1
        )
        return maps.unit_map([layer])

    def test_it_puts_each_commune_at_its_point_in_the_trace_of_its_status(self) -> None:
        unit_map = self.ranking_map()
        traces = traces_by_category(unit_map.figure)
        self.assertEqual(unit_map.shown, 17)
        self.assertEqual(unit_map.without_location, [])
        met = [row for row in self.ranking.rows if row.status == Status.MET]
        missed = [row for row in self.ranking.rows if row.status == Status.MISSED]
        self.assertEqual(len(met), 10)  # the dispatch: 10/17 communes met the online target
        self.assertEqual(len(traces["met"]["x"]), 10)
        self.assertEqual(len(traces["missed"]["x"]), len(missed))
        hoai_duc = next(row for row in met if row.unit.code == "21685")
        position = traces["met"]["customdata"].index(
            next(c for c in traces["met"]["customdata"] if f"/don-vi/{hoai_duc.unit.pk}/" in c[0])
        )
        self.assertEqual(traces["met"]["x"][position], hoai_duc.unit.longitude)
        self.assertEqual(traces["met"]["y"][position], hoai_duc.unit.latitude)

    def test_it_gives_each_status_its_own_marker_and_a_vietnamese_legend(self) -> None:
        traces = traces_by_category(self.ranking_map().figure)
        symbols = {key: trace["marker"]["symbol"] for key, trace in traces.items()}
        self.assertEqual(len(set(symbols.values())), len(symbols))  # colour is never alone
        self.assertEqual(traces["met"]["name"], "✔ Đạt")
        self.assertEqual(traces["missed"]["name"], "✘ Chưa đạt")
        self.assertEqual(traces["met"]["marker"]["color"], Status.MET.colour)
        figure = self.ranking_map().figure
        self.assertIs(figure["layout"]["showlegend"], True)
        self.assertEqual(figure["layout"]["legend"]["orientation"], "h")  # fits a phone

    def test_it_shows_the_units_figures_on_hover_and_opens_its_page_on_click(self) -> None:
        traces = traces_by_category(self.ranking_map().figure)
        hoai_duc = AdministrativeUnit.objects.get(code="21685", structure="legacy")
        url, hover = next(c for c in traces["met"]["customdata"] if "Hoài Đức" in c[1])
        self.assertEqual(url, f"/don-vi/{hoai_duc.pk}/?period=2023-H1-CAL&indicator=online")
        self.assertIn("93,33 %", hover)
        self.assertIn("Chỉ tiêu:", hover)
        self.assertEqual(traces["met"]["hovertemplate"], "%{customdata[1]}<extra></extra>")

    def test_it_draws_plain_axes_with_equal_distances_and_no_basemap(self) -> None:
        figure = maps.expanded(self.ranking_map().figure)
        layout = figure["layout"]
        self.assertNotIn("geo", layout)
        self.assertEqual({trace["type"] for trace in figure["data"]}, {"scatter"})
        self.assertEqual(layout["yaxis"]["scaleanchor"], "x")
        south, north = layout["yaxis"]["range"]
        expected = 1 / math.cos(math.radians((south + north) / 2))
        self.assertAlmostEqual(layout["yaxis"]["scaleratio"], expected, places=6)
        latitudes = [y for trace in figure["data"] for y in trace["y"]]
        self.assertLess(south, min(latitudes))
        self.assertGreater(north, max(latitudes))

    def test_it_leaves_out_and_names_units_without_a_location(self) -> None:
        rows = list(self.ranking.rows)
        rows[0].unit.latitude = None  # a unit made by hand
        layer = maps.status_layer(
            [(row.unit, row) for row in rows], indicator=self.online, period=self.h1
        )
        unit_map = maps.unit_map([layer])
        self.assertEqual(unit_map.shown, 16)
        self.assertEqual(unit_map.without_location, [rows[0].unit.full_name])
        points = sum(len(trace["x"]) for trace in maps.expanded(unit_map.figure)["data"])
        self.assertEqual(points, 16)

    def test_it_takes_any_colouring_of_units(self) -> None:
        # Another colouring (a score, say) brings its own categories and points.
        high = maps.MapCategory("high", "≥ 90 điểm", "#1a7f37", "circle")
        low = maps.MapCategory("low", "< 90 điểm", "#c62828", "triangle-down")
        units = [row.unit for row in self.ranking.rows]
        points = [
            maps.MapPoint(unit, high if n % 2 else low, (f"{n} điểm",), f"/x/{n}/")
            for n, unit in enumerate(units)
        ]
        layer = maps.MapLayer("Điểm", points, query="?period=p")
        figure = maps.unit_map([layer], categories=[high, low]).figure
        traces = traces_by_category(figure)
        url, hover = traces["low"]["customdata"][0]
        self.assertEqual((url, hover), ("/x/0/?period=p", f"<b>{units[0].full_name}</b><br>0 điểm"))
        self.assertEqual([t["name"] for t in figure["data"]], ["≥ 90 điểm", "&lt; 90 điểm"])
        self.assertEqual(len(traces["high"]["x"]) + len(traces["low"]["x"]), len(units))
        self.assertEqual(traces["low"]["marker"]["symbol"], "triangle-down")

    def test_it_switches_indicators_with_a_menu_showing_one_layer_at_a_time(self) -> None:
        from indicators.summary.selectors import compliance_matrix

        matrix = compliance_matrix(parent=self.hoai_nhon, period=self.h1)
        layers = maps.matrix_layers(matrix.rows, period=self.h1)
        self.assertEqual([layer.title for layer in layers], [i.short_vi for i in matrix.indicators])
        figure = maps.expanded(maps.unit_map(layers).figure)
        buttons = figure["layout"]["updatemenus"][0]["buttons"]
        self.assertEqual(len(buttons), len(layers))
        data = figure["data"]
        for button in buttons:
            visible = button["args"][0]["visible"]
            self.assertEqual(len(visible), len(data))
            shown = [trace for trace, on in zip(data, visible, strict=True) if on]
            # One layer: each unit once, each category once.
            self.assertEqual(sum(len(trace["x"]) for trace in shown), 17)
            categories = [trace["meta"]["category"] for trace in shown]
            self.assertEqual(len(categories), len(set(categories)))
        first_visible = [trace.get("visible", True) for trace in data]
        self.assertEqual(first_visible, buttons[0]["args"][0]["visible"])
        # Every online link keeps the indicator for the unit page's trend.
        urls = [c[0] for trace in data for c in trace["customdata"]]
        self.assertTrue(any(url.endswith("indicator=payment") for url in urls))

    def test_it_leaves_the_desk_out_of_a_matrix_map(self) -> None:
        from indicators.summary.selectors import compliance_matrix

        binh_dinh = AdministrativeUnit.objects.get(code="52", structure="legacy")
        matrix = compliance_matrix(parent=binh_dinh, period=self.h1)
        desk_rows = [row for row in matrix.rows if row.is_desk]
        layers = maps.matrix_layers(matrix.rows, period=self.h1)
        self.assertEqual(len(layers[0].points), len(matrix.rows) - len(desk_rows))
        self.assertNotIn(binh_dinh.pk, {p.unit.pk for p in layers[0].points})

    def test_it_writes_the_figures_the_vietnamese_way_on_hover(self) -> None:
        @dataclass
        class Counts(AgainstTarget):
            numerator: int | None
            denominator: int | None
            target: Decimal | None

        unit = self.ranking.rows[0].unit

        def hover(against: Counts) -> str:
            layer = maps.status_layer([(unit, against)], indicator=self.online, period=self.h1)
            return next(iter(traces_by_category(maps.unit_map([layer]).figure).values()))[
                "customdata"
            ][0][1]

        counted = hover(Counts(1087, 1300, Decimal(70)))
        self.assertIn("83,62 % (1.087/1.300)", counted)
        self.assertIn("Chỉ tiêu: 70,00 %", counted)
        self.assertIn("✔ Đạt", counted)
        empty = hover(Counts(None, None, None))
        self.assertIn("Chưa giao chỉ tiêu", empty)
        self.assertIn("– Không có số liệu", empty)
        self.assertNotIn("%", empty)
        self.assertNotIn("<br><br>", empty)  # the missing rate leaves no empty line


class UnitMapPagesTestCase(BaseTestCase):
    def test_it_puts_the_map_beside_the_ranking_with_clicks_that_open_unit_pages(self) -> None:
        self.login(self.district)
        html = self.client.get("/xep-hang/", H1).content.decode()
        self.assertIn('data-click="navigate"', html)
        figure = page_map(html)
        points = sum(len(trace["x"]) for trace in figure["data"])
        self.assertEqual(points, 17)
        self.assertIn("Bản đồ đơn vị", html)

    def test_it_puts_a_map_of_every_indicator_under_the_ranking_matrix(self) -> None:
        self.login(self.district)
        html = self.client.get("/xep-hang/", {**H1, "indicator": "all"}).content.decode()
        figure = page_map(html)
        self.assertEqual(
            len(figure["layout"]["updatemenus"][0]["buttons"]), Indicator.objects.count()
        )

    def test_it_puts_the_map_on_the_summary_and_loads_the_chart_script(self) -> None:
        self.login(self.chairman)
        response = self.client.get("/tong-hop/", {"parent": "543", "period": "2023-H1-CAL"})
        html = response.content.decode()
        figure = page_map(html)
        self.assertIn("/static/js/charts.js", html)
        self.assertIn("/static/plotly/plotly.min.js", html)
        self.assertTrue(figure["layout"]["updatemenus"])
        self.assertNotRegex(html, r'(src|href)="(https?:)?//')

    def test_it_reads_the_summary_with_its_map_in_the_same_queries_for_any_size(self) -> None:
        self.login(self.admin)
        query = {"period": "2023-H1-CAL"}
        self.client.get("/tong-hop/", {**query, "parent": "543"})  # warm the session
        with CaptureQueriesContext(connection) as communes:
            html = self.client.get("/tong-hop/", {**query, "parent": "543"}).content.decode()
        with CaptureQueriesContext(connection) as districts:
            other = self.client.get("/tong-hop/", {**query, "parent": "52"}).content.decode()
        self.assertEqual(len(communes), len(districts))
        self.assertGreater(len(page_map(html)["data"]), 0)
        self.assertGreater(len(page_map(other)["data"]), 0)

    def test_it_reads_the_ranking_with_its_map_in_the_pages_pinned_queries(self) -> None:
        self.login(self.admin)
        self.client.get("/xep-hang/", H1)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            html = self.client.get("/xep-hang/", H1).content.decode()
        self.assertGreater(len(page_map(html)["data"]), 0)
        # The page's count (tests/ranking/test_ranking_view.py): the map adds none, each
        # unit's point is a column of the unit rows the ranking read.
        self.assertEqual(len(queries), 15)


class CountryMapTestCase(BaseTestCase):
    def test_it_maps_the_countrys_provinces_and_the_page_of_communes_shown(self) -> None:
        self.login(self.admin)
        html = self.client.get("/xep-hang/", {**H1, "parent": "VN"}).content.decode()
        figure = page_map(html)
        urls = [c[0] for trace in figure["data"] for c in trace["customdata"]]
        provinces = AdministrativeUnit.objects.filter(
            level="province", structure="legacy", latitude__isnull=False
        )
        self.assertEqual(len(urls), provinces.count())  # the seed's provinces: 51 and 52
        self.assertTrue(all(f"/don-vi/{p.pk}/" in " ".join(urls) for p in provinces))

        html = self.client.get(
            "/xep-hang/", {**H1, "parent": "VN", "tier": "commune"}
        ).content.decode()
        points = sum(len(trace["x"]) for trace in page_map(html)["data"])
        self.assertEqual(points, html.split('<tbody class="children">', 1)[1].count("data-code="))
        self.assertIn("Bản đồ chỉ có các xã của trang đang xem.", html)

    def test_it_maps_the_provinces_on_the_countrys_summary(self) -> None:
        self.login(self.admin)
        html = self.client.get(
            "/tong-hop/", {"parent": "VN", "period": "2023-H1-CAL"}
        ).content.decode()
        first = [trace for trace in page_map(html)["data"] if trace.get("visible", True)]
        self.assertEqual(sum(len(trace["x"]) for trace in first), 2)


class UnitMapWeightTestCase(BaseTestCase):
    """The summary's map switches between every indicator: what is the same in every layer
    (a unit's name, place and page; a trace's status and indicator) travels once, so the
    map weighs tens of bytes per unit and indicator, not the ~400 it did when each point
    carried all of its hover text and URL."""

    def map_text(self, html: str) -> str:
        found = re.search(
            r'<script id="unit-map-data" type="application/json">(.*?)</script>', html
        )
        assert found is not None, "the page carries no map"
        return found.group(1)

    def test_it_sends_each_units_name_and_place_once_for_every_indicator(self) -> None:
        self.login(self.chairman)
        html = self.client.get("/tong-hop/", {"parent": "543", "period": "2023-H1-CAL"})
        text = self.map_text(html.content.decode())
        figure = json.loads(text)
        layers = len(figure["layout"]["updatemenus"][0]["buttons"])
        self.assertGreater(layers, 1)
        hoai_duc = AdministrativeUnit.objects.get(code="21685", structure="legacy")
        self.assertEqual(text.count(hoai_duc.full_name), 1)
        self.assertEqual(text.count(f"/don-vi/{hoai_duc.pk}/"), 1)
        self.assertEqual(text.count(str(hoai_duc.longitude)), 1)
        self.assertEqual(text.count("Bấm để mở trang đơn vị"), len(figure["data"]))
        points = sum(len(trace["customdata"]) for trace in figure["data"])
        self.assertEqual(points, 17 * layers)
        # What grows with the units (each point's data, the units' table; not the layout
        # nor each trace's style): a few dozen bytes per unit and indicator.

        def size(value: object) -> int:
            return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

        growing = size(figure.get("units")) + sum(size(t["customdata"]) for t in figure["data"])
        self.assertLess(growing / points, 60)  # each point with its URL and hover: ~300

    def test_it_writes_letters_as_themselves_and_keeps_markup_escaped(self) -> None:
        from indicators.templatetags.kpi import figure_json

        element = figure_json({"name": "Xã Ia Grai", "hover": "<b>A & B</b>"}, "x-data")
        self.assertEqual(
            element,
            '<script id="x-data" type="application/json">'
            '{"name":"Xã Ia Grai","hover":"\\u003Cb\\u003EA \\u0026 B\\u003C/b\\u003E"}</script>',
        )
        self.assertEqual(
            json.loads(element.split(">", 1)[1].rsplit("<", 1)[0])["hover"], "<b>A & B</b>"
        )
