"""Thin views: check access at the top, read through selectors, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from indicators import charts, selectors
from indicators.access import check_unit_for_user
from indicators.forms import RankingFilterForm
from indicators.models import Indicator, Period
from units.models import AdministrativeUnit, User

STATUS_LABELS = {
    "met": "Đạt",
    "missed": "Chưa đạt",
    "no_target": "Chưa giao chỉ tiêu",
    "no_data": "Không có số liệu",
}


def _default_filters(user: User) -> dict[str, str] | None:
    """The user's own unit, its latest period with figures, the online indicator. An
    administrator starts on the parent of the first unit with figures in that period."""
    visible = user.visible_units()
    period = selectors.periods_with_figures(visible).first()
    if period is None:
        return None
    parent = user.unit
    if parent is None:
        parent = (
            AdministrativeUnit.objects.filter(figures__period=period, parent__isnull=False)
            .select_related("parent")
            .order_by("path")
            .first()
            .parent
        )
    return {"parent": parent.code, "period": period.code, "indicator": "online"}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("indicators:ranking")


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not {"parent", "period", "indicator"} <= set(request.GET):
        defaults = _default_filters(user)
        if defaults is None:
            return render(request, "indicators/no_data.html", status=200)
        query = request.GET.copy()
        for key, value in defaults.items():
            query.setdefault(key, value)
        return redirect(f"{request.path}?{query.urlencode()}")

    form = RankingFilterForm(request.GET)
    visible = user.visible_units()
    context: dict[str, object] = {
        "form": form,
        "periods": selectors.periods_with_figures(visible),
        "indicators": Indicator.objects.all(),
        "status_labels": STATUS_LABELS,
    }
    if not form.is_valid():
        return render(request, "indicators/ranking.html", context, status=400)

    parent = check_unit_for_user(user, form.parent_unit)
    period: Period = form.cleaned_data["period"]
    indicator: Indicator = form.cleaned_data["indicator"]
    result = selectors.ranking_for(parent=parent, period=period, indicator=indicator)
    context.update(
        {
            "ranking": result,
            "parent": parent,
            "period": period,
            "indicator": indicator,
            "parents": selectors.parents_for_ranking(visible, period),
            "chart": charts.ranking_bar(result, status_labels=STATUS_LABELS),
        }
    )
    return render(request, "indicators/ranking.html", context)
