"""The drafted dispatch: the page with the generated text, and its .docx and .xlsx
downloads. Filters live in the URL (?parent=543&period=2023-H1-CAL), as on the ranking
page, so a draft can be bookmarked and shared.

Access: login required; the parent must lie in the user's subtree (403 otherwise). A
dispatch is a district (or province) office document about the units it oversees, so
commune officials get 403 even for their own unit: a commune has no units to praise or
criticise, and its own standing is on the ranking and unit pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from indicators import selectors
from indicators.access import check_unit_for_user
from indicators.dispatch import renderers
from indicators.dispatch import selectors as dispatch_selectors
from indicators.dispatch.drafting import dispatch_build
from indicators.models import Period
from indicators.scope import RankingFilterForm
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit, Role, UnitLevel, User

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DispatchFilterForm(RankingFilterForm):
    """?parent=<GSO code>&period=<period code>; the dispatch covers every indicator."""

    indicator = None  # type: ignore[assignment]


def _check_role(user: User) -> None:
    if user.role == Role.COMMUNE_OFFICIAL and not user.sees_everything:
        raise PermissionDenied(
            _("Công văn do Văn phòng cấp huyện, cấp tỉnh soạn; cấp xã không dùng chức năng này.")
        )


def _parents(user: User, period: Period):  # type: ignore[no-untyped-def]
    """Units the user may draft a dispatch for: visible units that had children then."""
    return selectors.parents_for_ranking(user.visible_units(), period).exclude(
        level=UnitLevel.COMMUNE
    )


def _resolve(request: AuthenticatedRequest) -> tuple[AdministrativeUnit, Period] | HttpResponse:
    """The checked parent and period, or the response to send instead (redirect to the
    defaults, or the page with the form's errors)."""
    user = request.user
    _check_role(user)
    visible = user.visible_units()
    periods = selectors.periods_with_figures(visible)
    if not {"parent", "period"} <= set(request.GET):
        period = periods.first()
        if period is None:
            return render(request, "indicators/no_data.html")
        parent = user.unit or _parents(user, period).first()
        if parent is None:
            return render(request, "indicators/no_data.html")
        query = request.GET.copy()
        query.setdefault("parent", parent.code)
        query.setdefault("period", period.code)
        return redirect(f"{request.path}?{query.urlencode()}")

    form = DispatchFilterForm(request.GET)
    context: dict[str, object] = {"form": form, "periods": periods}
    if not form.is_valid():
        return render(request, "indicators/dispatch.html", context, status=400)
    parent = check_unit_for_user(user, form.parent_unit)
    period: Period = form.cleaned_data["period"]
    if not selectors.children_for_ranking(parent, period).exists():
        context.update(
            {
                "parent": parent,
                "period": period,
                "parents": _parents(user, period),
                "no_children": True,
            }
        )
        return render(request, "indicators/dispatch.html", context, status=400)
    return parent, period


@login_required
def dispatch_page(request: AuthenticatedRequest) -> HttpResponse:
    resolved = _resolve(request)
    if isinstance(resolved, HttpResponse):
        return resolved
    parent, period = resolved
    user = request.user
    data = dispatch_selectors.dispatch_data(parent=parent, period=period)
    context = {
        "form": DispatchFilterForm(request.GET),
        "periods": selectors.periods_with_figures(user.visible_units()),
        "parents": _parents(user, period),
        "parent": parent,
        "period": period,
        "draft": dispatch_build(data),
        "query": request.GET.urlencode(),
    }
    return render(request, "indicators/dispatch.html", context)


def _filename(parent: AdministrativeUnit, period: Period, extension: str) -> str:
    return f"cong-van-{parent.code or parent.pk}-{period.code}.{extension}"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def dispatch_docx(request: AuthenticatedRequest) -> HttpResponse:
    resolved = _resolve(request)
    if isinstance(resolved, HttpResponse):
        return resolved
    parent, period = resolved
    data = dispatch_selectors.dispatch_data(parent=parent, period=period)
    content = renderers.dispatch_docx(dispatch_build(data))
    return _attachment(content, DOCX_TYPE, _filename(parent, period, "docx"))


@login_required
def dispatch_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    resolved = _resolve(request)
    if isinstance(resolved, HttpResponse):
        return resolved
    parent, period = resolved
    data = dispatch_selectors.dispatch_data(parent=parent, period=period)
    content = renderers.dispatch_appendix_xlsx(data)
    return _attachment(content, XLSX_TYPE, _filename(parent, period, "xlsx"))
