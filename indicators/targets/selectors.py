"""Reads for the target plans: the plans a user sees, their pages, and the baselines the rule
starts from (last year's result, the published one). Who may see or manage one plan is decided
in indicators/access.py."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from indicators.domain import baselines, formulas, periods, rules
from indicators.domain.periods import Convention
from indicators.models import (
    Indicator,
    PlanMinimum,
    PublishedResult,
    Target,
    TargetPlan,
    TargetSource,
    TierTarget,
)
from indicators.selectors import period_figures
from units.models import AdministrativeUnit, UnitLevel, UnitQuerySet, UnitSuccession, User


def baseline_predecessors(
    units: Iterable[AdministrativeUnit],
) -> dict[int, list[baselines.Predecessor]]:
    """The units merged into each of `units` (by unit id), by code, with the merger date; a
    predecessor split between several new units names the one that took its main part
    when that is not this unit (its figures then count there). One query, two with a
    split."""
    links = list(
        UnitSuccession.objects.filter(successor__in=[unit.pk for unit in units])
        .select_related("predecessor")
        .order_by("predecessor__code", "predecessor__name")
    )
    elsewhere = [link.predecessor_id for link in links if not link.is_default]
    main: dict[int, str] = {}
    if elsewhere:
        main = {
            link.predecessor_id: link.successor.full_name
            for link in UnitSuccession.objects.filter(
                predecessor_id__in=elsewhere, is_default=True
            ).select_related("successor")
        }
    found: dict[int, list[baselines.Predecessor]] = {}
    for link in links:
        found.setdefault(link.successor_id, []).append(
            baselines.Predecessor(
                unit_id=link.predecessor_id,
                name=link.predecessor.name,
                merged_on=link.effective_date,
                # A split predecessor without any main successor recorded counts here.
                main_successor="" if link.is_default else main.get(link.predecessor_id, ""),
            )
        )
    return found


# Unit ids per query: well under SQLite's limit on query parameters.
_CHUNK = 500
_WHOLE_READ = 4 * _CHUNK


def year_pieces(
    *, unit_ids: Iterable[int], year: periods.PeriodSpec, include_drafts: bool = False
) -> dict[int, list[baselines.Piece]]:
    """The entered figures that make up `year` for each of these units (the roll-up of
    indicators.selectors.period_figures), with their dates and counts, by unit id. One
    query per 500 units (one for more than 2.000); a unit holds a dozen such rows or so."""
    fields = list(formulas.COUNT_FIELDS)
    ids = sorted(set(unit_ids))
    pieces: dict[int, list[baselines.Piece]] = {}
    rows_of = period_figures(year.start, year.end, include_drafts=include_drafts).order_by(
        "period__start", "unit_id"
    )
    if len(ids) > _WHOLE_READ:
        # Thousands of units (a whole country's plan): the roll-up reads the country's rows
        # of the year whatever the filter, so one unfiltered read kept to these units
        # costs one pass instead of one per chunk.
        wanted = set(ids)
        chunks = [rows_of]
    else:
        wanted = None
        chunks = [
            rows_of.filter(unit_id__in=ids[first : first + _CHUNK])
            for first in range(0, len(ids), _CHUNK)
        ]
    for chunk in chunks:
        rows = chunk.values_list("unit_id", "period__start", "period__end", *fields)
        for unit_id, start, end, *counts in rows:
            if wanted is not None and unit_id not in wanted:
                continue
            pieces.setdefault(unit_id, []).append(
                baselines.Piece(unit_id, start, end, dict(zip(fields, counts, strict=True)))
            )
    return pieces


@dataclass(frozen=True)
class YearResult:
    numerator: int | None
    denominator: int | None
    note: str  # which periods of which units, or why there is no result


def yearly_results_of(
    *,
    units: list[AdministrativeUnit],
    indicators: list[Indicator],
    year: int,
    include_drafts: bool = False,
) -> dict[int, dict[int, YearResult]]:
    """Numerator, denominator and note of each unit for `year`, by unit id and indicator
    id: rolled up from whatever was entered in the year (the year, its months…), under
    Decree 09 or the calendar, whichever covers more of it; for a unit created by a merger,
    its predecessors' pieces before the merger plus its own (indicators/domain/baselines.py
    says which piece counts where). Three queries whatever the number of units."""
    predecessors = baseline_predecessors(units)
    ids = {unit.pk for unit in units} | {
        p.unit_id for found in predecessors.values() for p in found if p.counted
    }
    conventions = (Convention.DECREE09, Convention.CALENDAR)  # Decree 09 first on a tie
    specs = [periods.year_period(year, convention) for convention in conventions]
    read = [
        (spec, year_pieces(unit_ids=ids, year=spec, include_drafts=include_drafts))
        for spec in specs
    ]
    results: dict[int, dict[int, YearResult]] = {}
    for unit in units:
        before = predecessors.get(unit.pk, [])
        members = [unit.pk, *(p.unit_id for p in before if p.counted)]
        by_indicator = results.setdefault(unit.pk, {})
        for indicator in indicators:
            best = baselines.best_baseline(
                [
                    baselines.year_baseline(
                        indicator=indicator.definition,
                        year=spec,
                        unit_id=unit.pk,
                        pieces=[piece for member in members for piece in pieces.get(member, [])],
                        predecessors=before,
                    )
                    for spec, pieces in read
                ]
            )
            by_indicator[indicator.pk] = YearResult(best.numerator, best.denominator, best.note)
    return results


def yearly_result(
    *, unit: AdministrativeUnit, indicator: Indicator, year: int, include_drafts: bool = False
) -> tuple[int | None, int | None, str]:
    """yearly_results_of for one unit and indicator: (numerator, denominator, note)."""
    result = yearly_results_of(
        units=[unit], indicators=[indicator], year=year, include_drafts=include_drafts
    )[unit.pk]
    found = result[indicator.pk]
    return found.numerator, found.denominator, found.note


def published_results_of(
    *, units: list[AdministrativeUnit], year: int
) -> dict[tuple[int, int], PublishedResult]:
    """The published year results of these units, by (unit id, indicator id), the one
    published_result would pick when there are several. One query."""
    found: dict[tuple[int, int], PublishedResult] = {}
    rows = (
        PublishedResult.objects.filter(
            unit__in=[unit.pk for unit in units], period__kind="Y", period__year=year
        )
        .select_related("period")
        .order_by("-period__convention")
    )
    for row in rows:  # in reverse order: the last written is published_result's first
        found[(row.unit_id, row.indicator_id)] = row
    return found


def published_result(
    *, unit: AdministrativeUnit, indicator: Indicator, year: int
) -> PublishedResult | None:
    return (
        PublishedResult.objects.filter(
            unit=unit, indicator=indicator, period__kind="Y", period__year=year
        )
        .select_related("period")
        .order_by("period__convention")
        .first()
    )


def plans_visible_to(user: User) -> QuerySet[TargetPlan]:
    """Plans issued in the user's subtree or by one of the units above them, plus the
    central government's plans (administrators see all)."""
    plans = TargetPlan.objects.select_related("issuer")
    if user.sees_everything:
        return plans
    if user.unit is None:
        return plans.filter(issuer__isnull=True)
    return plans.filter(
        Q(issuer__isnull=True)
        | Q(issuer__path__startswith=user.unit.path)
        | Q(issuer_id__in=user.unit.ancestor_ids())
    )


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def apply_parents(plan: TargetPlan) -> UnitQuerySet:
    """Units the rule may be applied to in one action: the issuer and its direct
    territorial children of the plan year (a central plan: the provinces)."""
    start, end = _year_bounds(plan.year)
    if plan.issuer is None:
        units = AdministrativeUnit.objects.filter(
            parent__isnull=True, level=UnitLevel.PROVINCE
        ).valid_during(start, end)
    else:
        children = (
            AdministrativeUnit.objects.filter(parent=plan.issuer)
            .exclude(level=UnitLevel.AGENCY)
            .valid_during(start, end)
            .values("pk")
        )
        units = AdministrativeUnit.objects.filter(Q(pk=plan.issuer.pk) | Q(pk__in=children))
    return units.order_by("path")


def tier_for(target: Target) -> TierTarget | None:
    """The per-tier target of the plan that covers this target's unit, if any."""
    return (
        TierTarget.objects.filter(
            plan_id=target.plan_id, indicator_id=target.indicator_id, level=target.unit.level
        )
        .select_related("indicator")
        .first()
    )


def sentence_for(target: Target) -> str:
    """The one-sentence explanation; for rule targets without the baseline source (shown
    beside it), so the sentence reads as the documents write it."""
    if target.source != TargetSource.RULE or not target.baseline_note:
        return target.explain()
    bare = copy.copy(target)
    bare.baseline_note = ""
    return bare.explain()


@dataclass
class TargetRow:
    target: Target
    sentence: str
    tier: TierTarget | None

    @property
    def is_range(self) -> bool:
        return self.target.value_high is not None

    @property
    def baseline_note(self) -> str:
        return self.target.baseline_note

    @property
    def tier_range(self) -> tuple[Decimal, Decimal] | None:
        if self.tier is None or self.tier.value_high is None:
            return None
        return self.tier.value, self.tier.value_high


@dataclass
class UnitTargets:
    unit: AdministrativeUnit
    rows: list[TargetRow] = field(default_factory=list)

    @property
    def predecessors(self) -> list[AdministrativeUnit]:
        return list(self.unit.predecessors.all())

    @property
    def merged_baseline(self) -> bool:
        return any(baselines.MERGED_MARK in row.baseline_note for row in self.rows)


# Units per page of a plan: a province's plan holds some 5.000 targets of 600 units, too
# many for one page (1,8 MB, 1,5 s to render); 50 units are ~400 targets.
PLAN_PAGE_UNITS = 50


@dataclass
class PlanPage:
    plan: TargetPlan
    minimums: list[PlanMinimum]
    tiers: list[TierTarget]
    units: list[UnitTargets]
    # Django's page of the plan's units (ordered as the tree); target_count is the plan's.
    page: Page
    target_count: int


def plan_page(
    *,
    plan: TargetPlan,
    user: User,
    page_number: int | str | None = 1,
    unit_id: int | None = None,
    per_page: int = PLAN_PAGE_UNITS,
) -> PlanPage:
    """The plan's national minimums, per-tier targets and the targets of one page of the
    units the user sees (ordered as the tree), grouped by unit, each with its sentence.
    `unit_id` opens the page that holds that unit (the target page's way back); a page
    number out of range or not a number opens the nearest page. Seven queries, whatever
    the size of the plan."""
    minimums = list(
        PlanMinimum.objects.filter(plan=plan).select_related("indicator").order_by("indicator")
    )
    tiers = list(
        TierTarget.objects.filter(plan=plan)
        .select_related("indicator")
        .order_by("indicator__order", "level")
    )
    tier_map = {(t.indicator_id, t.level): t for t in tiers}
    visible = Target.objects.filter(plan=plan, unit__in=user.visible_units())
    plan_units = AdministrativeUnit.objects.filter(
        pk__in=visible.order_by().values("unit_id")
    ).order_by("path")
    paginator = Paginator(plan_units, per_page)
    if unit_id is not None:
        unit = plan_units.filter(pk=unit_id).only("path").first()
        if unit is not None:
            before = plan_units.filter(path__lt=unit.path).count()
            page_number = before // per_page + 1
    page = paginator.get_page(page_number)
    targets = (
        visible.filter(unit_id__in=[unit.pk for unit in page.object_list])
        .select_related("unit", "indicator")
        .prefetch_related(
            Prefetch(
                "unit__predecessors",
                queryset=AdministrativeUnit.objects.order_by("name"),
            )
        )
        .order_by("unit__path", "indicator__order")
    )
    units: list[UnitTargets] = []
    for target in targets:
        target.plan = plan  # the sentence reads the plan; no query per row
        if not units or units[-1].unit.pk != target.unit_id:
            units.append(UnitTargets(unit=target.unit))
        tier = tier_map.get((target.indicator_id, target.unit.level))
        units[-1].rows.append(TargetRow(target, sentence_for(target), tier))
    return PlanPage(
        plan=plan,
        minimums=minimums,
        tiers=tiers,
        units=units,
        page=page,
        target_count=visible.count(),
    )


def target_get(*, plan: TargetPlan, target_id: int) -> Target | None:
    target = (
        Target.objects.select_related("unit", "indicator", "unit__parent")
        .prefetch_related("unit__predecessors")
        .filter(plan=plan, pk=target_id)
        .first()
    )
    if target is not None:
        target.plan = plan
    return target


# --------------------------------------------------------------------------- new plans

# The national list published in Phổ Ninh's 2025 plan (seed 001), as fixtures/real_data.json
# holds it: the minimums a new plan starts from until a central plan (issuer None) is
# entered with its own list.
NATIONAL_LIST_FILE = Path(settings.BASE_DIR) / "fixtures" / "real_data.json"


@dataclass(frozen=True)
class NationalList:
    """The latest national minimums at or before a year, and where they come from."""

    year: int | None
    minimums: dict[Indicator, Decimal]
    source: str


def _published_national_lists() -> dict[int, dict[str, str]]:
    try:
        data = json.loads(NATIONAL_LIST_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {int(year): values for year, values in data.get("national_minimums", {}).items()}


def national_minimums(year: int) -> NationalList:
    """The minimums of the latest active central plan of `year` or before; without one,
    the latest published national list at or before `year`; else an empty list."""
    central = (
        TargetPlan.objects.filter(issuer__isnull=True, is_active=True, year__lte=year)
        .filter(minimums__isnull=False)
        .distinct()
        .order_by("-year", "-pk")
        .first()
    )
    if central is not None:
        minimums = {
            m.indicator: m.value
            for m in PlanMinimum.objects.filter(plan=central)
            .select_related("indicator")
            .order_by("indicator__order")
        }
        return NationalList(central.year, minimums, f"{central.title} ({central.year})")
    lists = {y: values for y, values in _published_national_lists().items() if y <= year}
    if not lists:
        return NationalList(None, {}, "")
    latest = max(lists)
    by_code = {i.code: i for i in Indicator.objects.filter(code__in=list(lists[latest]))}
    minimums = {
        by_code[code]: Decimal(value) for code, value in lists[latest].items() if code in by_code
    }
    ordered = dict(sorted(minimums.items(), key=lambda item: item[0].order))
    return NationalList(latest, ordered, f"chỉ tiêu tối thiểu của Trung ương năm {latest}")


@dataclass(frozen=True)
class PlanDraft:
    """What a new plan starts from: another plan copied (its year in the title moved to
    the new one), or the defaults and the national list."""

    title: str
    applies_rule: bool
    uplift: Decimal
    uplift_mode: str
    minimums: dict[Indicator, Decimal]
    minimums_source: str
    tiers: list[TierTarget]


def next_plan_year() -> int:
    """Offices make next year's plan: the default year of a new one."""
    return timezone.localdate().year + 1


def _default_title(issuer: AdministrativeUnit | None, year: int) -> str:
    if issuer is None:
        return f"Chỉ tiêu tối thiểu của Trung ương năm {year}"
    return f"Kế hoạch chỉ tiêu năm {year} của {issuer.full_name}"


def _copied_title(copy_from: TargetPlan, issuer: AdministrativeUnit | None, year: int) -> str:
    """The copied plan's title with its year replaced, when it is the same issuer's (another
    issuer's title names another unit)."""
    old = str(copy_from.year)
    if copy_from.issuer_id != (issuer.pk if issuer else None) or old not in copy_from.title:
        return _default_title(issuer, year)
    return copy_from.title.replace(old, str(year))


def plan_draft(
    *, issuer: AdministrativeUnit | None, year: int, copy_from: TargetPlan | None = None
) -> PlanDraft:
    """The starting values of a new plan of `issuer` for `year`."""
    if copy_from is not None:
        minimums = {
            m.indicator: m.value
            for m in PlanMinimum.objects.filter(plan=copy_from)
            .select_related("indicator")
            .order_by("indicator__order")
        }
        tiers = list(
            TierTarget.objects.filter(plan=copy_from)
            .select_related("indicator")
            .order_by("indicator__order", "level")
        )
        return PlanDraft(
            title=_copied_title(copy_from, issuer, year),
            applies_rule=copy_from.applies_rule,
            uplift=copy_from.uplift,
            uplift_mode=copy_from.uplift_mode,
            minimums=minimums,
            minimums_source=f"{copy_from.title} ({copy_from.year})",
            tiers=tiers,
        )
    national = national_minimums(year)
    return PlanDraft(
        title=_default_title(issuer, year),
        applies_rule=True,
        uplift=Decimal(10),
        uplift_mode=rules.UpliftMode.POINTS.value,
        minimums=national.minimums,
        minimums_source=national.source,
        tiers=[],
    )


def plan_issuers_for(user: User) -> UnitQuerySet:
    """Units the user may issue a plan for: their own office's unit and the districts
    below it (administrators: every province and district, both structures)."""
    offices = AdministrativeUnit.objects.filter(level__in=[UnitLevel.PROVINCE, UnitLevel.DISTRICT])
    if user.sees_everything:
        return offices.order_by("-structure", "level", "name")
    if user.unit is None:
        return offices.none()
    return (
        AdministrativeUnit.objects.filter(
            Q(pk=user.unit.pk) | Q(level=UnitLevel.DISTRICT, path__startswith=user.unit.path)
        )
        .exclude(level=UnitLevel.AGENCY)
        .order_by("path")
    )


def plans_to_copy(user: User) -> QuerySet[TargetPlan]:
    """Plans a new one may be copied from: the active plans the user sees, newest first."""
    return plans_visible_to(user).filter(is_active=True).order_by("-year", "title")


def previous_plan(*, issuer: AdministrativeUnit | None, year: int) -> TargetPlan | None:
    """The issuer's latest active plan before `year` ("last year's plan")."""
    plans = TargetPlan.objects.filter(is_active=True, year__lt=year)
    plans = plans.filter(issuer__isnull=True) if issuer is None else plans.filter(issuer=issuer)
    return plans.order_by("-year", "-pk").first()
