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

from django.db.models import Count, OuterRef, Subquery, Sum

from indicators.domain import index766
from indicators.domain.ranking import competition_ranks
from indicators.models import (
    Index766RuleSet,
    Period,
    PublishedIndex766Score,
    UnitCatalogue,
)
from indicators.selectors import children_for_ranking, counts_by_unit, period_figures
from units.models import AdministrativeUnit, UnitLevel

__all__ = [
    "Index766Scores",
    "UnitScore",
    "extra_counts_by_unit",
    "index766_scores",
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
    catalogue = catalogue_by_unit(unit_ids=ids, on=period.end)
    published = published_scores(unit_ids=ids, period=period)
    rows = []
    for unit in scored:
        figures = standard.get(unit.pk)
        stated_on, catalogue_counts = catalogue.get(unit.pk, (None, {}))
        row = UnitScore(unit=unit, card=None, published=published.get(unit.pk))
        if figures is not None:
            counts = {**figures.counts, **extra.get(unit.pk, {}), **catalogue_counts}
            row.card = index766.score_unit(table, counts, level=unit.level)
            row.status, row.is_sample = figures.status, figures.is_sample
            row.catalogue_on = stated_on
        rows.append(row)
    for row, rank in zip(rows, competition_ranks([r.score_100 for r in rows]), strict=True):
        row.rank = rank
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit.path))
    result.rows = rows
    return result
