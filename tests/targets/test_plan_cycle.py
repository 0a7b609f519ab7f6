"""The yearly cycle from the command line: `create_plan` then `compute_targets` give next
year's targets from this year's months, and the 2026 targets of units created by the 2025
merger from their predecessors' figures before it plus their own after it."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

from django.core.management import call_command

from indicators.domain.periods import Convention
from indicators.models import Target, TargetPlan
from tests.base import BaseTestCase, make_user
from tests.targets.merged import (
    REFORM_DAY,
    bong_son_units,
    h1_h2_figures,
    hoai_nhon_wards,
    monthly_figures,
)
from units.models import Role
from units.selectors import unit_by_code


def create_plan(*args: str) -> TargetPlan:
    out = io.StringIO()
    call_command("create_plan", *args, stdout=out)
    return TargetPlan.objects.get(pk=int(out.getvalue().splitlines()[0]))


def compute(*args: str) -> dict[tuple[str, str], dict[str, str]]:
    out = io.StringIO()
    call_command("compute_targets", *args, "--format", "csv", stdout=out)
    rows = csv.DictReader(io.StringIO(out.getvalue()))
    return {(row["unit_code"], row["indicator"]): row for row in rows}


def rounded(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def rule(baseline: Decimal, minimum: Decimal) -> Decimal:
    """The Phổ Ninh rule with +10 points, capped at 100, as the plan states it."""
    return minimum if baseline < minimum else min(baseline + 10, Decimal(100))


class NextYearFromMonthsTestCase(BaseTestCase):
    def test_it_gives_2027_targets_from_the_months_of_2026(self) -> None:
        bong_son = unit_by_code("21640", on=REFORM_DAY)
        tam_quan = unit_by_code("21637", on=REFORM_DAY)
        # Bồng Sơn: 70/100 online in months 1–6, 95/100 in 7–12 (Decree 09 months).
        monthly_figures(bong_son, 2026, range(1, 7), online=70, received=100)
        monthly_figures(bong_son, 2026, range(7, 13), online=95, received=100)
        # Tam Quan: 60/100 every month but November (not reported).
        monthly_figures(tam_quan, 2026, [*range(1, 11), 12], online=60, received=100)
        plan = create_plan("--issuer", "52", "--year", "2027", "--rule")
        rows = compute("--year", "2027", "--parent", "52")
        bong_son_row = rows[("21640", "online")]
        baseline = rounded(6 * 70 + 6 * 95, 12 * 100)  # 990 / 1.200 = 82,50 %
        self.assertEqual(Decimal(bong_son_row["baseline"]), baseline)
        self.assertEqual(Decimal(bong_son_row["target"]), rule(baseline, Decimal(80)))
        self.assertEqual(bong_son_row["branch"], "uplift")
        tam_quan_row = rows[("21637", "online")]
        self.assertEqual(Decimal(tam_quan_row["baseline"]), rounded(11 * 60, 11 * 100))
        self.assertEqual(Decimal(tam_quan_row["target"]), Decimal(80))
        self.assertEqual(tam_quan_row["branch"], "below_minimum")
        # Without any figures for 2026: the national minimum, no baseline.
        self.assertEqual(rows[("21640", "payment")]["branch"], "no_baseline")
        target = Target.objects.get(plan=plan, unit=bong_son, indicator__code="online")
        self.assertEqual(target.value, Decimal("92.50"))
        self.assertEqual(
            target.baseline_note,
            "Năm 2026 theo Nghị định 09 (15/12/2025 – 14/12/2026): tổng số liệu 01–12/2026 "
            "của đơn vị",
        )
        tam_quan_target = Target.objects.get(plan=plan, unit=tam_quan, indicator__code="online")
        self.assertIn("11/12 tháng có số liệu", tam_quan_target.baseline_note)


class MergedBaselineTestCase(BaseTestCase):
    def test_it_adds_the_predecessors_months_before_the_merger_to_the_wards_after(self) -> None:
        new_bong_son, old_bong_son, hoai_duc = bong_son_units()
        monthly_figures(old_bong_son, 2025, range(1, 7), online=60, received=100)
        monthly_figures(hoai_duc, 2025, range(1, 7), online=90, received=100)
        monthly_figures(new_bong_son, 2025, range(7, 13), online=95, received=100)
        plan = create_plan("--issuer", "52", "--year", "2026", "--minimum", "online=80")
        rows = compute("--year", "2026", "--parent", "52")
        row = rows[("21640", "online")]
        baseline = rounded(6 * 60 + 6 * 90 + 6 * 95, 18 * 100)  # 1.470 / 1.800 = 81,67 %
        self.assertEqual(Decimal(row["baseline"]), baseline)
        self.assertEqual(Decimal(row["target"]), rule(baseline, Decimal(80)))
        target = Target.objects.get(plan=plan, unit=new_bong_son)
        note = (
            "Năm 2025 theo Nghị định 09 (15/12/2024 – 14/12/2025): tổng số liệu 01–06/2025 "
            "của Bồng Sơn, Hoài Đức (trước sắp xếp) và 07–12/2025 của đơn vị"
        )
        self.assertEqual(target.baseline_note, note)
        self.assertEqual(row["baseline_note"], note)

    def test_it_says_why_a_merged_unit_has_no_baseline(self) -> None:
        new_bong_son, _old, _hoai_duc = bong_son_units()
        plan = create_plan("--issuer", "52", "--year", "2026", "--minimum", "online=80")
        rows = compute("--year", "2026", "--parent", "52")
        row = rows[("21640", "online")]
        self.assertEqual(
            (row["baseline"], row["target"], row["branch"]), ("", "80.00", "no_baseline")
        )
        target = Target.objects.get(plan=plan, unit=new_bong_son)
        why = (
            "đơn vị mới từ 01/07/2025: chưa có số liệu năm 2025 của đơn vị cũng như của các "
            "đơn vị trước sắp xếp (Bồng Sơn, Hoài Đức)"
        )
        self.assertEqual(target.baseline_note, why)
        self.assertEqual(
            target.explain(),
            f"Chưa có kết quả năm 2025 ({why}) → chỉ tiêu 2026 = chỉ tiêu Trung ương 80 %",
        )

    def test_it_gives_the_seven_new_wards_of_hoai_nhon_their_2026_targets(self) -> None:
        wards = hoai_nhon_wards()
        self.assertEqual(len(wards), 7)
        self.assertEqual(sum(len(p) for p in wards.values()), 17)
        expected = h1_h2_figures(wards)
        plan = create_plan("--issuer", "52", "--year", "2026", "--minimum", "online=80")
        rows = compute("--year", "2026", "--parent", "52")
        branches = set()
        for ward, predecessors in wards.items():
            with self.subTest(ward=ward.full_name):
                baseline = rounded(*expected[ward])
                row = rows[(ward.code, "online")]
                self.assertEqual(Decimal(row["baseline"]), baseline)
                self.assertEqual(Decimal(row["target"]), rule(baseline, Decimal(80)))
                branches.add(row["branch"])
                note = Target.objects.get(plan=plan, unit=ward).baseline_note
                names = ", ".join(p.name for p in predecessors)
                self.assertEqual(
                    note,
                    "Năm 2025 dương lịch (01/01/2025 – 31/12/2025): tổng số liệu 01–06/2025 "
                    f"của {names} (trước sắp xếp) và 07–12/2025 của đơn vị",
                )
        self.assertEqual(branches, {"below_minimum", "uplift"})  # both sides of the rule
        # The plan page explains each ward's target with its predecessors.
        staff = make_user("tinh.gialai.cycle", Role.PROVINCE_STAFF, plan.issuer)
        self.login(staff)
        html = self.client.get(f"/chi-tieu/{plan.pk}/").content.decode()
        for ward, predecessors in wards.items():
            section = html.split(f'id="unit-{ward.pk}"', 1)[1].split("</section>", 1)[0]
            self.assertIn("Đơn vị mới sau sắp xếp", section)
            self.assertIn(", ".join(p.name for p in predecessors) + " (trước sắp xếp)", section)

    def test_it_reads_the_calendar_year_when_it_covers_more_than_decree_09(self) -> None:
        """Calendar months on both sides: under Decree 09 December (01–31/12) reaches past
        14/12 and the ward's months cannot build that year, so the calendar year is read."""
        new_bong_son, old_bong_son, hoai_duc = bong_son_units()
        cal = Convention.CALENDAR
        monthly_figures(old_bong_son, 2025, range(1, 7), online=50, received=100, convention=cal)
        monthly_figures(hoai_duc, 2025, range(1, 7), online=70, received=100, convention=cal)
        monthly_figures(new_bong_son, 2025, range(7, 13), online=80, received=50, convention=cal)
        rows = compute(
            "--year",
            "2026",
            "--parent",
            create_plan("--issuer", "52", "--year", "2026").issuer.code,  # type: ignore[union-attr]
            "--dry-run",
        )
        row = rows[("21640", "online")]
        self.assertEqual(Decimal(row["baseline"]), rounded(6 * 50 + 6 * 70 + 6 * 80, 1500))
