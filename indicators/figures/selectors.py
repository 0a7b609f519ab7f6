"""Reads for the figures entry form, its workflow and history."""

from __future__ import annotations

from django.db.models import (
    QuerySet,
)

from indicators.domain import formulas, periods
from indicators.models import (
    FiguresChange,
    Period,
    PublishedResult,
    UnitFigures,
)
from indicators.selectors import children_for_ranking
from units.models import AdministrativeUnit


def figures_for(unit: AdministrativeUnit, period: Period) -> UnitFigures | None:
    return figures_queryset().filter(unit=unit, period=period).first()


def figures_previous(unit: AdministrativeUnit, period: Period) -> UnitFigures | None:
    """The unit's figures for the period just before (same kind and convention)."""
    try:
        previous = period.spec.previous()
    except periods.PeriodError:
        return None
    return UnitFigures.objects.filter(unit=unit, period__code=previous.code).first()


def figures_history_counts(
    unit: AdministrativeUnit, period: Period, *, limit: int = 12
) -> list[dict[str, int | None]]:
    """Counts of the unit's earlier periods of the same kind, newest first (for the
    outlier warning: a month is compared with months, a year with years)."""
    rows = (
        UnitFigures.objects.filter(
            unit=unit,
            period__kind=period.kind,
            period__convention=period.convention,
            period__end__lt=period.start,
        )
        .order_by("-period__end")
        .values(*formulas.COUNT_FIELDS)[:limit]
    )
    return list(rows)


def figures_changes(figures: UnitFigures) -> QuerySet[FiguresChange]:
    return figures.changes.select_related("changed_by").order_by("-changed_at", "-pk")


def figures_status_rows(
    *, parent: AdministrativeUnit, period: Period
) -> list[tuple[AdministrativeUnit, UnitFigures | None]]:
    """The parent's desk and its children in the period, each with its figures (or None:
    not reported yet). Two queries."""
    units = [parent, *children_for_ranking(parent, period).order_by("name")]
    figures = {
        f.unit_id: f
        for f in UnitFigures.objects.filter(period=period, unit__in=units).select_related(
            "entered_by"
        )
    }
    return [(unit, figures.get(unit.pk)) for unit in units]


def figures_queryset() -> QuerySet[UnitFigures]:
    return UnitFigures.objects.select_related("unit", "period", "entered_by", "approved_by")


def published_rates(
    *, unit_ids: list[int], period: Period
) -> dict[tuple[int, str], PublishedResult]:
    """(unit, indicator code) → the rate an authority published for the period without its
    raw counts (Hoài Nhơn's H1 2023 payment and population-database rates). Shown beside
    the indicator, marked as published; never summed into a total nor ranked. One query
    for the page's units; a period read from an ISO range finds it by its days."""
    rows = PublishedResult.objects.filter(
        unit_id__in=unit_ids, period__start=period.start, period__end=period.end
    ).select_related("indicator")
    return {(row.unit_id, row.indicator.code): row for row in rows}


def published_rates_of_unit(unit: AdministrativeUnit) -> dict[tuple[int, str], PublishedResult]:
    """(period, indicator code) → every rate published for the unit (its own page). One
    query."""
    rows = PublishedResult.objects.filter(unit=unit).select_related("indicator")
    return {(row.period_id, row.indicator.code): row for row in rows}
