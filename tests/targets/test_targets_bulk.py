"""Applying a plan's rule writes in bulk: the number of queries does not grow with the number
of units (the baselines are read in a fixed number of queries, the targets written in
batches)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.domain.periods import Convention, year_period
from indicators.models import (
    FiguresStatus,
    Indicator,
    Period,
    PlanMinimum,
    Target,
    TargetPlan,
    TargetSource,
    UnitFigures,
)
from indicators.targets.services import targets_apply
from tests.base import BaseTestCase
from tests.factories import province_with_communes
from units.models import AdministrativeUnit, UnitLevel

YEAR = 2026


def province_with_figures(code: str, communes: int) -> AdministrativeUnit:
    """A province of the 2025 structure with `communes` communes, each with a whole
    submitted Decree 09 year before the plan year (online = 75 + its number % 25)."""
    province, units = province_with_communes(code, communes)
    last_year = Period.objects.for_spec(year_period(YEAR - 1, Convention.DECREE09))
    UnitFigures.objects.bulk_create(
        UnitFigures(
            unit=commune,
            period=last_year,
            received=100,
            received_online=75 + number % 25,
            status=FiguresStatus.SUBMITTED,
        )
        for number, commune in enumerate(units)
    )
    return province


def plan_of(issuer: AdministrativeUnit) -> TargetPlan:
    plan = TargetPlan.objects.create(issuer=issuer, year=YEAR, title=f"Kế hoạch {issuer.code}")
    PlanMinimum.objects.bulk_create(
        PlanMinimum(plan=plan, indicator=indicator, value=Decimal(80))
        for indicator in Indicator.objects.all()
    )
    return plan


class TargetsApplyQueriesTestCase(BaseTestCase):
    def test_it_writes_the_targets_of_10_and_100_units_in_as_many_queries(self) -> None:
        small, large = province_with_figures("97", 9), province_with_figures("98", 99)
        small_plan, large_plan = plan_of(small), plan_of(large)
        with CaptureQueriesContext(connection) as first:
            targets_apply(plan=small_plan, parent=small)
        with self.assertNumQueries(len(first)):
            targets_apply(plan=large_plan, parent=large)
        indicators = Indicator.objects.count()
        self.assertEqual(Target.objects.filter(plan=small_plan).count(), 10 * indicators)
        self.assertEqual(Target.objects.filter(plan=large_plan).count(), 100 * indicators)
        # Applied again with another uplift: every rule target is updated, still in as many
        # queries for both.
        TargetPlan.objects.filter(pk__in=[small_plan.pk, large_plan.pk]).update(uplift=5)
        small_plan.refresh_from_db()
        large_plan.refresh_from_db()
        with CaptureQueriesContext(connection) as again:
            targets_apply(plan=small_plan, parent=small)
        with self.assertNumQueries(len(again)):
            targets_apply(plan=large_plan, parent=large)

    def test_it_stores_what_the_rule_computes_and_keeps_manual_targets(self) -> None:
        province = province_with_figures("96", 40)
        plan = plan_of(province)
        computed = targets_apply(plan=plan, parent=province)
        stored = {(t.unit_id, t.indicator_id): t for t in Target.objects.filter(plan=plan)}
        self.assertEqual(len(stored), len(computed))
        for item in computed:
            target = stored[(item.unit.pk, item.indicator.pk)]
            self.assertEqual(target.value, item.decision.target)
            self.assertEqual(target.branch, item.decision.branch.value)
            self.assertEqual(target.baseline, item.decision.baseline)
        online = Indicator.objects.get(code="online")
        commune = AdministrativeUnit.objects.get(code="96001")  # 76 % online in 2025
        manual = Target.objects.get(plan=plan, unit=commune, indicator=online)
        self.assertEqual(manual.value, Decimal(80))
        Target.objects.filter(pk=manual.pk).update(value=Decimal(91), source=TargetSource.MANUAL)
        at_minimum = AdministrativeUnit.objects.get(code="96005")  # 80 % online in 2025
        rule = Target.objects.get(plan=plan, unit=at_minimum, indicator=online)
        self.assertEqual(rule.value, Decimal(90))
        TargetPlan.objects.filter(pk=plan.pk).update(uplift=5)
        plan.refresh_from_db()
        targets_apply(plan=plan, parent=province)
        self.assertEqual(Target.objects.get(pk=manual.pk).value, Decimal(91))
        self.assertEqual(Target.objects.get(pk=rule.pk).value, Decimal(85))


class CountryTargetsTestCase(BaseTestCase):
    def test_it_computes_the_centre_s_plan_for_every_unit_of_the_country(self) -> None:
        plan = TargetPlan.objects.create(issuer=None, year=YEAR, title="Trung ương 2026")
        PlanMinimum.objects.create(
            plan=plan, indicator=Indicator.objects.get(code="online"), value=Decimal(80)
        )
        out = io.StringIO()
        call_command(
            "compute_targets", "--year", str(YEAR), "--parent", "VN", "--format", "csv", stdout=out
        )
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        units = AdministrativeUnit.objects.exclude(level=UnitLevel.AGENCY).valid_during(
            dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
        )
        self.assertEqual({r["unit_code"] for r in rows}, set(units.values_list("code", flat=True)))
        self.assertEqual(Target.objects.filter(plan=plan).count(), units.count())
        self.assertTrue({"51", "52"} <= {r["unit_code"] for r in rows})
