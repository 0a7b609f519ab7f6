"""The parent picker of large scopes: /don-vi/tim/ finds units by code or by name in any
accents, within the user's scope, at most 20; the pages show a search box instead of a
<select> of every unit; the period list is read from the Period table."""

from __future__ import annotations

import re
from unittest import mock

from indicators.domain.periods import parse_period_code
from indicators.domain.search import accent_insensitive_pattern, fold, words
from indicators.models import Period, UnitFigures
from indicators.selectors import SEARCH_LIMIT, periods_for_user
from tests.base import BaseTestCase

URL = "/don-vi/tim/"
RANKING = {"parent": "543", "period": "2023-H1-CAL", "indicator": "online"}


class AccentInsensitivePatternTestCase(BaseTestCase):
    def test_it_folds_vietnamese_letters_to_their_base(self) -> None:
        self.assertEqual(fold("Hoài Nhơn"), "hoai nhon")
        self.assertEqual(fold("ĐỨC PHỔ"), "duc pho")
        self.assertEqual(words("  Hoài-Nhơn, (543)"), ["hoai", "nhon", "543"])

    def test_it_matches_any_accents_and_case_but_not_other_words(self) -> None:
        pattern = re.compile(accent_insensitive_pattern("hoai nhon"))
        for name in ("Thị xã Hoài Nhơn", "THỊ XÃ HOÀI NHƠN", "hoài nhơn", "Hoai Nhon"):
            with self.subTest(name=name):
                self.assertIsNotNone(pattern.search(name))
        for name in ("Hoài Đức", "Nhơn Hoài", "Hoài Thanh Tây"):
            with self.subTest(name=name):
                self.assertIsNone(pattern.search(name))
        self.assertIsNotNone(re.search(accent_insensitive_pattern("duc pho"), "Thị xã Đức Phổ"))

    def test_it_gives_no_pattern_for_a_query_without_words(self) -> None:
        self.assertEqual(accent_insensitive_pattern(" .,;'\" "), "")
        # Nothing but letters and digits reaches the pattern: no regex syntax.
        self.assertEqual(accent_insensitive_pattern(".*"), "")


class UnitSearchTestCase(BaseTestCase):
    def found(self, query: str, **extra: str) -> list[dict[str, str]]:
        response = self.client.get(URL, {"q": query, "period": "2023-H1-CAL", **extra})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        return response.json()["units"]

    def test_it_finds_a_unit_by_its_name_without_accents(self) -> None:
        self.login(self.district)
        found = self.found("hoai nhon")
        self.assertIn("543", [unit["code"] for unit in found])
        label = next(unit["label"] for unit in found if unit["code"] == "543")
        self.assertIn("Hoài Nhơn", label)
        self.assertIn("Bình Định", label)  # its parent, so two units of one name differ

    def test_it_finds_a_unit_by_the_start_of_its_code(self) -> None:
        self.login(self.district)
        self.assertEqual([unit["code"] for unit in self.found("543")], ["543"])

    def test_it_finds_only_units_the_user_sees(self) -> None:
        self.login(self.district)
        self.assertEqual(self.found("duc pho"), [])
        self.assertEqual(self.found("534"), [])
        self.login(self.outsider)
        self.assertEqual(self.found("hoai nhon"), [])
        self.assertIn("534", [unit["code"] for unit in self.found("duc pho")])

    def test_it_returns_at_most_twenty_units(self) -> None:
        self.login(self.admin)
        found = self.found("a")  # nearly every name holds an a, in some accent
        self.assertEqual(len(found), SEARCH_LIMIT)
        self.assertEqual(len({unit["code"] for unit in found}), SEARCH_LIMIT)

    def test_it_offers_the_country_to_those_who_see_it(self) -> None:
        self.login(self.admin)
        self.assertEqual(self.found("ca nuoc")[0], {"code": "VN", "label": "Cả nước"})
        self.assertEqual(self.found("vn")[0]["code"], "VN")
        self.login(self.district)
        self.assertNotIn("VN", [unit["code"] for unit in self.found("ca nuoc")])

    def test_it_answers_an_unreadable_period_or_an_empty_query_with_what_it_can(self) -> None:
        self.login(self.district)
        self.assertEqual(self.found(""), [])
        self.assertIn("543", [u["code"] for u in self.found("hoai nhon", period="not-a-period")])

    def test_it_needs_a_login(self) -> None:
        response = self.client.get(URL, {"q": "hoai nhon"})
        self.assertEqual(response.status_code, 302)


class ParentPickerTestCase(BaseTestCase):
    def test_it_lists_a_small_scope_in_a_select(self) -> None:
        self.login(self.district)
        response = self.client.get("/xep-hang/", RANKING)
        self.assertContains(response, '<select name="parent">')
        self.assertContains(response, '<option value="543" selected>')
        self.assertNotContains(response, 'class="unit-search"')

    def test_it_gives_a_search_box_instead_of_every_unit_of_a_large_scope(self) -> None:
        self.login(self.admin)
        with mock.patch("indicators.templatetags.unit_picker.PARENT_SELECT_MAX", 5):
            for url in ("/xep-hang/", "/tong-hop/", "/so-lieu/", "/cong-van/"):
                with self.subTest(url=url):
                    response = self.client.get(url, RANKING)
                    self.assertEqual(response.status_code, 200)
                    html = response.content.decode()
                    self.assertIn('<input type="search" name="parent" value="543"', html)
                    self.assertIn('src="/static/js/unit-search.js"', html)
                    self.assertNotIn('<select name="parent">', html)
                    self.assertNotIn('<option value="21685"', html)  # a commune of 543
                    # The unit shown is named beside the box.
                    self.assertIn('<span class="unit-search-current">Thị xã Hoài Nhơn', html)

    def test_it_reads_a_typed_code_without_the_script(self) -> None:
        # The box is a plain field "parent": the form submits the code typed by hand.
        self.login(self.admin)
        with mock.patch("indicators.templatetags.unit_picker.PARENT_SELECT_MAX", 5):
            response = self.client.get("/xep-hang/", {**RANKING, "parent": "534"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["parent"].code, "534")


class PeriodListTestCase(BaseTestCase):
    def test_it_lists_the_periods_with_figures_in_the_users_units(self) -> None:
        for user in (self.admin, self.district, self.outsider, self.commune):
            with self.subTest(user=user.username):
                visible = user.visible_units()
                with_figures = UnitFigures.objects.all()
                if not user.sees_everything:
                    with_figures = with_figures.filter(unit__in=visible)
                expected = set(with_figures.values_list("period__code", flat=True))
                with self.assertNumQueries(1):
                    listed = list(periods_for_user(user))
                self.assertEqual({p.code for p in listed}, expected)
                if user in (self.admin, self.district):
                    self.assertTrue(expected)
                ends = [(p.end, p.start) for p in listed]
                self.assertEqual(ends, sorted(ends, reverse=True))

    def test_it_leaves_out_a_period_without_figures_in_the_users_units(self) -> None:
        period = Period.objects.for_spec(parse_period_code("2019-M01-ND09"))
        self.assertNotIn(period, list(periods_for_user(self.admin)))
        UnitFigures.objects.create(unit=self.duc_pho, period=period, received=1)
        self.assertIn(period, list(periods_for_user(self.admin)))
        self.assertIn(period, list(periods_for_user(self.outsider)))
        self.assertNotIn(period, list(periods_for_user(self.district)))
