"""Bad input in every filter and form: out-of-range periods, huge and negative numbers,
SQL-like strings. Each gets a clear Vietnamese answer (never a server error) and changes
nothing."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from indicators.domain import formulas, periods
from indicators.models import (
    FiguresChange,
    ImportBatch,
    Period,
    Target,
    UnitFigures,
)
from tests.fuzz_strategies import (
    FUZZ,
    FUZZ_FEW,
    FuzzTestCase,
    bad_code,
    bad_number,
    bad_period,
    hostile_text,
)

PERIOD = "2023-H1-CAL"
# A Vietnamese sentence: at least one letter with a Vietnamese diacritic.
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I
)

FILTER_URLS = (
    "/xep-hang/",
    "/xep-hang/du-lieu/bars.csv",
    "/xep-hang/du-lieu/heatmap.xlsx",
    "/tong-hop/",
    "/so-lieu/",
    "/so-lieu/nhac-nho.csv",
    "/cong-van/",
    "/cong-van/tai-docx/",
    "/nhap-tep/mau.xlsx",
    "/xuat/phu-luc.xlsx",
    "/xuat/so-lieu.csv",
)


def state() -> tuple[object, ...]:
    return (
        UnitFigures.objects.count(),
        FiguresChange.objects.count(),
        sorted(UnitFigures.objects.values_list("pk", "version", "status")),
        sorted(Target.objects.values_list("pk", "value", "reason")),
        ImportBatch.objects.count(),
        Period.objects.count(),
    )


class PeriodCodeTestCase(FuzzTestCase):
    @FUZZ
    @given(code=st.one_of(bad_period(), st.text(max_size=60)))
    def test_it_parses_a_period_code_or_refuses_it_in_vietnamese(self, code: str) -> None:
        try:
            spec = periods.parse_period_code(code)
        except periods.PeriodError as error:
            self.assertRegex(str(error), VIETNAMESE)
        else:
            self.assertLessEqual(spec.start, spec.end)


class FiltersTestCase(FuzzTestCase):
    @FUZZ
    @given(
        url=st.sampled_from(FILTER_URLS),
        period=st.one_of(bad_period(), st.just(PERIOD)),
        parent=st.one_of(bad_code(), st.just("543")),
        indicator=st.one_of(bad_code(), st.sampled_from(("online", "all"))),
        extra=st.dictionaries(
            st.sampled_from(("tier", "unit", "colour", "page", "sort")), bad_code(), max_size=2
        ),
    )
    def test_it_answers_bad_filters_clearly_and_changes_nothing(
        self, url: str, period: str, parent: str, indicator: str, extra: dict[str, str]
    ) -> None:
        if (period, parent) == (PERIOD, "543") and indicator in ("online", "all") and not extra:
            return  # a correct query; the page tests cover it
        self.login(self.district)
        before = state()
        # The test client re-raises any exception of the view: a 500 fails here.
        response = self.client.get(
            url, {"period": period, "parent": parent, "indicator": indicator, **extra}
        )
        self.assertIn(response.status_code, (200, 302, 400, 403, 404), url)
        if response.status_code in (400, 404) and not response.streaming:
            self.assertRegex(response.content.decode(), VIETNAMESE)
        self.assertEqual(state(), before)

    def test_it_refuses_malformed_periods_with_a_message(self) -> None:
        self.login(self.district)
        for code in ("2023-M13-ND09", "1999-Y-CAL", "2023-13-45..2023-01-01", "'; DROP TABLE x"):
            for url in (
                "/xep-hang/",
                "/cong-van/",
                "/xuat/so-lieu.csv",
                "/tong-hop/",
                "/so-lieu/nhac-nho.csv",
            ):
                response = self.client.get(
                    url, {"period": code, "parent": "543", "indicator": "online"}
                )
                self.assertEqual(response.status_code, 400, (url, code))
                self.assertRegex(response.content.decode(), VIETNAMESE)


class FormsTestCase(FuzzTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.create_plan_with_target(year=2024)

    @FUZZ
    @given(
        bad=st.dictionaries(
            st.sampled_from(list(formulas.COUNT_FIELDS)), bad_number(), min_size=1, max_size=4
        ),
        version=st.one_of(st.just(""), bad_number()),
    )
    def test_it_refuses_bad_numbers_in_figures_entry(
        self, bad: dict[str, str], version: str
    ) -> None:
        self.login(self.commune)
        url = f"/so-lieu/{self.hoai_duc.pk}/2024-Q1-ND09/"
        before = state()
        data = {"received": "10", "received_online": "5", **bad, "version": version}
        response = self.client.post(url, data)
        if response.status_code == 302:
            # Accepted (e.g. "1.087" is a Vietnamese thousands separator): then every
            # stored count is a whole number in range and the identities hold.
            figures = UnitFigures.objects.get(unit=self.hoai_duc, period__code="2024-Q1-ND09")
            counts = figures.counts()
            self.assertTrue(all(0 <= v <= 10**9 for v in counts.values() if v is not None))
            self.assertEqual(formulas.check_identities(counts), [])
            return
        self.assertIn(response.status_code, (200, 400, 409), data)
        self.assertRegex(response.content.decode(), VIETNAMESE)
        self.assertEqual(state(), before, data)

    def test_it_names_the_problem_in_figures_entry(self) -> None:
        self.login(self.commune)
        url = f"/so-lieu/{self.hoai_duc.pk}/2024-Q1-ND09/"
        cases = {
            "1" + "0" * 30: "quá lớn",
            "1e9": "cần nhập số nguyên",
            "-1": "không được âm",
            "'; DROP TABLE indicators_unitfigures; --": "cần nhập số nguyên",
        }
        for value, message in cases.items():
            response = self.client.post(url, {"received": value})
            self.assertEqual(response.status_code, 400, value)
            self.assertIn(message, response.content.decode(), value)
        self.assertFalse(UnitFigures.objects.filter(period__code="2024-Q1-ND09").exists())

    @FUZZ_FEW
    @given(
        period=st.one_of(bad_period(), st.sampled_from(("2023-H1-CAL", "2024-Q1-ND09"))),
        action=st.sampled_from(("nop", "duyet", "tra-lai", "mo-khoa", "xoa", "'; DROP")),
        version=st.one_of(bad_number(), st.just("1")),
        comment=hostile_text(1200),
    )
    def test_it_refuses_bad_workflow_requests(
        self, period: str, action: str, version: str, comment: str
    ) -> None:
        self.login(self.district)
        before = state()
        url = f"/so-lieu/{self.hoai_duc.pk}/{period}/{action}/"
        if "/" in period or "?" in period or "#" in period:
            return  # not one URL segment: not a request anyone can send to this view
        response = self.client.post(url, {"version": version, "comment": comment})
        self.assertIn(response.status_code, (302, 400, 403, 404))
        if response.status_code != 302 or len(comment) > 1000 or not version.isdigit():
            self.assertEqual(state(), before)

    @FUZZ
    @given(
        value=st.one_of(bad_number(), st.sampled_from(("100,001", "100.5", "-0,01"))),
        reason=st.one_of(st.just(""), hostile_text(400)),
    )
    def test_it_refuses_bad_target_override_values(self, value: str, reason: str) -> None:
        self.login(self.district)
        before = state()
        url = f"/chi-tieu/{self.plan.pk}/muc/{self.target.pk}/"
        response = self.client.post(url, {"value": value, "reason": reason})
        if response.status_code == 302:
            # Accepted: only when the value is a rate and the reason is given.
            target = Target.objects.get(pk=self.target.pk)
            self.assertTrue(Decimal(0) <= target.value <= Decimal(100))
            self.assertTrue(reason.strip())
            return
        self.assertEqual(response.status_code, 400, (value, reason))
        self.assertRegex(response.content.decode(), VIETNAMESE)
        self.assertEqual(state(), before)

    @FUZZ_FEW
    @given(period=bad_period(), parent=st.one_of(bad_code(), st.just("")))
    def test_it_refuses_import_uploads_with_bad_periods_and_parents(
        self, period: str, parent: str
    ) -> None:
        self.login(self.district)
        before = state()
        upload = SimpleUploadedFile("so-lieu.csv", b"gso_code,received\n21685,10\n", "text/csv")
        response = self.client.post(
            "/nhap-tep/", {"parent": parent, "period": period, "file": upload}
        )
        self.assertIn(response.status_code, (302, 400))
        if response.status_code == 302:
            # Only a real unit of the user and a readable period get a preview.
            periods.parse_period_code(period)
            self.assertTrue(parent.strip().isdigit())
            return
        self.assertRegex(response.content.decode(), VIETNAMESE)
        self.assertEqual(state(), before)
