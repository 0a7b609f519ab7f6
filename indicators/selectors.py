"""Reads shared by every feature: the figures that make up a period (the roll-up), the SQL
pieces of a rate (numerator, complete rows, the target that applies), the units ranked
under a parent, and the periods and parents a user can choose. Aggregation happens in the
database: the number of queries does not grow with the number of units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import add
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    RowRange,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat, Length, StrIndex, Substr
from django.utils.translation import gettext as _

from indicators.domain import formulas, periods, rollup, search
from indicators.models import (
    FiguresStatus,
    Indicator,
    Period,
    Target,
    UnitFigures,
)
from units.models import AdministrativeUnit, Structure, UnitLevel, UnitQuerySet, User
from units.selectors import children_of


def entered_figures(*, include_drafts: bool = False) -> QuerySet[UnitFigures]:
    """The figures the roll-up reads: submitted and approved ones, drafts only when the user
    asks for them. A draft is the unit's work in progress, not yet its figure: it is left
    out as if it had not been entered, so a year with one draft month is built from the
    other months and says so ("11/12 tháng có số liệu"), and a draft year beside submitted
    months gives way to them. Ranks, totals, headlines, exports, the dispatch and the
    target baseline all read through here."""
    figures = UnitFigures.objects.all()
    if include_drafts:
        return figures
    return figures.exclude(status=FiguresStatus.DRAFT)


# The units a read is about: a list of ids, or a queryset of units or of their ids (read as
# a subquery, so a whole tier of the country costs no parameters).
UnitIds = Sequence[int] | QuerySet[Any]

# A list of ids longer than this narrows the rows but not the pass (SQLite allows 32.766
# parameters per statement and the ids would be sent three times); pass a queryset instead.
NARROW_LIST_MAX = 2000


def _unit_filter(unit_ids: UnitIds | None) -> Q:
    if unit_ids is None:
        return Q()
    if isinstance(unit_ids, QuerySet) and unit_ids.model is AdministrativeUnit:
        unit_ids = unit_ids.order_by().values("pk")
    return Q(unit_id__in=unit_ids)


def period_figures(
    start: dt.date,
    end: dt.date,
    *,
    include_drafts: bool = False,
    unit_ids: UnitIds | None = None,
) -> QuerySet[UnitFigures]:
    """The entered figures that make up the period [start, end], for every unit: the roll-up
    rule of indicators/domain/rollup.py in SQL, so that sums over the rows are the period's
    figures whatever was entered (the whole period, its months, a quarter and its months).
    Drafts count only with `include_drafts` (see entered_figures): without it they are not
    there at all, in the pieces nor in the rows that would hold or cross them.

    A row counts when its period lies inside [start, end] and no other entered period of
    the unit that also lies inside holds it (the larger figure stands; of two for the same
    days, the first by code). A unit without a figure for the whole period gets no row at
    all when one of its entered periods reaches over the edges of [start, end], or two of
    the pieces (the periods inside that nothing holds) overlap: the period cannot be built
    from them.

    Set-based (see _left_out_sql): the rows inside [start, end] less `pk IN (one
    uncorrelated subquery)`, which the database evaluates once per statement over the rows
    overlapping the period, so callers filter, annotate and aggregate on it as on any
    queryset, and their query counts stay as they were.

    `unit_ids` (ids, or a queryset of units or ids): only these units' rows, and the pass
    reads only theirs too — the rule is per unit, so a page of 17 communes or one unit no
    longer rolls up the whole country's rows to keep its own."""
    if isinstance(unit_ids, Sequence) and not unit_ids:
        # No unit asked for: no rows (an empty IN cannot be compiled into the pass).
        return entered_figures(include_drafts=include_drafts).none()
    units = _unit_filter(unit_ids)
    narrow_pass = not (isinstance(unit_ids, Sequence) and len(unit_ids) > NARROW_LIST_MAX)
    sql, params = _left_out_sql(
        start, end, include_drafts=include_drafts, units=units if narrow_pass else Q()
    )
    return (
        entered_figures(include_drafts=include_drafts)
        .filter(units, period__start__gte=start, period__end__lte=end)
        .exclude(pk__in=RawSQL(sql, params))
    )


def _left_out_sql(
    start: dt.date, end: dt.date, *, include_drafts: bool, units: Q
) -> tuple[str, tuple[Any, ...]]:
    """The ids of the entered rows inside [start, end] that period_figures leaves out, as
    SQL and its parameters: one pass over the rows overlapping [start, end].

    Each unit's rows are ordered by (start, end descending, code), so that whatever holds a
    row (a larger period around it, or one for the same days with a smaller code) comes
    before it. With `reach` the latest end among the earlier rows that lie inside [start,
    end] (a running maximum, the only ordered window):
    - a row is held, and left out, exactly when reach >= its end;
    - the pieces (rows not held) then start and end strictly later one after the other,
      and two of them overlap exactly when some piece starts on or before its reach (a
      row held by an earlier piece reaches no further than that piece): a unit cannot
      build the period when that happens or one of its rows straddles an edge, unless it
      entered the whole period itself (which then is its only piece, holding the rest).
    The facts about the whole unit are a second window over the first, partitioned only.

    The windows read only the units whose rows may overlap: periods of one kind and one
    convention never do (months of Decree 09, or calendar quarters), so a unit that entered
    only such periods, all inside [start, end], keeps every row, and a grouped pass (far
    cheaper than sorting for windows) finds the others — the usual month-by-month unit
    costs no window at all."""
    inside = Q(period__start__gte=start, period__end__lte=end)
    overlapping = entered_figures(include_drafts=include_drafts).filter(
        units, period__start__lte=end, period__end__gte=start
    )
    one_kind_inside = (
        Q(first_kind=F("last_kind"))
        & Q(first_convention=F("last_convention"))
        & Q(outside=0)
        & ~Q(first_kind=periods.PeriodKind.CUSTOM.value)
    )
    may_overlap = (
        overlapping.order_by()
        .values("unit_id")
        .annotate(
            first_kind=Min("period__kind"),
            last_kind=Max("period__kind"),
            first_convention=Min("period__convention"),
            last_convention=Max("period__convention"),
            outside=Max(Case(When(inside, then=Value(0)), default=Value(1))),
        )
        .exclude(one_kind_inside)
        .values("unit_id")
    )
    rows = (
        overlapping.filter(unit_id__in=may_overlap)
        .order_by()
        .annotate(
            piece_start=F("period__start"),
            piece_end=F("period__end"),
            is_inside=Case(When(inside, then=Value(1)), default=Value(0)),
            reach=Window(
                Max(Case(When(inside, then=F("period__end")))),
                partition_by=[F("unit_id")],
                order_by=[
                    F("period__start").asc(),
                    F("period__end").desc(),
                    F("period__code").asc(),
                ],
                frame=RowRange(start=None, end=-1),
            ),
        )
        .values("pk", "unit_id", "piece_start", "piece_end", "is_inside", "reach")
    )
    rows_sql, rows_params = rows.query.sql_with_params()
    # A window over a window needs a derived table, which the ORM does not build. Dates
    # are compared as the backend stores them (ISO text on SQLite), hence the adapter.
    adapt = connection.ops.adapt_datefield_value
    sql = f"""
        SELECT units.pk FROM (
            SELECT r.pk, r.is_inside, r.piece_end, r.reach,
                MAX(CASE WHEN r.piece_start = %s AND r.piece_end = %s THEN 1 ELSE 0 END)
                    OVER (PARTITION BY r.unit_id) AS whole,
                MAX(CASE WHEN r.is_inside = 0
                              OR (r.reach >= r.piece_start AND r.reach < r.piece_end)
                         THEN 1 ELSE 0 END)
                    OVER (PARTITION BY r.unit_id) AS unbuildable
            FROM ({rows_sql}) r
        ) units
        WHERE units.is_inside = 1
          AND (units.reach >= units.piece_end OR (units.whole = 0 AND units.unbuildable = 1))
    """
    return sql, (adapt(start), adapt(end), *rows_params)


def overlapping_figures(start: dt.date, end: dt.date) -> QuerySet[UnitFigures]:
    """Every entered figure whose period shares a day with [start, end]."""
    return UnitFigures.objects.filter(period__start__lte=end, period__end__gte=start)


def unit_parts(
    definition: formulas.IndicatorDef,
    start: dt.date,
    end: dt.date,
    *,
    unit: OuterRef,
    include_drafts: bool = False,
    unit_ids: UnitIds | None = None,
) -> tuple[Subquery, Subquery]:
    """Numerator and denominator of `unit` (an OuterRef) over the period [start, end], as
    two subqueries: sums over the rows that report both parts (ratio of sums). `unit_ids`:
    the units the outer query reads (see period_figures), so the roll-up reads theirs only."""
    rows = (
        period_figures(start, end, include_drafts=include_drafts, unit_ids=unit_ids)
        .filter(unit=unit)
        .filter(complete_parts_q(definition))
        .order_by()
        .values("unit")
    )
    numerator = Subquery(
        rows.annotate(n=Sum(numerator_expression(definition))).values("n"),
        output_field=IntegerField(),
    )
    denominator = Subquery(
        rows.annotate(d=Sum(definition.denominator)).values("d"), output_field=IntegerField()
    )
    return numerator, denominator


# The least advanced status of a period's pieces is the period's (one draft month makes the
# year a draft). The workflow statuses are the model's choices and the rule is an SQL
# aggregate, so this lives here rather than in the pure-Python domain package.
STATUS_ORDER = (FiguresStatus.DRAFT, FiguresStatus.SUBMITTED, FiguresStatus.APPROVED)


def least_status() -> Min:
    """The least advanced status among the grouped figures, as its index in STATUS_ORDER
    (`STATUS_ORDER[row["least_status"]]` reads it back)."""
    return Min(
        Case(
            *(When(status=name, then=Value(rank)) for rank, name in enumerate(STATUS_ORDER)),
            output_field=IntegerField(),
        )
    )


@dataclass
class UnitPeriodParts:
    """One unit over one period, rolled up: numerator and denominator per indicator code,
    and the least advanced status of the figures that make it up."""

    parts: dict[str, tuple[int | None, int | None]]
    status: str
    # Whether any of the figures that make it up is sample data.
    is_sample: bool = False

    def of(self, code: str) -> tuple[int | None, int | None]:
        return self.parts.get(code, (None, None))


def parts_by_unit(
    start: dt.date,
    end: dt.date,
    *,
    unit_ids: UnitIds,
    indicators: list[Indicator],
    include_drafts: bool = False,
) -> dict[int, UnitPeriodParts]:
    """Every indicator's numerator and denominator for each unit over [start, end], from
    the figures that make up the period (ratio of sums over the rows reporting both parts).
    One grouped query; units without figures are absent."""
    aggregates: dict[str, Any] = {
        "least_status": least_status(),
        "samples": Count("pk", filter=Q(is_sample=True)),
        **_parts_sums(indicators),
    }
    rows = (
        period_figures(start, end, include_drafts=include_drafts, unit_ids=unit_ids)
        .order_by()
        .values("unit_id")
        .annotate(**aggregates)
    )
    return {
        row["unit_id"]: UnitPeriodParts(
            parts=_parts_of(row, indicators),
            status=STATUS_ORDER[row["least_status"]],
            is_sample=row["samples"] > 0,
        )
        for row in rows
    }


def _parts_sums(indicators: list[Indicator]) -> dict[str, Sum]:
    """Each indicator's numerator and denominator summed over the rows that report both
    (ratio of sums), as aggregates named <code>__n / <code>__d; read back by `_parts_of`."""
    sums = {}
    for indicator in indicators:
        definition = indicator.definition
        complete = complete_parts_q(definition)
        sums[f"{indicator.code}__n"] = Sum(numerator_expression(definition), filter=complete)
        sums[f"{indicator.code}__d"] = Sum(definition.denominator, filter=complete)
    return sums


def _parts_of(
    row: dict[str, Any], indicators: list[Indicator]
) -> dict[str, tuple[int | None, int | None]]:
    return {i.code: (row[f"{i.code}__n"], row[f"{i.code}__d"]) for i in indicators}


@dataclass
class SubtreeParts(UnitPeriodParts):
    """UnitPeriodParts summed over a whole subtree (a province and everything under it)."""


def _root_id() -> Cast:
    """The id of the root of a figure's unit, read off its path ("/12/345/" -> 12): the
    province, whose path starts at the root."""
    tail = Substr("unit__path", 2)
    return Cast(Substr("unit__path", 2, StrIndex(tail, Value("/")) - 1), IntegerField())


def subtree_figures(
    start: dt.date, end: dt.date, *, root_ids: list[int], aggregates: dict[str, Any]
) -> QuerySet[UnitFigures, dict[str, Any]]:
    """`aggregates` over the figures that make up [start, end], one row per root of
    `root_ids` (a province: its desk, districts, communes and agencies), its id as
    "root_id". One query, whatever the number of units; roots without figures are absent.
    Submitted and approved figures only (a whole subtree's totals never count drafts)."""
    return (
        period_figures(start, end)
        .annotate(root_id=_root_id())
        .filter(root_id__in=root_ids)
        .order_by()
        .values("root_id")
        .annotate(**aggregates)
    )


def parts_by_subtree(
    start: dt.date, end: dt.date, *, root_ids: list[int], indicators: list[Indicator]
) -> dict[int, SubtreeParts]:
    """Every indicator's numerator and denominator summed over each root's whole subtree
    (its own desk, its districts, communes and agencies) over [start, end]: the ratio of
    sums of the figures that make up the period, as `parts_by_unit` per unit. One query
    grouped by the root's id, whatever the number of units; roots without figures are
    absent."""
    aggregates: dict[str, Any] = {
        "least_status": least_status(),
        "samples": Count("pk", filter=Q(is_sample=True)),
        **_parts_sums(indicators),
    }
    rows = subtree_figures(start, end, root_ids=root_ids, aggregates=aggregates)
    return {
        row["root_id"]: SubtreeParts(
            parts=_parts_of(row, indicators),
            status=STATUS_ORDER[row["least_status"]],
            is_sample=row["samples"] > 0,
        )
        for row in rows
    }


@dataclass
class UnitCounts:
    """One unit's counts over a period, rolled up, with the least advanced status of the
    figures that make it up and whether any of them is sample data."""

    counts: dict[str, int | None]
    status: str
    is_sample: bool


def counts_by_unit(
    start: dt.date, end: dt.date, *, unit_ids: list[int], include_drafts: bool = False
) -> dict[int, UnitCounts]:
    """Every count of each unit over [start, end], rolled up from the figures that make up
    the period (flows summed, the stock of the first piece, the total rebuilt). One grouped
    query; units without figures are absent."""
    rows_of_period = period_figures(start, end, include_drafts=include_drafts, unit_ids=unit_ids)
    first = rows_of_period.filter(unit_id=OuterRef("unit_id")).order_by("period__start")
    sums = {f"sum_{name}": Sum(name) for name in formulas.COUNT_FIELDS}
    rows = (
        rows_of_period.order_by()
        .values("unit_id")
        .annotate(
            pieces=Count("pk"),
            first_carried_over=Subquery(first.values("carried_over")[:1]),
            least_status=least_status(),
            samples=Count("pk", filter=Q(is_sample=True)),
            **sums,
        )
    )
    return {
        row["unit_id"]: UnitCounts(
            counts=rollup.rolled_counts(
                sums={name: row[f"sum_{name}"] for name in formulas.COUNT_FIELDS},
                first={"carried_over": row["first_carried_over"], "total": row["sum_total"]},
                pieces=row["pieces"],
            ),
            status=STATUS_ORDER[row["least_status"]],
            is_sample=row["samples"] > 0,
        )
        for row in rows
    }


@dataclass
class PeriodCoverage:
    """How the period is built for the units of a page: a note for each unit its entered
    periods cover only in part ("9/12 tháng có số liệu"), the units whose figures cannot
    build it at all, grouped by the reason (a Vietnamese sentence), and who is behind: the
    units with draft figures inside the period (left out of the roll-up unless asked for)
    and those with nothing entered inside it."""

    notes: dict[int, str]
    refused: dict[str, list[AdministrativeUnit]]
    drafts: list[AdministrativeUnit] = field(default_factory=list)
    missing: list[AdministrativeUnit] = field(default_factory=list)

    @property
    def behind_vi(self) -> str:
        """ "3 đơn vị còn nháp, 5 đơn vị chưa báo cáo" (empty when nobody is behind)."""
        parts = []
        if self.drafts:
            parts.append(_("%(count)s đơn vị còn nháp") % {"count": len(self.drafts)})
        if self.missing:
            parts.append(_("%(count)s đơn vị chưa báo cáo") % {"count": len(self.missing)})
        return ", ".join(parts)


def period_coverage(
    *,
    period: Period,
    units: list[AdministrativeUnit],
    include_drafts: bool = False,
    reporting: list[AdministrativeUnit] | None = None,
) -> PeriodCoverage:
    """The coverage of `period` for each unit, from the periods it entered that the roll-up
    uses (drafts only with `include_drafts`, as period_figures), so a draft month left out
    reads "11/12 tháng có số liệu". `reporting` (default: `units`) are the units counted
    as behind when they have drafts or nothing inside the period: a page passes its rows,
    not a parent that reports nothing itself. One query."""
    by_pk = {unit.pk: unit for unit in units}
    shown = set(by_pk)
    if reporting is not None:
        by_pk.update((unit.pk, unit) for unit in reporting)
    entered: dict[int, list[periods.PeriodSpec]] = {}
    with_drafts: set[int] = set()
    with_figures: set[int] = set()
    rows = (
        overlapping_figures(period.start, period.end)
        .filter(unit_id__in=list(by_pk))
        .order_by()
        .values_list(
            "unit_id",
            "status",
            "period__kind",
            "period__convention",
            "period__year",
            "period__number",
            "period__start",
            "period__end",
        )
    )
    for unit_id, status, kind, convention, year, number, start, end in rows:
        if start >= period.start and end <= period.end:
            with_figures.add(unit_id)
            if status == FiguresStatus.DRAFT:
                with_drafts.add(unit_id)
        if status == FiguresStatus.DRAFT and not include_drafts:
            continue
        spec = periods.PeriodSpec(
            periods.PeriodKind(kind), periods.Convention(convention), year, number, start, end
        )
        entered.setdefault(unit_id, []).append(spec)
    notes: dict[int, str] = {}
    refused: dict[str, list[AdministrativeUnit]] = {}
    # Most units entered the same periods (the year's 12 months): each distinct set is
    # worked out once (547 communes of a province: a handful of sets).
    built_for: dict[frozenset[periods.PeriodSpec], tuple[str | None, str]] = {}
    for unit_id, specs in entered.items():
        if unit_id not in shown:
            continue
        key = frozenset(specs)
        if key not in built_for:
            built = rollup.coverage(period.spec, key)
            built_for[key] = (built.refusal, "" if built.refusal else built.note_vi)
        refusal, note = built_for[key]
        if refusal:
            refused.setdefault(refusal, []).append(by_pk[unit_id])
        elif note:
            notes[unit_id] = note
    counted = units if reporting is None else reporting
    return PeriodCoverage(
        notes=notes,
        refused=refused,
        drafts=[u for u in counted if u.pk in with_drafts],
        missing=[u for u in counted if u.pk not in with_figures],
    )


def numerator_expression(definition: formulas.IndicatorDef, prefix: str = "") -> F | object:
    """Sum of the numerator fields; NULL when any of them is NULL (SQL addition)."""
    return reduce(add, (F(prefix + name) for name in definition.numerator))


def complete_parts_q(definition: formulas.IndicatorDef, prefix: str = "") -> Q:
    """Rows where numerator and denominator were both reported: only those enter a ratio
    of sums, otherwise a unit without a numerator would dilute the total."""
    names = (*definition.numerator, definition.denominator)
    return Q(**{f"{prefix}{name}__isnull": False for name in names})


def target_subquery(indicator: Indicator, year: int | None) -> QuerySet[Target]:
    """The target that applies to OuterRef('pk'): among active plans of the year, the one
    issued closest to the unit (the deepest issuer) wins; the central plan comes last."""
    targets = (
        Target.objects.filter(
            unit=OuterRef("pk"),
            indicator=indicator,
            # A period without a year (a custom range) has no target: year=None is IS NULL.
            plan__year=year,  # type: ignore[misc]  # None is meant, see above
            plan__is_active=True,
        )
        .annotate(issuer_depth=Coalesce(Length("plan__issuer__path"), Value(0)))
        .order_by("-issuer_depth", "-plan__decision_date", "-pk")
    )
    return targets


def children_for_ranking(parent: AdministrativeUnit, period: Period) -> UnitQuerySet:
    """Direct territorial children that existed during the period (agencies are ranked
    separately, among themselves)."""
    return children_of(parent, start=period.start, end=period.end).exclude(level=UnitLevel.AGENCY)


def periods_with_figures(units: UnitQuerySet | None) -> QuerySet[Period]:
    """The periods with figures in `units` (None: anywhere in the country), newest first:
    the list of the period picker, on every page. Read from the small Period table, never
    by scanning the figures: for the whole country one EXISTS per period on the figures'
    period index (7 ms on 128.000 rows, where the EXISTS joined to every unit took 436
    ms); for a subtree the distinct periods of its units' figures (the unique (unit,
    period) index: the cost of the subtree, not of the country)."""
    if units is None:
        with_figures = Exists(UnitFigures.objects.filter(period=OuterRef("pk")))
        return Period.objects.filter(with_figures).order_by("-end", "-start")
    in_units = UnitFigures.objects.filter(unit__in=units.order_by().values("pk"))
    return Period.objects.filter(pk__in=in_units.values("period_id")).order_by("-end", "-start")


def periods_for_user(user: User) -> QuerySet[Period]:
    """periods_with_figures of the units the user sees (the whole country, unfiltered, for
    those who see every unit)."""
    return periods_with_figures(None if user.sees_everything else user.visible_units())


def parents_for_ranking(visible: UnitQuerySet, period: Period) -> UnitQuerySet:
    """Units the user may choose as the ranking's parent: visible units that had children
    then, and units that report figures themselves (a commune sees its own row)."""
    children = AdministrativeUnit.objects.filter(parent=OuterRef("pk")).valid_during(
        period.start, period.end
    )
    own_figures = UnitFigures.objects.filter(unit=OuterRef("pk"), period=period)
    return (
        visible.valid_during(period.start, period.end)
        .filter(Q(Exists(children)) | Q(Exists(own_figures), level="commune"))
        .select_related("parent")
        .order_by("path")
    )


# A parent picker lists its units in a <select> up to this many; beyond (an office of a
# large province, the admin and the national role: ~10.800 units) it is a search box.
PARENT_SELECT_MAX = 300
# The units a search returns at most.
SEARCH_LIMIT = 20
_LEVEL_ORDER = (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE)


def search_parents(
    visible: UnitQuerySet, period: Period, query: str, *, limit: int = SEARCH_LIMIT
) -> list[AdministrativeUnit]:
    """The units of parents_for_ranking whose GSO code starts with `query`, or whose type
    and name hold its words in any accents ("hoai nhon" finds "Thị xã Hoài Nhơn"):
    provinces first, then districts, then communes, by name; at most `limit`. One query."""
    text = query.strip()
    if text.isdigit():
        matching = Q(code__startswith=text)
    else:
        pattern = search.accent_insensitive_pattern(text)
        if not pattern:
            return []
        matching = Q(typed_name__iregex=pattern)
    level_order = Case(
        *(When(level=level, then=Value(rank)) for rank, level in enumerate(_LEVEL_ORDER)),
        default=Value(len(_LEVEL_ORDER)),
        output_field=IntegerField(),
    )
    return list(
        parents_for_ranking(visible, period)
        .annotate(typed_name=Concat("unit_type", Value(" "), "name"))
        .filter(matching)
        .order_by(level_order, "name", "path")[:limit]
    )


def period_for_spec(spec: periods.PeriodSpec) -> Period | None:
    """The stored period with this code, or else one covering exactly the same days (an
    ISO range 2023-01-01..2023-06-30 finds "6 tháng đầu năm 2023")."""
    exact = Period.objects.filter(code=spec.code).first()
    if exact is not None:
        return exact
    return (
        Period.objects.filter(start=spec.start, end=spec.end).order_by("convention", "kind").first()
    )


# --------------------------------------------------------------------------- who is in

# The units that report figures themselves: communes and the district one-stop desks (the
# province and the agencies are not counted in "how many units are in").
REPORTING_LEVELS = (UnitLevel.COMMUNE, UnitLevel.DISTRICT)
# Figures that count as reported: submitted by the unit or approved; a draft is not yet.
REPORTED_STATUSES = (FiguresStatus.SUBMITTED, FiguresStatus.APPROVED)


@dataclass(frozen=True)
class ReportCount:
    """How many of the units that report have submitted or approved figures for a period."""

    reported: int
    units: int

    @property
    def most(self) -> bool:
        """More than half of the units are in."""
        return self.reported * 2 > self.units


@dataclass(frozen=True)
class PeriodReporting:
    """A period with figures in the user's units and how many reporting units are in.
    `reported_on_2025` counts those of the 2025 structure (the national role's default)."""

    period: Period
    count: ReportCount
    reported_on_2025: int = 0


def periods_by_reporting(units: UnitQuerySet | None) -> list[PeriodReporting]:
    """Every period with figures in `units` (None: the whole country), newest first, each
    with how many of the reporting units among `units` (existing during the period)
    submitted or had approved figures for exactly that period.

    Three queries whatever the number of periods and units: the figures of `units`
    grouped by their period (one pass over them, joined to their unit for its level and
    structure; read from the units' side, so a province reads only its own), those
    periods by key, and the reporting units grouped by their validity (a handful of rows:
    the structures' dates and the few units created or ended between), from which each
    period's units are summed here. Counting in the database, per period, the units
    existing during it and their figures (two subqueries per period, the old way) cost
    periods × units: ~1 s for the whole country on PostgreSQL, 330 ms on SQLite at
    14.000 units."""
    everything = AdministrativeUnit.objects.all()
    reporting = (everything if units is None else units).filter(level__in=REPORTING_LEVELS)
    figures = (
        UnitFigures.objects.all() if units is None else UnitFigures.objects.filter(unit__in=units)
    )
    reported = Q(status__in=REPORTED_STATUSES, unit__level__in=REPORTING_LEVELS)
    counts = {
        row["period"]: row
        for row in figures.order_by()
        .values("period")
        .annotate(
            reported=Count("pk", filter=reported),
            reported_on_2025=Count(
                "pk", filter=reported & Q(unit__structure=Structure.REFORM_2025)
            ),
        )
    }
    validity = list(
        reporting.order_by()
        .values_list("valid_from", "valid_to")
        .annotate(units=Count("pk"))
        .values_list("valid_from", "valid_to", "units")
    )

    def existing(period: Period) -> int:
        return sum(
            count
            for valid_from, valid_to, count in validity
            if (valid_from is None or valid_from <= period.end)
            and (valid_to is None or valid_to >= period.start)
        )

    return [
        PeriodReporting(
            period=period,
            count=ReportCount(reported=counts[period.pk]["reported"], units=existing(period)),
            reported_on_2025=counts[period.pk]["reported_on_2025"],
        )
        for period in Period.objects.filter(pk__in=list(counts)).order_by("-end", "-start")
    ]


def report_count(*, units: UnitQuerySet, start: dt.date, end: dt.date) -> ReportCount:
    """How many of the reporting units among `units` existing during [start, end] have
    figures for it, all submitted or approved (the figures that make up the period, so a
    year counts the units whose months are in). One query.

    The units in are one grouped subquery, evaluated once (a per-unit EXISTS ran the
    roll-up's lookup once per unit: 573 times for Thanh Hóa)."""
    reported_ids = (
        period_figures(start, end, unit_ids=units)
        .order_by()
        .values("unit_id")
        .annotate(drafts=Count("pk", filter=Q(status=FiguresStatus.DRAFT)))
        .filter(drafts=0)
        .values("unit_id")
    )
    counts = (
        units.filter(level__in=REPORTING_LEVELS)
        .valid_during(start, end)
        .aggregate(units=Count("pk"), reported=Count("pk", filter=Q(pk__in=reported_ids)))
    )
    return ReportCount(reported=counts["reported"] or 0, units=counts["units"] or 0)


def period_reconciliation(*, period: Period, units: list[AdministrativeUnit]) -> dict[int, str]:
    """For each unit with a figure entered for the whole period beside sub-periods that
    build all of it and disagree with it, the reconciliation note ("Số liệu cả năm khác
    tổng 12 tháng: tiếp nhận 1.200 so với 1.180"); the whole-period figure is the one
    the pages show. One query, reading only the units that entered the whole period."""
    whole = UnitFigures.objects.filter(
        unit=OuterRef("unit"), period__start=period.start, period__end=period.end
    )
    rows = (
        period_figures_inside(period.start, period.end)
        .filter(unit_id__in=[unit.pk for unit in units])
        .filter(Exists(whole))
        .order_by()
        .values_list(
            "unit_id",
            "period__kind",
            "period__convention",
            "period__year",
            "period__number",
            "period__start",
            "period__end",
            *formulas.COUNT_FIELDS,
        )
    )
    entered: dict[int, dict[periods.PeriodSpec, dict[str, int | None]]] = {}
    for unit_id, kind, convention, year, number, start, end, *counts in rows:
        spec = periods.PeriodSpec(
            periods.PeriodKind(kind), periods.Convention(convention), year, number, start, end
        )
        entered.setdefault(unit_id, {})[spec] = dict(
            zip(formulas.COUNT_FIELDS, counts, strict=True)
        )
    notes: dict[int, str] = {}
    for unit_id, figures in entered.items():
        found = rollup.reconcile(period.spec, figures)
        if found is not None and found.note_vi:
            notes[unit_id] = found.note_vi
    return notes


def period_figures_inside(start: dt.date, end: dt.date) -> QuerySet[UnitFigures]:
    """Every entered figure whose period lies inside [start, end] (the period itself and
    all its sub-periods, whether the roll-up uses them or not)."""
    return UnitFigures.objects.filter(period__start__gte=start, period__end__lte=end)
