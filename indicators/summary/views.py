"""The chairman's red/green summary, a unit's own page and the reminder list."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from indicators import selectors
from indicators.access import get_unit_for_user, home_page, require_unit
from indicators.domain import search
from indicators.figures.selectors import published_rates, published_rates_of_unit
from indicators.links import IdUrl
from indicators.models import FiguresStatus, PublishedResult
from indicators.scope import (
    bad_query,
    first_ranked_parent,
    open_period,
    read_include_drafts,
    read_spec,
    scope_or_defaults,
    search_period,
    the_whole_country,
)
from indicators.summary import charts as compliance_charts
from indicators.summary import selectors as compliance_selectors
from kpi_portal.spreadsheets.text import csv_text
from units.http import AuthenticatedRequest
from units.models import UnitLevel
from units.selectors import COUNTRY_CODE, is_country


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Each role lands where its work is (access.home_page)."""
    return redirect(home_page(request.user))


@login_required
def summary(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    fallback = the_whole_country if user.sees_everything else first_ranked_parent
    choice = scope_or_defaults(request.GET, user=user, fallback=fallback, country=True, count=True)
    if "period" in choice.errors:
        return _bad_filter(request, choice.errors["period"])
    if choice.period is None or choice.parent is None:
        return render(request, "indicators/no_data.html")
    parent, period = require_unit(user, choice.parent), choice.period
    include_drafts = read_include_drafts(request.GET)
    if is_country(parent):
        # Provinces × indicators on their whole subtrees (drafts left out); coverage notes
        # are per unit's own entries, which a province's row is not.
        include_drafts = False
        matrix = compliance_selectors.country_compliance_matrix(period=period)
        units = []
        coverage = selectors.PeriodCoverage(notes={}, refused={})
    else:
        matrix = compliance_selectors.compliance_matrix(
            parent=parent, period=period, include_drafts=include_drafts
        )
        units = [row.unit for row in matrix.rows]
        coverage = selectors.period_coverage(
            period=period, units=units, include_drafts=include_drafts
        )
    drafts = {unit.pk for unit in coverage.drafts}
    for row in matrix.rows:
        if row.figures_status is None and row.unit.pk in drafts:
            row.figures_status = FiguresStatus.DRAFT  # entered, left out of the figures
    _mark_published(
        [cell for row in matrix.rows for cell in row.cells],
        published_rates(unit_ids=[row.unit.pk for row in matrix.rows], period=period),
    )
    visible = user.visible_units()
    context = {
        "choice": choice,
        "matrix": matrix,
        "include_drafts": include_drafts,
        "coverage_notes": coverage.notes,
        "coverage_refused": coverage.refused.items(),
        "reconciliation_notes": selectors.period_reconciliation(period=period, units=units),
        "coverage_behind": coverage.behind_vi,
        "coverage_drafts": coverage.drafts,
        "period": period,
        "parent": parent,
        "error": choice.error,
        "periods": selectors.periods_for_user(user),
        "parents": selectors.parents_for_ranking(visible, period),
        "worst": matrix.worst_gaps()[:15],
        # Each cell links to its unit's page: one reverse() for the page, not per cell.
        "unit_url": IdUrl.of("indicators:unit_page"),
    }
    return render(request, "indicators/summary.html", context, status=400 if choice.errors else 200)


def _mark_published(
    cells: list[compliance_selectors.Cell], published: dict[tuple[int, str], PublishedResult]
) -> None:
    """Give each cell the rate published for its unit and indicator, if any (display only:
    the totals and ranks were computed from counts)."""
    for cell in cells:
        cell.published = published.get((cell.unit.pk, cell.indicator.code))


def _bad_filter(request: AuthenticatedRequest, message: str) -> HttpResponse:
    """A period that cannot be read: the message, and the way back to the latest one."""
    context = {"title": _("Tổng hợp đạt / chưa đạt"), "message": message}
    return render(request, "indicators/bad_filter.html", context, status=400)


@login_required
def unit_page(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = get_unit_for_user(user, unit_id)
    indicators, history = compliance_selectors.unit_history(unit=unit)
    # ?indicator=online&indicator=payment: one line each on the trend chart.
    codes = request.GET.getlist("indicator") or ["online"]
    chosen_indicators = [i for i in indicators if i.code in codes] or indicators[:1]
    trend = compliance_selectors.unit_monthly_trend(
        unit=unit, indicators=chosen_indicators, today=timezone.localdate()
    )
    can_edit = user.can_edit_figures(unit)
    context: dict[str, object] = {
        "unit": unit,
        "indicators": indicators,
        "indicator": chosen_indicators[0],
        "chosen": chosen_indicators,
        "history": history,
        "trend": trend,
        "chart": compliance_charts.unit_trend(trend, chosen_indicators),
        "can_edit": can_edit,
        "periods": [h.period for h in history],
    }
    if can_edit and unit.level == UnitLevel.COMMUNE:
        # The commune's landing page: this month's to-do and what was sent back.
        context["todo"] = compliance_selectors.commune_todo(unit=unit, today=timezone.localdate())
    published = published_rates_of_unit(unit)
    for h in history:
        for cell in h.cells:
            cell.published = published.get((h.period.pk, cell.indicator.code))
    chosen = None
    if code := request.GET.get("period", ""):
        # The drill-down from the summary and the ranking keeps the period they showed.
        try:
            chosen = open_period(read_spec(code))
        except forms.ValidationError as error:
            messages.error(request, " ".join(error.messages))
    if history or chosen is not None:
        latest = chosen or history[0].period
        # Rank and gaps among siblings; only this unit's own row is shown.
        parent = unit.parent or unit
        matrix = compliance_selectors.compliance_matrix(
            parent=parent, period=latest, include_drafts=read_include_drafts(request.GET)
        )
        row = next((r for r in matrix.rows if r.unit.pk == unit.pk), None)
        for cell in row.cells if row else []:
            cell.published = published.get((latest.pk, cell.indicator.code))
        reconciliation = selectors.period_reconciliation(period=latest, units=[unit])
        context.update(
            {
                "reconciliation_note": reconciliation.get(unit.pk, ""),
                "latest": latest,
                "row": row,
                "siblings": len(matrix.rows) - 1,
            }
        )
    return render(request, "indicators/unit_page.html", context)


@login_required
def reminders_csv(request: AuthenticatedRequest) -> HttpResponse:
    """Units that have not had their figures approved for the period, to chase up."""
    user = request.user
    choice = scope_or_defaults(request.GET, user=user)
    if choice.errors or choice.period is None or choice.parent is None:
        return bad_query([choice.error or _("Không có kỳ báo cáo.")])
    parent, period = require_unit(user, choice.parent), choice.period
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"nhac-nho-{parent.code}-{period.code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV with Vietnamese letters only with a BOM
    writer = csv.writer(response)
    writer.writerow(["Mã ĐVHC", "Đơn vị", "Tình trạng", "Cập nhật lần cuối", "Người nhập"])
    for unit, figures in compliance_selectors.reminder_rows(parent=parent, period=period):
        writer.writerow(
            [
                unit.code,
                csv_text(unit.full_name),
                figures.get_status_display() if figures else "Chưa nhập",
                localtime(figures.updated_at).strftime("%d/%m/%Y %H:%M") if figures else "",
                csv_text(str(figures.entered_by or "")) if figures else "",
            ]
        )
    return response


@login_required
def unit_search(request: AuthenticatedRequest) -> JsonResponse:
    """/don-vi/tim/?q=hoai nhon&period=<code>: the units the user may pick as a page's
    parent whose code starts with, or whose name holds, the query in any accents, at most
    20 (selectors.search_parents), as JSON for static/js/unit-search.js:
    {"units": [{"code": "543", "label": "Bình Định › Thị xã Hoài Nhơn"}]}. "Cả nước"
    (VN) comes first for those who see the whole country when the query names it."""
    user = request.user
    query = request.GET.get("q", "")[:100]
    period = search_period(request.GET.get("period", ""), user=user)
    found: list[dict[str, str]] = []
    if user.sees_everything and query.strip():
        folded = search.fold(query.strip())
        if folded == COUNTRY_CODE.casefold() or search.fold(_("Cả nước")).startswith(folded):
            found.append({"code": COUNTRY_CODE, "label": _("Cả nước")})
    if period is not None:
        for unit in selectors.search_parents(user.visible_units(), period, query):
            label = f"{unit.parent.name} › {unit}" if unit.parent else str(unit)
            found.append({"code": unit.code, "label": label})
    return JsonResponse({"units": found[: selectors.SEARCH_LIMIT]})
