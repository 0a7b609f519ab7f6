"""Figures entry, the draft → submitted → approved workflow and the history page."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from indicators.access import (
    can_edit_figures,
    get_unit_for_user,
    require_can_edit_figures,
    require_can_take_step,
    require_unit,
)
from indicators.domain import checks, formulas, periods
from indicators.figures import services
from indicators.figures.bulk import bulk_context
from indicators.figures.forms import FiguresForm, ReviewForm
from indicators.figures.selectors import (
    figures_changes,
    figures_for,
    figures_history_counts,
    figures_previous,
    figures_queryset,
    figures_status_rows,
)
from indicators.models import FiguresChange, Period, UnitFigures
from indicators.scope import scope_or_defaults
from indicators.selectors import parents_for_ranking, periods_for_user
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit

DONE_MESSAGES = {
    FiguresChange.Action.SUBMIT: gettext_lazy("Đã nộp số liệu."),
    FiguresChange.Action.APPROVE: gettext_lazy("Đã duyệt số liệu."),
    FiguresChange.Action.RETURN: gettext_lazy("Đã trả lại số liệu."),
    FiguresChange.Action.UNLOCK: gettext_lazy("Đã mở khóa số liệu."),
}

ACTIONS = {
    "nop": FiguresChange.Action.SUBMIT,
    "duyet": FiguresChange.Action.APPROVE,
    "tra-lai": FiguresChange.Action.RETURN,
    "mo-khoa": FiguresChange.Action.UNLOCK,
}


def _get_period_spec(period_code: str, unit: AdministrativeUnit) -> periods.PeriodSpec:
    try:
        spec = periods.parse_period_code(period_code)
    except periods.PeriodError as error:
        raise Http404(str(error)) from error
    if not (unit.is_valid_on(spec.start) or unit.is_valid_on(spec.end)):
        raise Http404(_("Đơn vị không tồn tại trong kỳ này."))
    return spec


@login_required
def figures_list(request: AuthenticatedRequest) -> HttpResponse:
    """Who has reported for a period: the parent's desk and its children, with status. A
    period or parent that cannot be read is said, and the default shown instead."""
    user = request.user
    choice = scope_or_defaults(request.GET, user=user, count=True)
    for error in choice.errors.values():
        messages.error(request, error)
    if choice.period is None or choice.parent is None:
        return render(request, "indicators/no_data.html")
    parent, period = require_unit(user, choice.parent), choice.period
    visible = user.visible_units()
    rows = figures_status_rows(parent=parent, period=period)
    context = {
        "choice": choice,
        "not_reported": sum(1 for _unit, figures in rows if figures is None),
        "period": period,
        "parent": parent,
        "periods": periods_for_user(user),
        "parents": parents_for_ranking(visible, period),
        "rows": rows,
        **bulk_context(user, rows),
    }
    return render(request, "indicators/figures_list.html", context)


@login_required
def figures_edit(request: AuthenticatedRequest, unit_id: int, period_code: str) -> HttpResponse:
    user = request.user
    unit = get_unit_for_user(user, unit_id)
    spec = _get_period_spec(period_code, unit)
    period = Period.objects.filter(code=spec.code).first()
    figures = figures_for(unit, period) if period else None
    previous = figures_previous(unit, period or Period(**_spec_fields(spec)))
    can_edit = can_edit_figures(user, unit, figures)
    context: dict[str, object] = {
        "unit": unit,
        "spec": spec,
        "period": period,
        "figures": figures,
        "previous": previous,
        "can_edit": can_edit,
        "can_review": user.can_review_figures(unit),
        "indicators": _indicator_definitions(),
    }
    status = 200
    if request.method == "POST":
        require_can_edit_figures(user, unit, figures)
        form = FiguresForm(request.POST)
        status = 400
        if form.is_valid():
            warnings = _warnings(unit, period, spec, form.counts, previous)
            context["warnings"] = warnings
            if warnings and not form.cleaned_data["confirm_warnings"]:
                status = 200  # nothing wrong yet: the user must look and confirm
            else:
                saved = _save(request, form, unit, spec, warnings, context)
                if saved:
                    messages.success(request, _("Đã lưu số liệu."))
                    return redirect(request.path)
                status = 409 if context.get("conflict") else 400
    else:
        initial = (
            {**figures.counts(), **figures.extra_counts(), "version": figures.version}
            if figures
            else {}
        )
        form = FiguresForm(initial=initial)
    context["form"] = form
    context["previous_counts"] = previous.counts() if previous else {}
    return render(request, "indicators/figures_edit.html", context, status=status)


def _spec_fields(spec: periods.PeriodSpec) -> dict[str, object]:
    return {
        "code": spec.code,
        "kind": spec.kind.value,
        "convention": spec.convention.value,
        "year": spec.year,
        "number": spec.number,
        "start": spec.start,
        "end": spec.end,
    }


def _indicator_definitions() -> list[dict[str, object]]:
    """What static/js/figures.js needs to show each rate live as the numbers are typed."""
    return [
        {
            "code": d.code,
            "name": d.name_vi,
            "numerator": list(d.numerator),
            "denominator": d.denominator,
        }
        for d in formulas.INDICATORS
    ]


def _warnings(
    unit: AdministrativeUnit,
    period: Period | None,
    spec: periods.PeriodSpec,
    counts: dict[str, int | None],
    previous: UnitFigures | None,
) -> list[checks.FigureWarning]:
    history = figures_history_counts(unit, period or Period(**_spec_fields(spec)))
    previous_counts = previous.counts() if previous is not None else None
    return checks.rate_jump_warnings(
        counts, previous_counts, max_points=Decimal(settings.FIGURES_MAX_RATE_JUMP)
    ) + checks.outlier_warnings(counts, history)


def _save(
    request: AuthenticatedRequest,
    form: FiguresForm,
    unit: AdministrativeUnit,
    spec: periods.PeriodSpec,
    warnings: list[checks.FigureWarning],
    context: dict[str, object],
) -> bool:
    try:
        services.figures_save(
            unit=unit,
            period=Period.objects.for_spec(spec),
            values=form.counts,
            user=request.user,
            expected_version=form.cleaned_data["version"] or None,
            confirmed_warnings=[w.message_vi for w in warnings],
        )
    except services.FiguresConflict as conflict:
        context["conflict"] = conflict
        return False
    except services.FiguresError as error:
        form.add_error(None, str(error))
        return False
    return True


@login_required
@require_POST
def figures_action(
    request: AuthenticatedRequest, unit_id: int, period_code: str, action: str
) -> HttpResponse:
    user = request.user
    unit = get_unit_for_user(user, unit_id)
    spec = _get_period_spec(period_code, unit)
    if action not in ACTIONS:
        raise Http404
    step = ACTIONS[action]
    require_can_take_step(user, unit, step)
    figures = get_object_or_404(figures_queryset(), unit=unit, period__code=spec.code)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Yêu cầu không hợp lệ, hãy tải lại trang."))
    else:
        try:
            services.figures_transition(
                figures=figures,
                action=step,
                user=user,
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
        except services.FiguresError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, DONE_MESSAGES[step])
    return redirect(reverse("indicators:figures_edit", args=[unit.pk, spec.code]))


@login_required
def figures_history(request: AuthenticatedRequest, unit_id: int, period_code: str) -> HttpResponse:
    user = request.user
    unit = get_unit_for_user(user, unit_id)
    spec = _get_period_spec(period_code, unit)
    figures = get_object_or_404(figures_queryset(), unit=unit, period__code=spec.code)
    context = {
        "unit": unit,
        "spec": spec,
        "figures": figures,
        "changes": figures_changes(figures),
    }
    return render(request, "indicators/figures_history.html", context)
