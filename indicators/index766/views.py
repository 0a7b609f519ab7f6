"""The 766 pre-run pages: a parent's units ranked by their pre-run score, and one unit's
scores with the points lost and what it takes to regain them. Thin views: access at the
top, reads through the selectors, render."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from indicators.access import get_unit_for_user, require_unit
from indicators.domain import periods
from indicators.index766 import services
from indicators.index766.forms import PublishedScoreForm
from indicators.index766.selectors import index766_scores
from indicators.models import Period
from indicators.scope import (
    default_period,
    first_ranked_parent,
    open_period,
    read_include_drafts,
    read_spec,
    scope_or_defaults,
)
from indicators.selectors import parents_for_ranking, periods_with_figures
from units.http import AuthenticatedRequest

TITLE = _("Chỉ số 766 (tính trước)")


def year_to_date_code(period: Period) -> str | None:
    """The range from the start of the period's year (in its convention: 15/12 of the year
    before under Decree 09) to its end, as a period code; None for a whole year."""
    if period.kind == periods.PeriodKind.YEAR.value:
        return None
    year = period.year or period.end.year
    if period.convention == periods.Convention.DECREE09.value:
        start = periods.year_period(year, periods.Convention.DECREE09).start
    else:
        start = dt.date(year, 1, 1)
    if start >= period.start:
        return None
    return periods.custom(start, period.end).code


def _bad_filter(request: AuthenticatedRequest, message: str) -> HttpResponse:
    context = {"title": TITLE, "message": message}
    return render(request, "indicators/bad_filter.html", context, status=400)


@login_required
def index766_page(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    choice = scope_or_defaults(request.GET, user=user, fallback=first_ranked_parent, count=True)
    if "period" in choice.errors:
        return _bad_filter(request, choice.errors["period"])
    if choice.period is None or choice.parent is None:
        return render(request, "indicators/no_data.html")
    parent, period = require_unit(user, choice.parent), choice.period
    include_drafts = read_include_drafts(request.GET)
    scores = index766_scores(parent=parent, period=period, include_drafts=include_drafts)
    visible = user.visible_units()
    context = {
        "title": TITLE,
        "choice": choice,
        "scores": scores,
        "period": period,
        "parent": parent,
        "include_drafts": include_drafts,
        "error": choice.error,
        "periods": periods_with_figures(visible),
        "parents": parents_for_ranking(visible, period),
        "year_to_date": year_to_date_code(period),
    }
    return render(
        request, "indicators/index766.html", context, status=400 if choice.errors else 200
    )


@login_required
def index766_unit(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = get_unit_for_user(user, unit_id)
    code = request.GET.get("period", "")
    if code:
        try:
            period = open_period(read_spec(code))
        except forms.ValidationError as error:
            return _bad_filter(request, " ".join(error.messages))
    else:
        found = default_period(user.visible_units())
        if found is None:
            return render(request, "indicators/no_data.html")
        period = found
    # The office above the unit records the score the portal published (never the unit).
    can_enter = user.can_review_figures(unit)
    form = PublishedScoreForm()
    status = 200
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied(_("Chỉ Văn phòng cấp trên nhập điểm công bố của đơn vị."))
        form = PublishedScoreForm(request.POST)
        if form.is_valid():
            services.published_score_save(
                unit=unit,
                period=period,
                total=form.cleaned_data["total"],
                source=form.cleaned_data["source"],
                user=user,
            )
            messages.success(request, _("Đã lưu điểm công bố."))
            return redirect(f"{request.path}?period={period.code}")
        status = 400
    include_drafts = read_include_drafts(request.GET)
    scores = index766_scores(
        parent=unit.parent or unit, period=period, include_drafts=include_drafts, units=[unit]
    )
    context = {
        "form": form,
        "can_enter": can_enter,
        "title": TITLE,
        "unit": unit,
        "period": period,
        "scores": scores,
        "row": scores.rows[0],
        "include_drafts": include_drafts,
        "year_to_date": year_to_date_code(period),
    }
    return render(request, "indicators/index766_unit.html", context, status=status)
