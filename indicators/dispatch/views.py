"""The drafted dispatch: the page with the generated text, and its .docx and .xlsx
downloads. Filters live in the URL (?parent=543&period=2023-H1-CAL), as on the ranking
page, so a draft can be bookmarked and shared.

Access: who may draft is `access.can_draft_dispatch` (not commune officials: 403 even for
their own unit); the parent must lie in the user's subtree (403 otherwise)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import selectors
from indicators.access import (
    can_keep_dispatch,
    get_dispatch_draft_for_user,
    require_can_draft_dispatch,
    require_can_keep_dispatch,
    require_unit,
)
from indicators.dispatch import renderers, services, templating
from indicators.dispatch import selectors as dispatch_selectors
from indicators.dispatch.drafting import (
    Dispatch,
    dispatch_build,
    dispatch_from_dict,
    dispatch_parts,
)
from indicators.dispatch.forms import DraftForm, IssueForm, TemplateUploadForm
from indicators.domain import periods
from indicators.models import DispatchDraft, DispatchTemplate, Period
from indicators.scope import ScopeForm, read_include_drafts, redirect_to_defaults
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit, UnitQuerySet, User

logger = logging.getLogger(__name__)

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
        "can_keep": can_keep_dispatch(request.user),
        "year_to_date": periods.year_to_date(period.spec),
        "saved_drafts": DispatchDraft.objects.filter(parent=parent, period=period).select_related(
            "updated_by"
        )[:10],
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
    content = _docx_or_default(dispatch_build(data), resolved.parent)
    return _attachment(content, DOCX_TYPE, resolved, "docx")


@login_required
def dispatch_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    resolved = _resolve(request)
    if isinstance(resolved, HttpResponse):
        return resolved
    data = _data(resolved)
    return _attachment(renderers.dispatch_appendix_xlsx(data), XLSX_TYPE, resolved, "xlsx")


# --------------------------------------------------------------------------- saved drafts


@login_required
@require_POST
def draft_create(request: AuthenticatedRequest) -> HttpResponse:
    """Keeps the generated text as a draft the office edits part by part."""
    form = ScopeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Không lưu được: đơn vị hoặc kỳ không hợp lệ."))
        return redirect("indicators:dispatch")
    user = request.user
    require_can_draft_dispatch(user)
    parent = require_can_keep_dispatch(user, form.parent_unit)
    period: Period = form.cleaned_data["period"]
    include_drafts = read_include_drafts(request.POST)
    resolved = _Resolved(form=form, parent=parent, period=period, include_drafts=include_drafts)
    draft = services.draft_create(
        user=user,
        parent=parent,
        period=period,
        include_drafts=include_drafts,
        dispatch=dispatch_build(_data(resolved)),
    )
    messages.success(request, _("Đã lưu bản dự thảo; sửa từng mục rồi bấm “Lưu”."))
    return redirect("indicators:dispatch_draft", draft_id=draft.pk)


def _draft_page(
    request: AuthenticatedRequest,
    draft: DispatchDraft,
    form: DraftForm,
    *,
    issue_form: IssueForm | None = None,
    conflict: services.DraftConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    dispatch = dispatch_from_dict(draft.content)
    theirs: list[tuple[str, str]] = []
    if conflict is not None:
        # The other person's text of each part they changed, beside the user's own.
        for label, value in dispatch_parts(dispatch_from_dict(conflict.current.content)).values():
            if label in conflict.changed:
                text = " · ".join(value) if isinstance(value, list) else str(value)
                theirs.append((label, text))
    context = {
        "draft": draft,
        "dispatch": dispatch,
        "form": form,
        "issue_form": issue_form
        or IssueForm(initial={"version": draft.version, "issued_on": None}),
        "conflict": conflict,
        "theirs": theirs,
        "revisions": draft.revisions.select_related("saved_by")[:20],
        "query": _draft_query(draft),
    }
    return render(request, "indicators/dispatch_draft.html", context, status=status)


def _draft_query(draft: DispatchDraft) -> str:
    query = f"parent={draft.parent.code or draft.parent.pk}&period={draft.period.code}"
    return query + ("&include_drafts=1" if draft.include_drafts else "")


@login_required
def draft_edit(request: AuthenticatedRequest, draft_id: int) -> HttpResponse:
    draft = get_dispatch_draft_for_user(request.user, draft_id)
    dispatch = dispatch_from_dict(draft.content)
    if request.method != "POST":
        initial = DraftForm.initial_for(dispatch, version=draft.version)
        return _draft_page(request, draft, DraftForm(initial=initial, dispatch=dispatch))
    form = DraftForm(request.POST, dispatch=dispatch)
    if not form.is_valid():
        return _draft_page(request, draft, form, status=400)
    try:
        saved = services.draft_save(
            draft=draft,
            user=request.user,
            dispatch=form.edited(),
            started_from=form.cleaned_data["version"],
        )
    except services.DraftIssued:
        messages.error(request, ISSUED_MESSAGE % {"number": draft.number})
        return redirect("indicators:dispatch_draft", draft_id=draft.pk)
    except services.DraftConflict as conflict:
        # The user's text stays in the form; the version moves on so that saving again
        # deliberately replaces the other person's text.
        data = request.POST.copy()
        data["version"] = str(conflict.current.version)
        current = conflict.current
        form = DraftForm(data, dispatch=dispatch_from_dict(current.content))
        form.is_valid()
        return _draft_page(request, current, form, conflict=conflict, status=409)
    if saved.version == draft.version:
        messages.info(request, _("Không có gì thay đổi."))
    else:
        messages.success(request, _("Đã lưu phiên bản %(version)s.") % {"version": saved.version})
    return redirect("indicators:dispatch_draft", draft_id=draft.pk)


ISSUED_MESSAGE = _(
    "Công văn đã ban hành (số %(number)s) nên không sửa được nữa; muốn soạn lại, hãy lưu một "
    "bản dự thảo mới từ trang công văn."
)


@login_required
@require_POST
def draft_issue(request: AuthenticatedRequest, draft_id: int) -> HttpResponse:
    draft = get_dispatch_draft_for_user(request.user, draft_id)
    dispatch = dispatch_from_dict(draft.content)
    initial = DraftForm.initial_for(dispatch, version=draft.version)
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _draft_page(
            request,
            draft,
            DraftForm(initial=initial, dispatch=dispatch),
            issue_form=form,
            status=400,
        )
    try:
        services.draft_issue(
            draft=draft,
            user=request.user,
            number=form.cleaned_data["number"],
            issued_on=form.cleaned_data["issued_on"],
            started_from=form.cleaned_data["version"],
            today=timezone.localdate(),
        )
    except services.IssueProblem as problem:
        form.add_error(problem.field, str(problem))
        return _draft_page(
            request,
            draft,
            DraftForm(initial=initial, dispatch=dispatch),
            issue_form=form,
            status=400,
        )
    except services.DraftIssued:
        messages.error(request, ISSUED_MESSAGE % {"number": draft.number})
        return redirect("indicators:dispatch_draft", draft_id=draft.pk)
    except services.DraftConflict as conflict:
        who = conflict.by.get_full_name() or conflict.by.username if conflict.by else "?"
        messages.error(
            request,
            _(
                "%(who)s vừa lưu bản dự thảo (phiên bản %(version)s) sau khi bạn mở; xem lại "
                "nội dung rồi ban hành lại."
            )
            % {"who": who, "version": conflict.current.version},
        )
        return redirect("indicators:dispatch_draft", draft_id=draft.pk)
    messages.success(request, _("Đã ghi số và ngày ban hành; văn bản không sửa được nữa."))
    return redirect("indicators:dispatch_draft", draft_id=draft.pk)


def _office_template(unit: AdministrativeUnit) -> bytes | None:
    stored = DispatchTemplate.objects.filter(unit=unit).values_list("content", flat=True).first()
    return bytes(stored) if stored is not None else None


def _docx_or_default(dispatch: Dispatch, unit: AdministrativeUnit) -> bytes:
    """Rendered from the office's template; should that fail after it passed its check
    (a newer portal, an odd file), from the default one, so the download never breaks."""
    template = _office_template(unit)
    if template is not None:
        try:
            return renderers.dispatch_docx(dispatch, template=template)
        except Exception:
            logger.warning("dispatch template of unit %s failed; default used", unit.pk)
    return renderers.dispatch_docx(dispatch)


def _draft_attachment(
    draft: DispatchDraft, content: bytes, content_type: str, stem: str, extension: str
) -> HttpResponse:
    """cong-van-125-UBND-VP-2023-H1-CAL.docx once issued, cong-van-du-thao-7-….docx before."""
    name = draft.number.replace("/", "-") if draft.number else f"du-thao-{draft.pk}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{stem}-{name}-{draft.period.code}.{extension}"'
    )
    return response


@login_required
def draft_docx(request: AuthenticatedRequest, draft_id: int) -> HttpResponse:
    draft = get_dispatch_draft_for_user(request.user, draft_id)
    content = _docx_or_default(dispatch_from_dict(draft.content), draft.parent)
    return _draft_attachment(draft, content, DOCX_TYPE, "cong-van", "docx")


@login_required
def draft_xlsx(request: AuthenticatedRequest, draft_id: int) -> HttpResponse:
    draft = get_dispatch_draft_for_user(request.user, draft_id)
    data = dispatch_selectors.dispatch_data(
        parent=draft.parent, period=draft.period, include_drafts=draft.include_drafts
    )
    content = renderers.dispatch_appendix_xlsx(data, number=draft.number, issued_on=draft.issued_on)
    return _draft_attachment(draft, content, XLSX_TYPE, "phu-luc", "xlsx")


# --------------------------------------------------------------------------- the template


@login_required
def template_page(request: AuthenticatedRequest) -> HttpResponse:
    """The office's Word template: download (its own or the default), upload a changed one,
    go back to the default."""
    user = request.user
    require_can_draft_dispatch(user)
    unit = _template_unit(user, request.GET.get("unit") or request.POST.get("unit") or "")
    if unit is None:
        return _no_template_unit(request)
    stored = DispatchTemplate.objects.filter(unit=unit).select_related("uploaded_by").first()
    form = TemplateUploadForm()
    status = 200
    if request.method == "POST":
        require_can_keep_dispatch(user, unit)
        if request.POST.get("reset"):
            services.template_reset(unit=unit)
            messages.success(request, _("Đã trở về mẫu mặc định của cổng."))
            return redirect(f"{reverse('indicators:dispatch_template')}?unit={unit.pk}")
        form = TemplateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.template_upload(
                    user=user, unit=unit, filename=upload.name, content=upload.read()
                )
            except services.TemplateRefused as refused:
                for problem in refused.problems:
                    form.add_error("file", problem)
                status = 400
            else:
                messages.success(request, _("Đã nhận mẫu công văn của đơn vị."))
                return redirect(f"{reverse('indicators:dispatch_template')}?unit={unit.pk}")
        else:
            status = 400
    context = {
        "unit": unit,
        "stored": stored,
        "form": form,
        "fields": templating.FIELDS.items(),
        "how_to_edit": _(
            "Sửa mẫu trong Word: tiêu đề, nơi nhận, người ký, các đoạn văn cố định. Giữ nguyên "
            "các trường trong ngoặc {{ … }} và các thẻ {%p for … %} … {%p endfor %}; trường "
            "nào không cần thì xóa."
        ),
        "can_keep": can_keep_dispatch(user),
    }
    return render(request, "indicators/dispatch_template.html", context, status=status)


def _no_template_unit(request: AuthenticatedRequest) -> HttpResponse:
    context = {"error": _("Chọn đơn vị ban hành (tham số unit) trong phạm vi của bạn.")}
    return render(request, "indicators/dispatch_template.html", context, status=400)


def _template_unit(user: User, raw_id: str) -> AdministrativeUnit | None:
    """The issuing unit the template is for (?unit=ID): the user's own by default."""
    if not raw_id:
        return user.unit
    if not raw_id.isdigit() or len(raw_id) > 12:
        return None
    unit = AdministrativeUnit.objects.filter(pk=int(raw_id)).first()
    if unit is None or not user.can_see(unit):
        return None
    return unit


@login_required
def template_download(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_can_draft_dispatch(user)
    unit = _template_unit(user, request.GET.get("unit") or "")
    if unit is None:
        return _no_template_unit(request)
    template = _office_template(unit)
    if request.GET.get("default") or template is None:
        content, name = renderers.cached_default_template(), "mau-cong-van-mac-dinh.docx"
    else:
        content, name = template, f"mau-cong-van-{unit.code or unit.pk}.docx"
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
