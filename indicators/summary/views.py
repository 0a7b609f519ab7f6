"""The chairman's red/green summary, a unit's own page and the reminder list."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.timezone import localdate, localtime
from django.utils.translation import gettext as _

from indicators import selectors
from indicators.access import get_unit_for_user, home_page, require_unit
from indicators.figures.selectors import published_rates, published_rates_of_unit
from indicators.models import PublishedResult
from indicators.scope import bad_query, scope_or_defaults
from indicators.summary import charts as compliance_charts
from indicators.summary import selectors as compliance_selectors
from kpi_portal.spreadsheets.text import csv_text
from units.http import AuthenticatedRequest


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Each role lands where its work is (access.home_page)."""
    return redirect(home_page(request.user))


@login_required
def summary(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    choice = scope_or_defaults(request.GET, user=user)
    if "period" in choice.errors:
        return _bad_filter(request, choice.errors["period"])
    if choice.period is None or choice.parent is None:
        return render(request, "indicators/no_data.html")
    parent, period = require_unit(user, choice.parent), choice.period
    matrix = compliance_selectors.compliance_matrix(parent=parent, period=period)
    coverage = selectors.period_coverage(period=period, units=[row.unit for row in matrix.rows])
    _mark_published(
        [cell for row in matrix.rows for cell in row.cells],
        published_rates(unit_ids=[row.unit.pk for row in matrix.rows], period=period),
    )
    visible = user.visible_units()
    context = {
        "matrix": matrix,
        "coverage_notes": coverage.notes,
        "coverage_refused": coverage.refused.items(),
        "period": period,
        "parent": parent,
        "error": choice.error,
        "periods": selectors.periods_with_figures(visible),
        "parents": selectors.parents_for_ranking(visible, period),
        "worst": matrix.worst_gaps()[:15],
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
    chosen = [i for i in indicators if i.code in codes] or indicators[:1]
    trend = compliance_selectors.unit_monthly_trend(unit=unit, indicators=chosen, today=localdate())
    context: dict[str, object] = {
        "unit": unit,
        "indicators": indicators,
        "indicator": chosen[0],
        "chosen": chosen,
        "history": history,
        "trend": trend,
        "chart": compliance_charts.unit_trend(trend, chosen),
        "can_edit": user.can_edit_figures(unit),
    }
    published = published_rates_of_unit(unit)
    for h in history:
        for cell in h.cells:
            cell.published = published.get((h.period.pk, cell.indicator.code))
    if history:
        latest = history[0].period
        # Rank and gaps among siblings; only this unit's own row is shown.
        parent = unit.parent or unit
        matrix = compliance_selectors.compliance_matrix(parent=parent, period=latest)
        row = next((r for r in matrix.rows if r.unit.pk == unit.pk), None)
        for cell in row.cells if row else []:
            cell.published = published.get((latest.pk, cell.indicator.code))
        context.update(
            {
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
