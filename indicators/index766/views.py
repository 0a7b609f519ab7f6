"""The 766 pre-run pages: a parent's units ranked by their pre-run score, and one unit's
scores with the points lost and what it takes to regain them. Thin views: access at the
top, reads through the selectors, render."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from indicators.access import get_unit_for_user, require_unit
from indicators.domain import index766, periods
from indicators.index766 import charts, downloads, services
from indicators.index766.forms import PublishedScoreForm
from indicators.index766.selectors import (
    Index766Scores,
    UnitScore,
    country_communes_index766_scores,
    country_index766_scores,
    index766_scores,
    index766_trend,
)
from indicators.models import Period
from indicators.scope import (
    ScopeChoice,
    bad_query,
    first_ranked_parent,
    open_period,
    read_include_drafts,
    read_spec,
    scope_or_defaults,
    the_whole_country,
    user_default_period,
)
from indicators.selectors import parents_for_ranking, periods_for_user
from kpi_portal.spreadsheets.text import csv_text
from units.http import AuthenticatedRequest
from units.models import UnitLevel
from units.selectors import is_country

TITLE = _("Chỉ số 766 (tính trước)")


def year_to_date_code(period: Period) -> str | None:
    """The year to date up to the period's end as a period code; None when the period
    already is the whole span (a first month, a year) or a date range."""
    spec = periods.year_to_date(period.spec)
    return spec.code if spec is not None else None


def _bad_filter(request: AuthenticatedRequest, message: str) -> HttpResponse:
    context = {"title": TITLE, "message": message}
    return render(request, "indicators/bad_filter.html", context, status=400)


# The page's two views of the same scores: ranked best first with the group points, or
# the chairman's red/green of the points lost per group, worst first.
VIEWS = ("", "summary")


# What the country is scored on: its provinces ("") or every commune, 100 to a page.
COUNTRY_TIERS = ("", UnitLevel.COMMUNE.value)
TIER_ERROR = _(
    "Cả nước được xếp theo cấp tỉnh hoặc toàn bộ cấp xã (tier=commune); "
    "“%(tier)s” không phải một cấp."
)


def _scores_of(
    request: AuthenticatedRequest, *, whole: bool = False
) -> tuple[ScopeChoice, Index766Scores | None, bool]:
    """The scope the query names (or the defaults: the user's unit, the country for
    those who see every unit) and the pre-run of its units; None when there is no period,
    no parent, or the period could not be read (the choice holds the message). For the
    country, ?tier=commune is every commune, one page of it unless `whole`."""
    user = request.user
    fallback = the_whole_country if user.sees_everything else first_ranked_parent
    choice = scope_or_defaults(request.GET, user=user, fallback=fallback, count=True, country=True)
    include_drafts = read_include_drafts(request.GET)
    if "period" in choice.errors or choice.period is None or choice.parent is None:
        return choice, None, include_drafts
    parent, period = require_unit(user, choice.parent), choice.period
    if is_country(parent):
        # Drafts are each unit's own work in progress: the country leaves them out.
        tier = request.GET.get("tier", "")
        if tier not in COUNTRY_TIERS:
            message = str(TIER_ERROR % {"tier": tier[:20]})
            return replace(choice, errors={**choice.errors, "tier": message}), None, False
        if tier:
            page = None if whole else request.GET.get("page") or 1
            return choice, country_communes_index766_scores(period=period, page=page), False
        return choice, country_index766_scores(period=period), False
    scores = index766_scores(parent=parent, period=period, include_drafts=include_drafts)
    return choice, scores, include_drafts


@login_required
def index766_page(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    choice, scores, include_drafts = _scores_of(request)
    for key in ("period", "tier"):
        if key in choice.errors:
            return _bad_filter(request, choice.errors[key])
    if scores is None:
        return render(request, "indicators/no_data.html")
    view = request.GET.get("view", "")
    view = view if view in VIEWS else ""
    parent, period = scores.parent, scores.period
    visible = user.visible_units()
    without_page = request.GET.copy()
    without_page.pop("page", None)
    context = {
        "title": TITLE,
        "choice": choice,
        "scores": scores,
        "tier": request.GET.get("tier", "") if is_country(parent) else "",
        "query_without_page": without_page.urlencode(),
        "summary_rows": worst_first(scores) if view == "summary" else [],
        "view": view,
        "is_country": is_country(parent),
        "unit_map": charts.score_map(scores, include_drafts=include_drafts),
        "period": period,
        "parent": parent,
        "include_drafts": include_drafts,
        "error": choice.error,
        "periods": periods_for_user(request.user),
        "parents": parents_for_ranking(visible, period),
        "year_to_date": year_to_date_code(period),
        "red_share": int(index766.GROUP_RED_SHARE * 100),
    }
    return render(
        request, "indicators/index766.html", context, status=400 if choice.errors else 200
    )


@login_required
def index766_csv(request: AuthenticatedRequest) -> HttpResponse:
    """The page's table as CSV (the columns of `manage.py index766 --format csv`), UTF-8
    with a BOM so that Excel reads the Vietnamese names."""
    choice, scores, _drafts = _scores_of(request, whole=True)
    if choice.errors or scores is None:
        return bad_query([choice.error or str(_("Không có kỳ báo cáo."))])
    if scores.table is None:
        return bad_query([str(_("Chưa có bảng điểm Chỉ số 766 nào áp dụng cho kỳ này."))])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"chi-so-766-{scores.parent.code}-{scores.period.code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(downloads.COLUMNS)
    for row in downloads.table_rows(scores, machine=True):
        writer.writerow([row[0], csv_text(row[1]), *row[2:]])
    return response


def worst_first(scores: Index766Scores) -> list[SummaryRow]:
    """Units × groups with the points lost in each, coloured by the red/green rule, the
    units losing most (on the 100-point scale) first; units without a score last."""
    rows = [
        SummaryRow(
            score=row,
            cells=[SummaryCell(group=g, colour=index766.group_colour(g).value) for g in row.groups],
        )
        for row in scores.rows
    ]
    rows.sort(
        key=lambda r: (
            r.score.score_100 is None,
            r.score.score_100 if r.score.score_100 is not None else 0,
            r.score.unit.path,
        )
    )
    return rows


@dataclass(frozen=True)
class SummaryCell:
    group: index766.GroupScore
    colour: str  # met / missed / no_data, as the status cells of the summary

    @property
    def lost(self) -> Decimal:
        return self.group.counted_max - self.group.points


@dataclass(frozen=True)
class SummaryRow:
    score: UnitScore
    cells: list[SummaryCell]

    @property
    def red(self) -> int:
        return sum(1 for c in self.cells if c.colour == index766.GroupColour.RED.value)


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
        found = user_default_period(user)
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
    trend = index766_trend(unit=unit, period=period, include_drafts=include_drafts)
    context = {
        "trend_chart": (
            charts.trend_line(trend, unit_name=unit.full_name)
            if any(month.card is not None for month in trend)
            else None
        ),
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
