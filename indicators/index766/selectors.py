"""Reads of the 766 pre-run: each unit's counts over a period rolled up as everywhere in the
portal (indicators/selectors.counts_by_unit for the standard counts; the extra counts summed
over the same pieces in one grouped query), its catalogue figures as of the period's end,
scored by the rule set in force at the period's end, with the score the portal published
where an office entered it. The number of queries does not grow with the units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, Subquery, Sum

from indicators.domain import formulas, index766, periods, rollup
from indicators.domain.ranking import competition_ranks
from indicators.models import (
    Index766RuleSet,
    Period,
    PublishedIndex766Score,
    UnitCatalogue,
)
from indicators.ranking.selectors import COUNTRY_PAGE_SIZE
from indicators.selectors import (
    STATUS_ORDER,
    children_for_ranking,
    counts_by_unit,
    entered_figures,
    least_status,
    period_figures,
    subtree_figures,
)
from units.models import AdministrativeUnit, UnitLevel
from units.selectors import country_units, the_country

__all__ = [
    "Index766Scores",
    "TrendMonth",
    "UnitScore",
    "country_communes_index766_scores",
    "country_index766_scores",
    "extra_counts_by_unit",
    "index766_scores",
    "index766_trend",
]


@dataclass
class UnitScore:
    """One unit's pre-run: its scorecard (None without figures for the period), the least
    advanced status of the figures behind it, the date of the catalogue figures read, and
    the score the portal published (None unless an office entered it)."""

    unit: AdministrativeUnit
    card: index766.Scorecard | None
    status: str | None = None
    is_sample: bool = False
    catalogue_on: dt.date | None = None
    published: Decimal | None = None
    rank: int | None = None

    @property
    def points(self) -> Decimal | None:
        return self.card.points if self.card is not None else None

    @property
    def counted_max(self) -> Decimal | None:
        return self.card.counted_max if self.card is not None else None

    @property
    def score_100(self) -> Decimal | None:
        return self.card.score_100 if self.card is not None else None

    @property
    def difference(self) -> Decimal | None:
        """Pre-run (on the 100-point scale) minus the published score."""
        if self.published is None or self.score_100 is None:
            return None
        return self.score_100 - self.published

    def group(self, code: str) -> index766.GroupScore | None:
        if self.card is None:
            return None
        return next((g for g in self.card.groups if g.code == code), None)

    @property
    def groups(self) -> list[index766.GroupScore]:
        return list(self.card.groups) if self.card is not None else []


@dataclass
class Index766Scores:
    """The pre-run of a parent's units for a period, ranked on the 100-point scale (what
    was scored over the maximum of what could be, so a unit missing a count is neither
    scored zero on it nor ahead for lacking it). `rule_set` is None when no version was in
    force at the period's end (before 01/08/2022): then nothing is scored."""

    parent: AdministrativeUnit
    period: Period
    rule_set: Index766RuleSet | None
    rows: list[UnitScore] = field(default_factory=list)
    groups: list[index766.GroupDef] = field(default_factory=list)
    table: index766.RuleTable | None = None
    # The country's every-commune table: the page shown (ranks over the whole country).
    page: Page | None = None

    def of(self, unit_id: int) -> UnitScore | None:
        return next((r for r in self.rows if r.unit.pk == unit_id), None)


def extra_counts_by_unit(
    start: dt.date, end: dt.date, *, unit_ids: list[int], include_drafts: bool = False
) -> dict[int, dict[str, int | None]]:
    """The extra counts of each unit over [start, end] from the same pieces the roll-up
    reads (period_figures): flows summed, the stock "in progress within deadline" the last
    piece's (the end of the period), each only when every piece reports it — a year with a
    month missing the count would otherwise be scored on eleven months. One grouped query."""
    rows_of_period = period_figures(start, end, include_drafts=include_drafts)
    last = rows_of_period.filter(unit_id=OuterRef("unit_id")).order_by("-period__end")
    aggregates: dict[str, Any] = {"pieces": Count("pk")}
    for name in index766.EXTRA_COUNT_FIELDS:
        aggregates[f"sum_{name}"] = Sum(name)
        aggregates[f"n_{name}"] = Count(name)
    for name in index766.EXTRA_STOCK_FIELDS:
        aggregates[f"last_{name}"] = Subquery(last.values(name)[:1])
    rows = (
        rows_of_period.filter(unit_id__in=unit_ids)
        .order_by()
        .values("unit_id")
        .annotate(**aggregates)
    )
    result: dict[int, dict[str, int | None]] = {}
    for row in rows:
        counts: dict[str, int | None] = {}
        for name in index766.EXTRA_COUNT_FIELDS:
            if name in index766.EXTRA_STOCK_FIELDS:
                counts[name] = row[f"last_{name}"]
            elif row[f"n_{name}"] == row["pieces"]:
                counts[name] = row[f"sum_{name}"]
            else:
                counts[name] = None
        result[row["unit_id"]] = counts
    return result


def catalogue_by_unit(
    *, unit_ids: list[int], on: dt.date
) -> dict[int, tuple[dt.date, dict[str, int | None]]]:
    """Each unit's catalogue figures as last stated on or before `on`, with that date. One
    query (the few statements of each unit)."""
    found: dict[int, tuple[dt.date, dict[str, int | None]]] = {}
    rows = UnitCatalogue.objects.filter(unit_id__in=unit_ids, stated_on__lte=on).order_by(
        "unit_id", "-stated_on"
    )
    for row in rows:
        found.setdefault(row.unit_id, (row.stated_on, row.counts()))
    return found


def published_scores(*, unit_ids: list[int], period: Period) -> dict[int, Decimal]:
    rows = PublishedIndex766Score.objects.filter(unit_id__in=unit_ids, period=period)
    return dict(rows.values_list("unit_id", "total"))


def units_scored(parent: AdministrativeUnit, period: Period) -> list[AdministrativeUnit]:
    """The parent's territorial children then; a commune is scored on its own."""
    if parent.level == UnitLevel.COMMUNE:
        return [parent]
    return list(children_for_ranking(parent, period).order_by("path"))


def index766_scores(
    *,
    parent: AdministrativeUnit,
    period: Period,
    include_drafts: bool = False,
    units: list[AdministrativeUnit] | None = None,
) -> Index766Scores:
    """The 766 pre-run of every unit of `parent` (or of `units`) for `period`, ranked by
    the score on the 100-point scale; units without figures come last, unranked. A fixed
    number of queries (8), whatever the number of units."""
    rule_set = Index766RuleSet.objects.in_force(period.end)
    scored = units if units is not None else units_scored(parent, period)
    result = Index766Scores(parent=parent, period=period, rule_set=rule_set)
    if rule_set is None:
        result.rows = [UnitScore(unit=u, card=None) for u in scored]
        return result
    table = result.table = rule_set.table()
    result.groups = sorted(table.groups, key=lambda g: (g.order, g.code))
    ids = [u.pk for u in scored]
    standard = counts_by_unit(period.start, period.end, unit_ids=ids, include_drafts=include_drafts)
    extra = extra_counts_by_unit(
        period.start, period.end, unit_ids=ids, include_drafts=include_drafts
    )
    result.rows = _scored_rows(
        scored,
        table=table,
        period=period,
        counts={pk: (c.counts, c.status, c.is_sample) for pk, c in standard.items()},
        extra=extra,
    )
    return result


def _scored_rows(
    units: list[AdministrativeUnit],
    *,
    table: index766.RuleTable,
    period: Period,
    counts: dict[int, tuple[dict[str, int | None], str, bool]],
    extra: dict[int, dict[str, int | None]],
) -> list[UnitScore]:
    """Each unit scored from its counts (standard, extra, its catalogue as of the period's
    end), with the published score beside it, ranked (two queries)."""
    ids = [u.pk for u in units]
    catalogue = catalogue_by_unit(unit_ids=ids, on=period.end)
    published = published_scores(unit_ids=ids, period=period)
    rows = []
    for unit in units:
        figures = counts.get(unit.pk)
        stated_on, catalogue_counts = catalogue.get(unit.pk, (None, {}))
        row = UnitScore(unit=unit, card=None, published=published.get(unit.pk))
        if figures is not None:
            standard, status, is_sample = figures
            merged = {**standard, **extra.get(unit.pk, {}), **catalogue_counts}
            row.card = index766.score_unit(table, merged, level=unit.level)
            row.status, row.is_sample = status, is_sample
            row.catalogue_on = stated_on
        rows.append(row)
    for row, rank in zip(rows, competition_ranks([r.score_100 for r in rows]), strict=True):
        row.rank = rank
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit.path))
    return rows


@dataclass
class TrendMonth:
    """One month of a unit's trend: its scorecard (None without figures) and the version
    of the rules it was scored with."""

    period: periods.PeriodSpec
    card: index766.Scorecard | None = None
    version: str = ""


def trend_months(period: Period, *, months: int = 12) -> list[periods.PeriodSpec]:
    """The `months` months (in the period's convention) up to the one holding its end."""
    convention = periods.Convention(period.convention)
    last = periods.reporting_period_containing(period.end, periods.PeriodKind.MONTH, convention)
    assert last.year is not None and last.number is not None
    index = last.year * 12 + last.number - 1
    return [
        periods.month(number // 12, number % 12 + 1, convention)
        for number in range(index - months + 1, index + 1)
    ]


def index766_trend(
    *, unit: AdministrativeUnit, period: Period, include_drafts: bool = False, months: int = 12
) -> list[TrendMonth]:
    """The unit's pre-run month by month over the last `months` months up to `period`'s
    end, each scored by the version in force at its end. Set-based, a fixed number of
    queries (6) whatever the number of months: the months' stored rows, the unit's figures
    of those months (a month is entered whole, so its row is its roll-up), its catalogue
    statements, and every version of the rules (with its groups and indicators). Months
    nobody stored or the unit did not report are gaps, never zero."""
    specs = trend_months(period, months=months)
    stored = {p.code: p for p in Period.objects.filter(code__in=[s.code for s in specs])}
    figures = {
        f.period_id: f
        for f in entered_figures(include_drafts=include_drafts).filter(
            unit=unit, period__in=list(stored.values())
        )
    }
    statements = list(
        UnitCatalogue.objects.filter(unit=unit, stated_on__lte=period.end).order_by("-stated_on")
    )
    versions = list(
        Index766RuleSet.objects.filter(valid_from__lte=period.end)
        .order_by("-valid_from", "-pk")
        .prefetch_related("groups__indicators")
    )
    tables: dict[int, index766.RuleTable] = {}
    result = []
    for spec in specs:
        month = stored.get(spec.code)
        row = TrendMonth(period=spec)
        rule_set = next((v for v in versions if v.valid_from <= spec.end), None)
        found = figures.get(month.pk) if month is not None else None
        if found is not None and rule_set is not None:
            table = tables.setdefault(rule_set.pk, rule_set.table())
            own = found.counts()
            counts = rollup.rolled_counts(
                sums=own,
                first={"carried_over": own["carried_over"], "total": own["total"]},
                pieces=1,
            )
            catalogue = next((s.counts() for s in statements if s.stated_on <= spec.end), {})
            row.card = index766.score_unit(
                table, {**counts, **found.extra_counts(), **catalogue}, level=unit.level
            )
            row.version = rule_set.version
        result.append(row)
    return result


def counts_by_subtree(
    start: dt.date, end: dt.date, *, root_ids: list[int]
) -> dict[int, tuple[dict[str, int | None], str, bool]]:
    """Every count summed over each root's whole subtree (its desk, districts, communes
    and agencies) over [start, end], from the figures that make up the period, as
    parts_by_subtree sums the rates' parts: flows summed; the stock carried over from the
    pieces that open the period, the total rebuilt from it; an extra count only when
    every piece of the subtree reports it (a province is not scored on the half of its
    communes that count synced dossiers), "in progress within deadline" from the pieces
    that close the period. With the least advanced status and whether any of it is
    sample. One query grouped by the root, whatever the number of units."""
    aggregates: dict[str, Any] = {
        "pieces": Count("pk"),
        "least_status": least_status(),
        "samples": Count("pk", filter=Q(is_sample=True)),
        "opening_carried_over": Sum("carried_over", filter=Q(period__start=start)),
    }
    for name in formulas.COUNT_FIELDS:
        aggregates[f"sum_{name}"] = Sum(name)
    for name in index766.EXTRA_COUNT_FIELDS:
        closing = Q(period__end=end) if name in index766.EXTRA_STOCK_FIELDS else Q()
        aggregates[f"sum_{name}"] = Sum(name, filter=closing)
        aggregates[f"n_{name}"] = Count(name, filter=closing)
        aggregates[f"of_{name}"] = Count("pk", filter=closing)
    rows = subtree_figures(start, end, root_ids=root_ids, aggregates=aggregates)
    result: dict[int, tuple[dict[str, int | None], str, bool]] = {}
    for row in rows:
        counts = rollup.rolled_counts(
            sums={name: row[f"sum_{name}"] for name in formulas.COUNT_FIELDS},
            first={"carried_over": row["opening_carried_over"], "total": row["sum_total"]},
            # Rebuilt from the opening stock and the flows whenever the subtree has more
            # than one row; one row keeps its own total.
            pieces=row["pieces"],
        )
        for name in index766.EXTRA_COUNT_FIELDS:
            complete = row[f"of_{name}"] and row[f"n_{name}"] == row[f"of_{name}"]
            counts[name] = row[f"sum_{name}"] if complete else None
        status = STATUS_ORDER[row["least_status"]]
        result[row["root_id"]] = (counts, status, row["samples"] > 0)
    return result


def country_index766_scores(*, period: Period) -> Index766Scores:
    """The provinces of the country (of the structure in force when the period closes),
    each scored at province level on the counts of its whole subtree, ranked; drafts left
    out (as the ranking's country table). A fixed number of queries."""
    rule_set = Index766RuleSet.objects.in_force(period.end)
    provinces = list(
        country_units(UnitLevel.PROVINCE, start=period.start, end=period.end).order_by("path")
    )
    result = Index766Scores(parent=the_country(), period=period, rule_set=rule_set)
    if rule_set is None:
        result.rows = [UnitScore(unit=u, card=None) for u in provinces]
        return result
    table = result.table = rule_set.table()
    result.groups = sorted(table.groups, key=lambda g: (g.order, g.code))
    counts = counts_by_subtree(period.start, period.end, root_ids=[p.pk for p in provinces])
    result.rows = _scored_rows(provinces, table=table, period=period, counts=counts, extra={})
    return result


def country_communes_index766_scores(*, period: Period, page: int | str | None) -> Index766Scores:
    """Every commune of the country (of the structure in force when the period closes),
    scored on its own figures and ranked over the whole country; `page` is one page of
    COUNTRY_PAGE_SIZE rows (a bad number gives the nearest page), None every row (the
    download). Only the communes with figures are scored; the others follow, unranked, in
    tree order. A fixed number of queries, whatever the number of communes."""
    rule_set = Index766RuleSet.objects.in_force(period.end)
    result = Index766Scores(parent=the_country(), period=period, rule_set=rule_set)
    communes = country_units(UnitLevel.COMMUNE, start=period.start, end=period.end)
    listed = list(communes.order_by("path").values_list("pk", flat=True))
    cards: dict[int, tuple[index766.Scorecard, tuple[str, bool], dt.date | None]] = {}
    if rule_set is not None:
        table = result.table = rule_set.table()
        result.groups = sorted(table.groups, key=lambda g: (g.order, g.code))
        ids = list(
            period_figures(period.start, period.end)
            .filter(unit__in=communes.values("pk"))
            .order_by()
            .values_list("unit_id", flat=True)
            .distinct()
        )
        standard = counts_by_unit(period.start, period.end, unit_ids=ids)
        extra = extra_counts_by_unit(period.start, period.end, unit_ids=ids)
        catalogue = catalogue_by_unit(unit_ids=ids, on=period.end)
        for pk, figures in standard.items():
            stated_on, catalogue_counts = catalogue.get(pk, (None, {}))
            merged = {**figures.counts, **extra.get(pk, {}), **catalogue_counts}
            card = index766.score_unit(table, merged, level=UnitLevel.COMMUNE)
            cards[pk] = (card, (figures.status, figures.is_sample), stated_on)
    position = {pk: number for number, pk in enumerate(listed)}
    ordered = sorted(
        listed,
        key=lambda pk: (
            pk not in cards or cards[pk][0].score_100 is None,
            -(cards[pk][0].score_100 or 0) if pk in cards else 0,
            position[pk],
        ),
    )
    ranks = dict(
        zip(
            ordered,
            competition_ranks([cards[pk][0].score_100 if pk in cards else None for pk in ordered]),
            strict=True,
        )
    )
    shown = ordered
    if page is not None:
        result.page = Paginator(ordered, COUNTRY_PAGE_SIZE).get_page(page)
        shown = list(result.page.object_list)
    units = {
        u.pk: u for u in AdministrativeUnit.objects.filter(pk__in=shown).select_related("parent")
    }
    published = published_scores(unit_ids=list(shown), period=period)
    for pk in shown:
        row = UnitScore(unit=units[pk], card=None, published=published.get(pk), rank=ranks[pk])
        if pk in cards:
            row.card, (row.status, row.is_sample), row.catalogue_on = cards[pk]
        result.rows.append(row)
    return result
