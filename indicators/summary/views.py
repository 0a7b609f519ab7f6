"""The chairman's red/green summary, a unit's own page and the reminder list."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from indicators import selectors
from indicators.access import check_unit_for_user, get_unit_for_user
from indicators.models import Period
from indicators.summary import charts as compliance_charts
from indicators.summary import selectors as compliance_selectors
from kpi_portal.spreadsheets.text import csv_text
from units.models import AdministrativeUnit, Role, User
from units.selectors import unit_by_code_during


def _period_and_parent(
    request: HttpRequest, user: User
) -> tuple[Period | None, AdministrativeUnit | None, str]:
    """?period=&parent= from the URL, defaulting to the latest period and the user's unit."""
    visible = user.visible_units()
    code = request.GET.get("period", "")
    period = Period.objects.filter(code=code).first() if code else None
    period = period or selectors.periods_with_figures(visible).first()
    if period is None:
        return None, None, ""
    parent = user.unit
    error = ""
    if request.GET.get("parent"):
        try:
            parent = unit_by_code_during(request.GET["parent"], start=period.start, end=period.end)
        except LookupError as lookup_error:
            error = str(lookup_error)
    parent = parent or selectors.parents_for_ranking(visible, period).first()
    if parent is not None:
        check_unit_for_user(user, parent)
    return period, parent, error


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands where its work is: the commune on its own page, the chairman on the
    summary, office staff on the ranking."""
    user: User = request.user  # type: ignore[assignment]
    if user.role == Role.COMMUNE_OFFICIAL and user.unit is not None:
        return redirect("indicators:unit_page", unit_id=user.unit_id)
    if user.role == Role.CHAIRMAN:
        return redirect("indicators:summary")
    return redirect("indicators:ranking")


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    period, parent, error = _period_and_parent(request, user)
    if period is None or parent is None:
        return render(request, "indicators/no_data.html")
    matrix = compliance_selectors.compliance_matrix(parent=parent, period=period)
    visible = user.visible_units()
    context = {
        "matrix": matrix,
        "period": period,
        "parent": parent,
        "error": error,
        "periods": selectors.periods_with_figures(visible),
        "parents": selectors.parents_for_ranking(visible, period),
        "worst": matrix.worst_gaps()[:15],
    }
    return render(request, "indicators/summary.html", context, status=400 if error else 200)


@login_required
def unit_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    unit = get_unit_for_user(user, unit_id)
    indicators, history = compliance_selectors.unit_history(unit=unit)
    code = request.GET.get("indicator", "online")
    indicator = next((i for i in indicators if i.code == code), indicators[0])
    context: dict[str, object] = {
        "unit": unit,
        "indicators": indicators,
        "indicator": indicator,
        "history": history,
        "can_edit": user.can_edit_figures(unit),
    }
    if history:
        latest = history[0].period
        # Rank and gaps among siblings; only this unit's own row is shown.
        parent = unit.parent if unit.parent_id else unit
        matrix = compliance_selectors.compliance_matrix(parent=parent, period=latest)
        row = next((r for r in matrix.rows if r.unit.pk == unit.pk), None)
        context.update(
            {
                "latest": latest,
                "row": row,
                "siblings": len(matrix.rows) - 1,
                "chart": compliance_charts.unit_trend(history, indicator),
            }
        )
    return render(request, "indicators/unit_page.html", context)


@login_required
def reminders_csv(request: HttpRequest) -> HttpResponse:
    """Units that have not had their figures approved for the period, to chase up."""
    user: User = request.user  # type: ignore[assignment]
    period, parent, error = _period_and_parent(request, user)
    if period is None or parent is None or error:
        return HttpResponse(error or _("Không có kỳ báo cáo."), status=400)
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
