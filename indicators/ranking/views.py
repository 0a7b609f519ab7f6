"""The ranked tables page and its chart downloads. Thin views: check access at the top, read
through selectors, render."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from indicators.access import require_unit
from indicators.figures.selectors import published_rates
from indicators.links import IdUrl
from indicators.models import Indicator, Period
from indicators.ranking import charts
from indicators.ranking import downloads as exports_charts
from indicators.ranking.forms import ALL_INDICATORS, RankingTableForm
from indicators.ranking.matrix import Matrix, matrix_for, provinces_matrix
from indicators.ranking.selectors import (
    Ranking,
    TrendPoint,
    communes_ranking,
    provinces_ranking,
    ranking_for,
    trend_for,
    units_for_tier,
)
from indicators.scope import (
    parent_of_first_reporting_unit,
    read_include_drafts,
    redirect_to_defaults,
    reported_under,
    the_whole_country,
)
from indicators.selectors import (
    PeriodCoverage,
    ReportCount,
    parents_for_ranking,
    period_coverage,
    period_reconciliation,
    periods_for_user,
)
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit, UnitLevel, UnitQuerySet
from units.selectors import is_country, the_country

# What the country is ranked on: its provinces ("") or every commune of the country.
COUNTRY_TIERS = ("", UnitLevel.COMMUNE)


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
    reported: ReportCount | None = None
    reconciliation: dict[int, str] | None = None
    include_drafts: bool = False
    # The country's every-commune ranking: the page shown, and the query without ?page=.
    country_page: Page | None = None
    query_without_page: str = ""

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
            "reported": self.reported,
            "include_drafts": self.include_drafts,
            # Each ranked row links to its unit's page: one reverse() for the page.
            "unit_url": IdUrl.of("indicators:unit_page"),
        }
        if self.matrix is not None:
            context["matrix"] = self.matrix
        if self.ranking is not None:
            context.update({"ranking": self.ranking, "indicator": self.indicator})
        if self.trend_unit is not None:
            context.update({"trend_unit": self.trend_unit, "trend": self.trend})
        if self.country_page is not None:
            context.update(
                {"country_page": self.country_page, "query_without_page": self.query_without_page}
            )
        if self.coverage is not None:
            context.update(
                {
                    "coverage_notes": self.coverage.notes,
                    "coverage_refused": self.coverage.refused.items(),
                    "coverage_behind": self.coverage.behind_vi,
                    "coverage_drafts": self.coverage.drafts,
                }
            )
        if self.reconciliation is not None:
            context["reconciliation_notes"] = self.reconciliation
        return context


def _ranking_data(
    request: AuthenticatedRequest, *, whole: bool = False
) -> HttpResponse | RankingPage:
    """Everything the page and its downloads need, or the response to send instead (a
    redirect to the default filters: the user's unit, or for those who see every unit the
    country; the no-data page; the form with its errors)."""
    user = request.user
    fallback = the_whole_country if user.sees_everything else parent_of_first_reporting_unit
    response = redirect_to_defaults(request, fallback=fallback, indicator="online")
    if response is not None:
        return response
    form = RankingTableForm(request.GET)
    visible = user.visible_units()
    indicators = Indicator.objects.all()
    periods = periods_for_user(user)
    if not form.is_valid():
        context = {
            "form": form,
            "periods": periods,
            "indicators": indicators,
            "all_indicators": ALL_INDICATORS,
            "include_drafts": read_include_drafts(request.GET),
        }
        return render(request, "indicators/ranking.html", context, status=400)

    parent = require_unit(user, form.parent_unit)
    period: Period = form.cleaned_data["period"]
    tier: str = form.cleaned_data.get("tier") or ""
    if is_country(parent):
        return _country_data(request, form, period=period, tier=tier, periods=periods, whole=whole)
    units = units_for_tier(parent, period, tier)
    without_unit = request.GET.copy()
    without_unit.pop("unit", None)
    include_drafts = read_include_drafts(request.GET)
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
        reported=reported_under(parent, period),
        include_drafts=include_drafts,
    )
    chosen: Indicator | str = form.cleaned_data["indicator"]
    if chosen == ALL_INDICATORS:
        page.matrix = matrix_for(
            parent=parent,
            period=period,
            units=units,
            indicators=list(indicators),
            include_drafts=include_drafts,
        )
        matrix_units = [r.unit for r in page.matrix.rows]
        page.coverage = period_coverage(
            period=period, units=matrix_units, include_drafts=include_drafts
        )
        page.reconciliation = period_reconciliation(period=period, units=matrix_units)
        return page

    assert isinstance(chosen, Indicator)
    result = ranking_for(
        parent=parent,
        period=period,
        indicator=chosen,
        children=units if tier else None,
        include_drafts=include_drafts,
    )
    page.ranking, page.indicator = result, chosen
    ranked = [r.unit for r in result.rows]
    rows = [*result.rows, *([result.parent_row] if result.parent_row else [])]
    published = published_rates(unit_ids=[parent.pk, *(u.pk for u in ranked)], period=period)
    for row in rows:
        row.published = published.get((row.unit.pk, chosen.code))
    page.coverage = period_coverage(
        period=period,
        units=[parent, *ranked],
        include_drafts=include_drafts,
        # The parent's desk is counted as behind only when it reports at all (a row).
        reporting=[*([parent] if result.parent_row else []), *ranked],
    )
    page.reconciliation = period_reconciliation(period=period, units=[parent, *ranked])
    trend_unit = _table_unit(result, form.cleaned_data.get("unit") or "")
    if trend_unit is not None:
        page.trend_unit = trend_unit
        page.trend = trend_for(
            unit=trend_unit, indicator=chosen, period=period, include_drafts=include_drafts
        )
    return page


def _country_data(
    request: AuthenticatedRequest,
    form: RankingTableForm,
    *,
    period: Period,
    tier: str,
    periods: QuerySet[Period],
    whole: bool = False,
) -> HttpResponse | RankingPage:
    """The country's table: its provinces ranked on their subtrees, or (tier "commune")
    every commune of the country, one page at a time (`whole`: every row, the download);
    all indicators at once for the provinces only (a matrix of every commune is not
    drawn)."""
    chosen: Indicator | str = form.cleaned_data["indicator"]
    if tier not in COUNTRY_TIERS or (tier and not isinstance(chosen, Indicator)):
        form.add_error(
            None,
            _(
                "Cả nước được xếp hạng theo cấp tỉnh (từng chỉ số hoặc tất cả chỉ số) hoặc "
                "toàn bộ cấp xã theo từng chỉ số; hãy chọn cấp đơn vị “Đơn vị trực thuộc”, "
                "hoặc “Cấp xã” với một chỉ số."
            ),
        )
        context = {
            "form": form,
            "periods": periods,
            "indicators": Indicator.objects.all(),
            "all_indicators": ALL_INDICATORS,
        }
        return render(request, "indicators/ranking.html", context, status=400)
    without_unit = request.GET.copy()
    without_unit.pop("unit", None)
    without_page = without_unit.copy()
    without_page.pop("page", None)
    page = RankingPage(
        form=form,
        periods=periods,
        indicators=Indicator.objects.all(),
        parent=the_country(),
        period=period,
        tier=tier,
        colour=form.cleaned_data.get("colour") or "status",
        parents=parents_for_ranking(request.user.visible_units(), period),
        query=request.GET.urlencode(),
        query_without_unit=without_unit.urlencode(),
        query_without_page=without_page.urlencode(),
    )
    if not isinstance(chosen, Indicator):
        page.matrix = provinces_matrix(period=period, indicators=list(page.indicators))
        return page
    if tier == UnitLevel.COMMUNE:
        number = None if whole else request.GET.get("page") or 1
        result = communes_ranking(period=period, indicator=chosen, page=number)
    else:
        result = provinces_ranking(period=period, indicator=chosen)
    page.ranking, page.indicator, page.country_page = result, chosen, result.page
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
    # A download holds every row (the country's communes are paged on screen only).
    page = _ranking_data(request, whole=True)
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
