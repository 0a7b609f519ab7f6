"""The drafted dispatch: the page with the generated text, and its .docx and .xlsx
downloads. Filters live in the URL (?parent=543&period=2023-H1-CAL), as on the ranking
page, so a draft can be bookmarked and shared.

Access: who may draft is `access.can_draft_dispatch` (not commune officials: 403 even for
their own unit); the parent must lie in the user's subtree (403 otherwise)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from indicators import selectors
from indicators.access import require_can_draft_dispatch, require_unit
from indicators.dispatch import renderers
from indicators.dispatch import selectors as dispatch_selectors
from indicators.dispatch.drafting import dispatch_build
from indicators.models import Period
from indicators.scope import ScopeForm, read_include_drafts, redirect_to_defaults
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit, UnitQuerySet

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _first_parent(visible: UnitQuerySet, period: Period) -> AdministrativeUnit | None:
    return dispatch_selectors.dispatch_parents(visible, period).first()


@dataclass(frozen=True)
class _Resolved:
    form: ScopeForm
    parent: AdministrativeUnit
    period: Period
    include_drafts: bool


def _resolve(request: AuthenticatedRequest) -> _Resolved | HttpResponse:
    """The checked parent and period, or the response to send instead (redirect to the
    defaults, or the page with the form's errors)."""
    user = request.user
    require_can_draft_dispatch(user)
    response = redirect_to_defaults(request, fallback=_first_parent)
    if response is not None:
        return response
    visible = user.visible_units()
    form = ScopeForm(request.GET)
    include_drafts = read_include_drafts(request.GET)
    context: dict[str, object] = {
        "form": form,
        "periods": selectors.periods_for_user(user),
        "include_drafts": include_drafts,
    }
    if not form.is_valid():
        return render(request, "indicators/dispatch.html", context, status=400)
    parent = require_unit(user, form.parent_unit)
    period: Period = form.cleaned_data["period"]
    if not selectors.children_for_ranking(parent, period).exists():
        context.update(
            {
                "parent": parent,
                "period": period,
                "parents": dispatch_selectors.dispatch_parents(visible, period),
                "no_children": True,
            }
        )
        return render(request, "indicators/dispatch.html", context, status=400)
    return _Resolved(form=form, parent=parent, period=period, include_drafts=include_drafts)


@login_required
def dispatch_page(request: AuthenticatedRequest) -> HttpResponse:
    resolved = _resolve(request)
    if isinstance(resolved, HttpResponse):
        return resolved
    parent, period = resolved.parent, resolved.period
    visible = request.user.visible_units()
    data = _data(resolved)
    coverage = selectors.period_coverage(
        period=period,
        units=[row.unit for row in data.sections[0].ranking.rows] if data.sections else [],
        include_drafts=resolved.include_drafts,
    )
    context = {
        "include_drafts": resolved.include_drafts,
        "coverage_notes": coverage.notes,
        "coverage_refused": coverage.refused.items(),
        "coverage_behind": coverage.behind_vi,
        "coverage_drafts": coverage.drafts,
        "form": resolved.form,
        "periods": selectors.periods_for_user(request.user),
        "parents": dispatch_selectors.dispatch_parents(visible, period),
        "parent": parent,
        "period": period,
        "draft": dispatch_build(data),
        "query": request.GET.urlencode(),
    }
    return render(request, "indicators/dispatch.html", context)


def _data(resolved: _Resolved) -> dispatch_selectors.DispatchData:
    return dispatch_selectors.dispatch_data(
        parent=resolved.parent, period=resolved.period, include_drafts=resolved.include_drafts
    )


def _attachment(
    content: bytes, content_type: str, resolved: _Resolved, extension: str
) -> HttpResponse:
    parent, period = resolved.parent, resolved.period
    filename = f"cong-van-{parent.code or parent.pk}-{period.code}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def dispatch_docx(request: AuthenticatedRequest) -> HttpResponse:
    resolved = _resolve(request)
    if isinstance(resolved, HttpResponse):
        return resolved
    data = _data(resolved)
    return _attachment(renderers.dispatch_docx(dispatch_build(data)), DOCX_TYPE, resolved, "docx")


@login_required
def dispatch_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    resolved = _resolve(request)
    if isinstance(resolved, HttpResponse):
        return resolved
    data = _data(resolved)
    return _attachment(renderers.dispatch_appendix_xlsx(data), XLSX_TYPE, resolved, "xlsx")
