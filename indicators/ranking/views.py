"""The ranked tables page and its chart downloads. Thin views: check access at the top, read
through selectors, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from indicators.access import require_unit
from indicators.models import Indicator, Period
from indicators.ranking import charts
from indicators.ranking import downloads as exports_charts
from indicators.ranking.forms import ALL_INDICATORS, RankingTableForm
from indicators.ranking.matrix import Matrix, matrix_for
from indicators.ranking.selectors import Ranking, ranking_for, trend_for, units_for_tier
from indicators.scope import parent_of_first_reporting_unit, redirect_to_defaults
from indicators.selectors import parents_for_ranking, periods_with_figures
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit


def _ranking_data(request: AuthenticatedRequest) -> HttpResponse | dict[str, object]:
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
    context: dict[str, object] = {
        "form": form,
        "periods": periods_with_figures(visible),
        "indicators": indicators,
        "all_indicators": ALL_INDICATORS,
    }
    if not form.is_valid():
        return render(request, "indicators/ranking.html", context, status=400)

    parent = require_unit(user, form.parent_unit)
    period: Period = form.cleaned_data["period"]
    tier: str = form.cleaned_data.get("tier") or ""
    units = units_for_tier(parent, period, tier)
    without_unit = request.GET.copy()
    without_unit.pop("unit", None)
    context.update(
        {
            "parent": parent,
            "period": period,
            "tier": tier,
            "colour": form.cleaned_data.get("colour") or "status",
            "parents": parents_for_ranking(visible, period),
            "query": request.GET.urlencode(),
            "query_without_unit": without_unit.urlencode(),
        }
    )
    chosen: Indicator | str = form.cleaned_data["indicator"]
    if chosen == ALL_INDICATORS:
        context["matrix"] = matrix_for(
            parent=parent, period=period, units=units, indicators=list(indicators)
        )
        return context

    assert isinstance(chosen, Indicator)
    result = ranking_for(
        parent=parent, period=period, indicator=chosen, children=units if tier else None
    )
    context.update({"ranking": result, "indicator": chosen})
    trend_unit = _table_unit(result, form.cleaned_data.get("unit") or "")
    if trend_unit is not None:
        context["trend_unit"] = trend_unit
        context["trend"] = trend_for(unit=trend_unit, indicator=chosen, period=period)
    return context


def _table_unit(result: Ranking, code: str) -> AdministrativeUnit | None:
    """The unit of this code among the table's rows or the parent's desk, so one the
    user may see; None for any other code."""
    candidates = [*result.rows, *([result.parent_row] if result.parent_row else [])]
    return next((r.unit for r in candidates if code and r.unit.code == code), None)


@login_required
def ranking(request: AuthenticatedRequest) -> HttpResponse:
    data = _ranking_data(request)
    if isinstance(data, HttpResponse):
        return data
    if "matrix" in data:
        matrix: Matrix = data["matrix"]  # type: ignore[assignment]
        data["heatmap"] = charts.matrix_heatmap(matrix, colour=str(data["colour"]))
    else:
        result: Ranking = data["ranking"]  # type: ignore[assignment]
        data["chart"] = charts.ranking_bar(result)
        if "trend" in data:
            unit: AdministrativeUnit = data["trend_unit"]  # type: ignore[assignment]
            data["trend_chart"] = charts.trend_line(
                data["trend"],  # type: ignore[arg-type]
                unit_name=unit.full_name,
                indicator_name=result.indicator.name_vi,
            )
    return render(request, "indicators/ranking.html", data)


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
    data = _ranking_data(request)
    if isinstance(data, HttpResponse):
        return data
    if chart == "heatmap" and "matrix" in data:
        table = exports_charts.heatmap_table(data["matrix"])  # type: ignore[arg-type]
    elif chart == "bars" and "ranking" in data:
        table = exports_charts.bars_table(data["ranking"])  # type: ignore[arg-type]
    elif chart == "trend" and "trend" in data:
        unit: AdministrativeUnit = data["trend_unit"]  # type: ignore[assignment]
        indicator: Indicator = data["indicator"]  # type: ignore[assignment]
        table = exports_charts.trend_table(
            data["trend"],  # type: ignore[arg-type]
            unit_name=unit.full_name,
            indicator_name=indicator.name_vi,
        )
    else:
        raise Http404
    content_type, render_table = DOWNLOAD_TYPES[fmt]
    period: Period = data["period"]  # type: ignore[assignment]
    parent: AdministrativeUnit = data["parent"]  # type: ignore[assignment]
    filename = f"xep-hang-{chart}-{parent.code}-{period.code}.{fmt}"
    response = HttpResponse(render_table(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
