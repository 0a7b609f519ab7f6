"""The ranked tables page and its chart downloads. Thin views: check access at the top, read
through selectors, render."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render

from indicators.access import require_unit
from indicators.figures.selectors import published_rates
from indicators.models import Indicator, Period
from indicators.ranking import charts
from indicators.ranking import downloads as exports_charts
from indicators.ranking.forms import ALL_INDICATORS, RankingTableForm
from indicators.ranking.matrix import Matrix, matrix_for
from indicators.ranking.selectors import (
    Ranking,
    TrendPoint,
    ranking_for,
    trend_for,
    units_for_tier,
)
from indicators.scope import parent_of_first_reporting_unit, redirect_to_defaults
from indicators.selectors import (
    PeriodCoverage,
    parents_for_ranking,
    period_coverage,
    periods_with_figures,
)
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit, UnitQuerySet


@dataclass
class RankingPage:
    """What the page and its downloads read for valid filters: either the matrix of every
    indicator, or one indicator's ranking (with a unit's trend when one is chosen)."""

    form: RankingTableForm
    periods: QuerySet[Period]
    indicators: QuerySet[Indicator]
    parent: AdministrativeUnit
    period: Period
    tier: str
    colour: str
    parents: UnitQuerySet
    query: str
    query_without_unit: str
    matrix: Matrix | None = None
    ranking: Ranking | None = None
    indicator: Indicator | None = None
    trend_unit: AdministrativeUnit | None = None
    trend: list[TrendPoint] | None = None
    coverage: PeriodCoverage | None = None

    def context(self) -> dict[str, object]:
        """The template's context: the keys of what was read, no others."""
        context: dict[str, object] = {
            "form": self.form,
            "periods": self.periods,
            "indicators": self.indicators,
            "all_indicators": ALL_INDICATORS,
            "parent": self.parent,
            "period": self.period,
            "tier": self.tier,
            "colour": self.colour,
            "parents": self.parents,
            "query": self.query,
            "query_without_unit": self.query_without_unit,
        }
        if self.matrix is not None:
            context["matrix"] = self.matrix
        if self.ranking is not None:
            context.update({"ranking": self.ranking, "indicator": self.indicator})
        if self.trend_unit is not None:
            context.update({"trend_unit": self.trend_unit, "trend": self.trend})
        if self.coverage is not None:
            context.update(
                {
                    "coverage_notes": self.coverage.notes,
                    "coverage_refused": self.coverage.refused.items(),
                }
            )
        return context


def _ranking_data(request: AuthenticatedRequest) -> HttpResponse | RankingPage:
    """Everything the page and its downloads need, or the response to send instead (a
    redirect to the default filters: the user's unit, or for an administrator the parent
    of the first unit with figures; the no-data page; the form with its errors)."""
    user = request.user
    response = redirect_to_defaults(
        request, fallback=parent_of_first_reporting_unit, indicator="online"
    )
    if response is not None:
        return response
    form = RankingTableForm(request.GET)
    visible = user.visible_units()
    indicators = Indicator.objects.all()
    periods = periods_with_figures(visible)
    if not form.is_valid():
        context = {
            "form": form,
            "periods": periods,
            "indicators": indicators,
            "all_indicators": ALL_INDICATORS,
        }
        return render(request, "indicators/ranking.html", context, status=400)

    parent = require_unit(user, form.parent_unit)
    period: Period = form.cleaned_data["period"]
    tier: str = form.cleaned_data.get("tier") or ""
    units = units_for_tier(parent, period, tier)
    without_unit = request.GET.copy()
    without_unit.pop("unit", None)
    page = RankingPage(
        form=form,
        periods=periods,
        indicators=indicators,
        parent=parent,
        period=period,
        tier=tier,
        colour=form.cleaned_data.get("colour") or "status",
        parents=parents_for_ranking(visible, period),
        query=request.GET.urlencode(),
        query_without_unit=without_unit.urlencode(),
    )
    chosen: Indicator | str = form.cleaned_data["indicator"]
    if chosen == ALL_INDICATORS:
        page.matrix = matrix_for(
            parent=parent, period=period, units=units, indicators=list(indicators)
        )
        page.coverage = period_coverage(period=period, units=[r.unit for r in page.matrix.rows])
        return page

    assert isinstance(chosen, Indicator)
    result = ranking_for(
        parent=parent, period=period, indicator=chosen, children=units if tier else None
    )
    page.ranking, page.indicator = result, chosen
    rows = [*result.rows, *([result.parent_row] if result.parent_row else [])]
    published = published_rates(
        unit_ids=[parent.pk, *(r.unit.pk for r in result.rows)], period=period
    )
    for row in rows:
        row.published = published.get((row.unit.pk, chosen.code))
    page.coverage = period_coverage(period=period, units=[parent, *(r.unit for r in result.rows)])
    trend_unit = _table_unit(result, form.cleaned_data.get("unit") or "")
    if trend_unit is not None:
        page.trend_unit = trend_unit
        page.trend = trend_for(unit=trend_unit, indicator=chosen, period=period)
    return page


def _table_unit(result: Ranking, code: str) -> AdministrativeUnit | None:
    """The unit of this code among the table's rows or the parent's desk, so one the
    user may see; None for any other code."""
    candidates = [*result.rows, *([result.parent_row] if result.parent_row else [])]
    return next((r.unit for r in candidates if code and r.unit.code == code), None)


@login_required
def ranking(request: AuthenticatedRequest) -> HttpResponse:
    page = _ranking_data(request)
    if isinstance(page, HttpResponse):
        return page
    context = page.context()
    if page.matrix is not None:
        context["heatmap"] = charts.matrix_heatmap(page.matrix, colour=page.colour)
    elif page.ranking is not None:
        context["chart"] = charts.ranking_bar(page.ranking)
        if page.trend_unit is not None and page.trend is not None:
            context["trend_chart"] = charts.trend_line(
                page.trend,
                unit_name=page.trend_unit.full_name,
                indicator_name=page.ranking.indicator.name_vi,
            )
    return render(request, "indicators/ranking.html", context)


DOWNLOAD_TYPES = {
    "csv": ("text/csv; charset=utf-8", exports_charts.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports_charts.to_xlsx,
    ),
}


@login_required
def ranking_chart_data(request: AuthenticatedRequest, chart: str, fmt: str) -> HttpResponse:
    """The data of one chart of the ranking page, same filters: bars, trend or heatmap,
    as csv or xlsx."""
    if fmt not in DOWNLOAD_TYPES or chart not in ("bars", "trend", "heatmap"):
        raise Http404
    page = _ranking_data(request)
    if isinstance(page, HttpResponse):
        return page
    if chart == "heatmap" and page.matrix is not None:
        table = exports_charts.heatmap_table(page.matrix)
    elif chart == "bars" and page.ranking is not None:
        table = exports_charts.bars_table(page.ranking)
    elif (
        chart == "trend"
        and page.trend is not None
        and page.trend_unit is not None
        and page.indicator is not None
    ):
        table = exports_charts.trend_table(
            page.trend,
            unit_name=page.trend_unit.full_name,
            indicator_name=page.indicator.name_vi,
        )
    else:
        raise Http404
    content_type, render_table = DOWNLOAD_TYPES[fmt]
    filename = f"xep-hang-{chart}-{page.parent.code}-{page.period.code}.{fmt}"
    response = HttpResponse(render_table(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
