"""The period picker on every page, opening a period nobody started, periods that cannot
be opened, and the default period (the latest most units are in for)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators.domain import periods
from indicators.models import FiguresStatus, Period, UnitFigures
from indicators.picker import PeriodPickerForm
from indicators.scope import default_period, user_default_period
from indicators.selectors import periods_by_reporting, report_count
from tests.base import BaseTestCase, make_user
from units.models import AdministrativeUnit, Role, UnitLevel, User
from units.selectors import unit_by_code

H1 = {"parent": "543", "period": "2023-H1-CAL"}
# A month of the 3-level structure nobody entered figures for (Hoài Nhơn still existed).
UNSTARTED = "2024-M05-ND09"
REFORM_DAY = dt.date(2025, 7, 1)
OCTOBER = "2026-M10-ND09"


def _picked(**fields: str | int) -> dict[str, str | int]:
    return {
        "period_kind": "M",
        "period_number": 5,
        "period_convention": "ND09",
        "period_year": 2024,
        **fields,
    }


class PeriodPickerFormTestCase(BaseTestCase):
    def test_it_turns_the_four_fields_into_a_period_code(self) -> None:
        cases = [
            (_picked(), "2024-M05-ND09"),
            (_picked(period_kind="Q", period_number=2, period_convention="CAL"), "2024-Q2-CAL"),
            (_picked(period_kind="H", period_number=1), "2024-H1-ND09"),
            (_picked(period_kind="9M", period_number=7, period_year=2026), "2026-9M-ND09"),
            (_picked(period_kind="Y", period_number="", period_convention="CAL"), "2024-Y-CAL"),
        ]
        for data, code in cases:
            form = PeriodPickerForm(data)
            self.assertTrue(form.is_valid(), form.errors)
            self.assertEqual(form.cleaned_data["code"], code)

    def test_it_refuses_what_is_no_period_in_vietnamese(self) -> None:
        form = PeriodPickerForm(_picked(period_kind="Q", period_number=7))
        self.assertFalse(form.is_valid())
        self.assertIn("Quý phải từ 1 đến 4", str(form.errors))
        self.assertEqual(form.typed_code(), "2024-Q7-ND09")
        self.assertFalse(PeriodPickerForm(_picked(period_year=1999)).is_valid())
        self.assertFalse(PeriodPickerForm(_picked(period_number="")).is_valid())


class PickerOnEveryPageTestCase(BaseTestCase):
    def test_it_shows_the_picker_on_every_page_that_takes_a_period(self) -> None:
        self.login(self.district)
        urls = [
            ("/so-lieu/", H1),
            ("/nhap-tep/", {"period": "2023-H1-CAL"}),
            ("/xep-hang/", {**H1, "indicator": "online"}),
            ("/tong-hop/", H1),
            ("/cong-van/", H1),
            (f"/don-vi/{self.hoai_duc.pk}/", {"period": "2023-H1-CAL"}),
        ]
        for url, query in urls:
            with self.subTest(url=url):
                response = self.client.get(url, query)
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                self.assertIn('id="period-picker-form"', html)
                self.assertIn('name="period_kind"', html)
                self.assertIn('<option value="9M">9 tháng đầu năm</option>', html)
                # Set to the period shown: 6 months, first, calendar, 2023.
                self.assertIn('<option value="H" selected>', html)
                self.assertIn('<option value="CAL" selected>', html)
                self.assertIn('value="2023" required', html)
        html = self.client.get("/so-lieu/", H1).content.decode()
        self.assertNotIn("đổi mã kỳ trên địa chỉ", html)  # the old hint is gone

    def test_it_keeps_the_other_parameters_and_names_the_period_by_its_code(self) -> None:
        self.login(self.district)
        query = {"parent": "543", "indicator": "digitization", **_picked()}
        response = self.client.get("/xep-hang/", query)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            response["Location"],
            "/xep-hang/?parent=543&indicator=digitization&period=2024-M05-ND09",
        )
        # The hidden fields carry the page's parameters along, never the old period.
        html = self.client.get("/xep-hang/", {**H1, "indicator": "digitization"}).content.decode()
        picker = html.split('id="period-picker-form"')[1].split("</form>")[0]
        self.assertIn('<input type="hidden" name="indicator" value="digitization">', picker)
        self.assertIn('<input type="hidden" name="parent" value="543">', picker)
        self.assertNotIn('name="period"', picker)

    def test_it_never_sends_the_user_off_the_portal(self) -> None:
        self.login(self.district)
        response = self.client.get("//elsewhere.example/", _picked())
        self.assertNotIn("elsewhere.example", response.get("Location", ""))

    def test_it_passes_a_wrong_choice_on_for_the_page_to_explain(self) -> None:
        self.login(self.district)
        response = self.client.get(
            "/tong-hop/",
            {"parent": "543", **_picked(period_kind="Q", period_number=7)},
            follow=True,
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Quý phải từ 1 đến 4, nhận được 7", response.content.decode())

    def test_it_prefills_the_import_forms_with_the_picked_period(self) -> None:
        self.login(self.district)
        html = self.client.get("/nhap-tep/", {"period": UNSTARTED}).content.decode()
        self.assertIn(f'value="{UNSTARTED}"', html.split('id="upload-form"')[1])
        self.assertIn(f'value="{UNSTARTED}"', html.split('id="downloads"')[1])


class UnstartedPeriodTestCase(BaseTestCase):
    def test_it_lists_every_unit_as_not_reported_for_a_period_nobody_started(self) -> None:
        self.assertFalse(UnitFigures.objects.filter(period__code=UNSTARTED).exists())
        self.login(self.district)
        response = self.client.get("/so-lieu/", {"parent": "543", "period": UNSTARTED})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        spec = periods.parse_period_code(UNSTARTED)
        communes = AdministrativeUnit.objects.filter(
            parent=self.hoai_nhon, level=UnitLevel.COMMUNE
        ).valid_during(spec.start, spec.end)
        expected = 1 + communes.count()  # the district's desk and its communes
        self.assertGreater(expected, 10)
        self.assertEqual(html.count('data-code="'), expected)
        self.assertEqual(html.count("Chưa nhập"), expected)
        self.assertIn(f"{expected}/{expected} đơn vị chưa báo cáo kỳ này.", html)
        self.assertIn(f'href="/so-lieu/{self.hoai_duc.pk}/{UNSTARTED}/">Nhập số liệu', html)
        self.assertIn("0/18 đơn vị đã nộp hoặc được duyệt", html)
        # The period is stored once, whatever the number of visits; no figures written.
        self.client.get("/so-lieu/", {"parent": "543", "period": UNSTARTED})
        self.assertEqual(Period.objects.filter(code=UNSTARTED).count(), 1)
        self.assertFalse(UnitFigures.objects.filter(period__code=UNSTARTED).exists())

    def test_it_opens_the_current_month_on_today_s_structure(self) -> None:
        today = timezone.localdate()
        current = periods.reporting_period_containing(
            today, periods.PeriodKind.MONTH, periods.Convention.DECREE09
        )
        province = unit_by_code("52", on=max(today, REFORM_DAY))
        self.login(make_user("tinh", Role.PROVINCE_STAFF, province))
        response = self.client.get("/so-lieu/", {"period": current.code})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        children = AdministrativeUnit.objects.filter(parent=province).valid_during(
            current.start, current.end
        )
        self.assertEqual(html.count('data-code="'), 1 + children.count())
        self.assertIn(current.label_vi, html)

    def test_it_opens_an_unstarted_period_on_the_other_pages_too(self) -> None:
        self.login(self.district)
        for url, query in [
            ("/tong-hop/", {"parent": "543", "period": UNSTARTED}),
            ("/xep-hang/", {"parent": "543", "period": UNSTARTED, "indicator": "online"}),
            ("/cong-van/", {"parent": "543", "period": UNSTARTED}),
            (f"/don-vi/{self.hoai_duc.pk}/", {"period": UNSTARTED}),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url, query)
                self.assertEqual(response.status_code, 200)
                self.assertIn("Tháng 5 năm 2024", response.content.decode())


class UnopenablePeriodTestCase(BaseTestCase):
    def test_it_says_a_future_period_has_not_begun_on_every_page(self) -> None:
        today = timezone.localdate()
        future = periods.year_period(today.year + 2, periods.Convention.DECREE09)
        self.login(self.district)
        for url, extra, status in [
            ("/so-lieu/", {}, 200),  # the default period instead, and why
            ("/tong-hop/", {}, 400),
            ("/xep-hang/", {"indicator": "online"}, 400),
            ("/cong-van/", {}, 400),
            (f"/don-vi/{self.hoai_duc.pk}/", {}, 200),
        ]:
            with self.subTest(url=url):
                query = {"parent": "543", "period": future.code, **extra}
                response = self.client.get(url, query)
                self.assertEqual(response.status_code, status)
                html = response.content.decode()
                self.assertIn(f"Kỳ Năm {today.year + 2}", html)
                self.assertIn("chưa bắt đầu", html)
        self.assertFalse(Period.objects.filter(code=future.code).exists())

    def test_it_says_what_is_wrong_with_a_malformed_code(self) -> None:
        self.login(self.district)
        for url in ("/so-lieu/", "/tong-hop/", "/xep-hang/", "/cong-van/"):
            with self.subTest(url=url):
                query = {"parent": "543", "period": "2026-M13-ND09", "indicator": "online"}
                response = self.client.get(url, query)
                self.assertIn(response.status_code, (200, 400))
                html = response.content.decode()
                self.assertIn("Kỳ báo cáo không hợp lệ: &#x27;2026-M13-ND09&#x27;", html)
                self.assertIn("Tháng phải từ 1 đến 12", html)

    def test_it_refuses_a_date_range_nobody_entered_figures_in(self) -> None:
        self.login(self.district)
        response = self.client.get(
            "/tong-hop/", {"parent": "543", "period": "2019-01-01..2019-02-01"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            "Chưa có số liệu trong khoảng 01/01/2019 – 01/02/2019", response.content.decode()
        )
        self.assertFalse(Period.objects.filter(code="2019-01-01..2019-02-01").exists())


def _figures(unit: AdministrativeUnit, code: str, status: str) -> UnitFigures:
    return UnitFigures.objects.create(
        unit=unit,
        period=Period.objects.for_spec(periods.parse_period_code(code)),
        status=status,
        received=100,
        received_online=80,
    )


class DefaultPeriodTestCase(BaseTestCase):
    def _communes(self, code: str) -> list[AdministrativeUnit]:
        spec = periods.parse_period_code(code)
        return list(
            AdministrativeUnit.objects.filter(parent=self.hoai_nhon, level=UnitLevel.COMMUNE)
            .valid_during(spec.start, spec.end)
            .order_by("code")
        )

    def test_it_skips_a_newer_period_holding_only_a_draft(self) -> None:
        _figures(self.hoai_duc, "2024-M03-ND09", FiguresStatus.DRAFT)
        self.login(self.district)
        html = self.client.get("/tong-hop/").content.decode()
        self.assertIn("Kỳ mặc định: 6 tháng đầu năm 2023", html)
        self.assertIn("18/18 đơn vị đã nộp hoặc được duyệt", html)
        html = self.client.get("/so-lieu/").content.decode()
        self.assertIn("Kỳ mặc định: 6 tháng đầu năm 2023", html)
        response = self.client.get("/xep-hang/")
        self.assertIn("period=2023-H1-CAL", response["Location"])

    def test_it_skips_a_newer_period_only_a_few_units_are_in(self) -> None:
        communes = self._communes("2024-M03-ND09")
        for unit in communes[:3]:
            _figures(unit, "2024-M03-ND09", FiguresStatus.SUBMITTED)
        chosen = default_period(self.district.visible_units())
        self.assertEqual(chosen.code if chosen else None, "2023-H1-CAL")

    def test_it_moves_to_the_newer_period_once_most_units_are_in(self) -> None:
        communes = self._communes("2024-M03-ND09")
        for unit in communes[:10]:  # 10 of the 18 reporting units
            _figures(unit, "2024-M03-ND09", FiguresStatus.APPROVED)
        self.login(self.district)
        html = self.client.get("/tong-hop/").content.decode()
        self.assertIn("Kỳ mặc định: Tháng 3 năm 2024", html)
        self.assertIn("10/18 đơn vị đã nộp hoặc được duyệt", html)

    def test_it_falls_back_to_the_latest_period_with_any_submission(self) -> None:
        # The commune's own units: only itself, and no figures are in anywhere.
        hoai_duc_user = self.commune
        UnitFigures.objects.filter(unit=self.hoai_duc).update(status=FiguresStatus.DRAFT)
        _figures(self.hoai_duc, "2024-M03-ND09", FiguresStatus.DRAFT)
        chosen = default_period(hoai_duc_user.visible_units())
        assert chosen is not None
        self.assertEqual(chosen.code, "2024-M03-ND09")  # the latest with figures at all
        _figures(self.hoai_duc, "2024-M01-ND09", FiguresStatus.SUBMITTED)
        _figures(self.hoai_duc, "2024-M02-ND09", FiguresStatus.DRAFT)
        chosen = default_period(hoai_duc_user.visible_units())
        assert chosen is not None
        self.assertEqual(chosen.code, "2024-M01-ND09")

    def test_it_takes_the_best_reported_period_when_none_has_most_units(self) -> None:
        # The whole country, where only two provinces use the portal: no period has most
        # units in; the month with the most of them wins over the one just started.
        communes = self._communes("2024-M03-ND09")
        for unit in communes[:6]:
            _figures(unit, "2024-M02-ND09", FiguresStatus.APPROVED)
        _figures(communes[0], "2024-M03-ND09", FiguresStatus.SUBMITTED)
        chosen = default_period(self.admin.visible_units())
        self.assertEqual(chosen.code if chosen else None, "2023-H1-CAL")  # 18 units in
        UnitFigures.objects.filter(period__code="2023-H1-CAL").delete()
        chosen = default_period(self.admin.visible_units())
        self.assertEqual(chosen.code if chosen else None, "2024-M02-ND09")

    def test_it_chooses_in_three_queries_whatever_the_number_of_periods_and_units(self) -> None:
        # The figures grouped by period, those periods, the units grouped by their
        # validity: no count per period, so neither more periods nor more units add one.
        communes = self._communes("2024-M03-ND09")
        with CaptureQueriesContext(connection) as few:
            default_period(self.district.visible_units())
        for number in range(1, 7):
            _figures(communes[number], f"2024-M{number:02d}-ND09", FiguresStatus.SUBMITTED)
        for number in range(30):  # communes created on 01/03/2024 (after 2024-M02-ND09)
            AdministrativeUnit.objects.create(
                code=f"99{number:03d}",
                level=UnitLevel.COMMUNE,
                unit_type="Xã",
                name=f"Mới {number}",
                parent=self.hoai_nhon,
                structure=self.hoai_nhon.structure,
                valid_from=dt.date(2024, 3, 1),
                valid_to=dt.date(2025, 6, 30),
            )
        with CaptureQueriesContext(connection) as many:
            chosen = periods_by_reporting(self.district.visible_units())
        self.assertEqual(len(few), 3)
        self.assertEqual(len(many), 3)
        self.assertEqual(len(chosen), 7)  # H1 2023 and six months of 2024
        units = self.district.visible_units()
        for candidate in chosen:
            period = candidate.period
            with self.subTest(period=period.code):
                # The units existing during each period, as the database counts them.
                counted = report_count(units=units, start=period.start, end=period.end)
                self.assertEqual(candidate.count.units, counted.units)
        by_code = {c.period.code: c.count for c in chosen}
        self.assertEqual(by_code["2024-M03-ND09"].units, by_code["2024-M02-ND09"].units + 30)


class NationalDefaultPeriodTestCase(BaseTestCase):
    """The national role opens on the live monthly cycle of the 2025 structure, even
    where the legacy structure's periods have more units in; the other roles keep the
    rule of the period most units are in."""

    def setUp(self) -> None:
        super().setUp()
        self.national = make_user("national", Role.NATIONAL, None)
        province = unit_by_code("52", on=REFORM_DAY)
        communes = list(
            AdministrativeUnit.objects.filter(parent=province, level=UnitLevel.COMMUNE)
            .valid_on(dt.date(2026, 10, 1))
            .order_by("code")
        )
        # October 2026: 6 communes of today's Gia Lai in (H1 2023 has 18 legacy units).
        for unit in communes[:6]:
            _figures(unit, OCTOBER, FiguresStatus.APPROVED)
        # November 2026 just started: 2 submitted, 1 draft.
        for unit in communes[:2]:
            _figures(unit, "2026-M11-ND09", FiguresStatus.SUBMITTED)
        _figures(communes[2], "2026-M11-ND09", FiguresStatus.DRAFT)
        self.communes = communes

    def default_shown(self, user: User) -> str:
        self.login(user)
        html = self.client.get("/tong-hop/").content.decode()
        return html.split("Kỳ mặc định: ", 1)[1].split(" (", 1)[0]

    def test_it_opens_the_national_role_on_the_live_month_of_todays_structure(self) -> None:
        self.assertEqual(self.default_shown(self.national), "Tháng 10 năm 2026")
        self.assertEqual(user_default_period(self.national), Period.objects.get(code=OCTOBER))

    def test_it_moves_on_once_most_of_the_live_cycles_units_are_in(self) -> None:
        for unit in self.communes[3:5]:
            _figures(unit, "2026-M11-ND09", FiguresStatus.APPROVED)  # 4 in, October 6
        self.assertEqual(self.default_shown(self.national), "Tháng 11 năm 2026")

    def test_it_keeps_the_rule_of_the_most_units_in_for_the_administrator(self) -> None:
        self.assertEqual(self.default_shown(self.admin), "6 tháng đầu năm 2023")
        self.assertEqual(user_default_period(self.admin), Period.objects.get(code="2023-H1-CAL"))
        self.assertEqual(user_default_period(self.district), default_period(None))

    def test_it_keeps_the_legacy_rule_where_today_s_structure_has_no_figures(self) -> None:
        UnitFigures.objects.filter(period__code__startswith="2026-").delete()
        self.assertEqual(self.default_shown(self.national), "6 tháng đầu năm 2023")


class DrillDownTestCase(BaseTestCase):
    def test_it_keeps_the_period_from_the_ranking_to_the_unit_page_and_the_child_s_ranking(
        self,
    ) -> None:
        self.login(self.admin)
        html = self.client.get(
            "/xep-hang/", {"parent": "52", "period": "2023-H1-CAL", "indicator": "online"}
        ).content.decode()
        self.assertIn(f'href="/don-vi/{self.hoai_nhon.pk}/?period=2023-H1-CAL"', html)
        self.assertIn(
            'href="/xep-hang/?parent=543&amp;period=2023-H1-CAL&amp;indicator=online"', html
        )

    def test_it_shows_the_unit_page_for_the_period_of_the_link(self) -> None:
        _figures(self.hoai_duc, "2024-M03-ND09", FiguresStatus.SUBMITTED)
        self.login(self.district)
        html = self.client.get(
            f"/don-vi/{self.hoai_duc.pk}/", {"period": "2023-H1-CAL"}
        ).content.decode()
        latest = html.split('<section class="card">')[1]
        self.assertIn("6 tháng đầu năm 2023", latest.split("</h2>")[0])
