"""Import and export pages. Thin views: access checks at the top, work in the services
(indicators/io/services.py) and the exports (indicators/io/exports.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from indicators.access import get_import_batch_for_user, require_unit
from indicators.domain.index766 import count_label
from indicators.domain.periods import PeriodError, PeriodSpec, parse_period_code
from indicators.io import exports
from indicators.io.forms import ImportUploadForm, import_parents
from indicators.io.records import ImportRefused
from indicators.io.report import import_report_problems, import_report_rows, report_indicators
from indicators.io.services import figures_import_commit, figures_import_preview
from indicators.models import ImportBatch, Period
from indicators.scope import ScopeForm, bad_query, read_include_drafts
from indicators.selectors import periods_for_user
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit, User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {
    "appendix": "Phụ lục (mẫu chính thức)",
    "template": "Mẫu nhập của cổng",
    "csv": "CSV",
}


def _picked(code: str) -> PeriodSpec | None:
    """The period the picker (or a link) put in ?period=, when it can be read."""
    try:
        return parse_period_code(code) if code else None
    except PeriodError:
        return None


def _upload_context(
    user: User, form: ImportUploadForm, picked: PeriodSpec | None = None
) -> dict[str, object]:
    return {
        "form": form,
        "picked": picked,
        "periods": periods_for_user(user),
        "download_parents": import_parents(user),
        "max_bytes": settings.IMPORT_MAX_BYTES,
    }


@login_required
def import_upload(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    status = 200
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, user=user)
        status = 400
        if form.is_valid():
            parent = require_unit(user, form.cleaned_data["parent"])
            upload = form.cleaned_data["file"]
            try:
                preview = figures_import_preview(
                    data=upload.read(),
                    filename=upload.name,
                    parent=parent,
                    period=form.cleaned_data["period"],
                    user=user,
                )
            except ImportRefused as error:
                form.add_error("file", str(error))
            else:
                return redirect("indicators:import_preview", batch_id=preview.batch.pk)
    else:
        form = ImportUploadForm(user=user, initial={"period": request.GET.get("period", "")})
    picked = _picked(request.GET.get("period", ""))
    context = _upload_context(user, form, picked)
    return render(request, "indicators/import_upload.html", context, status=status)


PREVIEW_ROWS_PER_PAGE = 200


@login_required
@require_GET
def import_preview(request: AuthenticatedRequest, batch_id: int) -> HttpResponse:
    user = request.user
    batch = get_import_batch_for_user(user, batch_id)
    report = batch.report or {}
    # A page of rows at a time: a national file has ~10.800 of them.
    page = Paginator(report.get("rows", []), PREVIEW_ROWS_PER_PAGE).get_page(
        request.GET.get("trang")
    )
    rows, totals = import_report_rows(report, items=list(page.object_list))
    fields = report.get("fields", [])
    context = {
        "batch": batch,
        "report": report,
        "kind_label": KIND_LABELS.get(report.get("kind", ""), ""),
        "rows": rows,
        "page": page,
        "row_count": page.paginator.count,
        "totals": totals,
        "skipped": report.get("skipped", []),
        "problems": import_report_problems(report),
        "problems_left_out": report.get("problems_left_out", 0),
        "field_labels": [count_label(name) for name in fields],
        "indicators": report_indicators(fields),
        "error_count": report.get("error_count", 0),
        "warning_count": report.get("warning_count", 0),
        "can_commit": batch.status == ImportBatch.Status.PREVIEW
        and report.get("error_count", 0) == 0,
        "to_write": sum(
            1 for r in report.get("rows", []) if r.get("action") in ("create", "replace")
        ),
    }
    return render(request, "indicators/import_preview.html", context)


@login_required
@require_POST
def import_commit(request: AuthenticatedRequest, batch_id: int) -> HttpResponse:
    user = request.user
    batch = get_import_batch_for_user(user, batch_id)
    try:
        result = figures_import_commit(batch=batch, user=user)
    except ImportRefused as error:
        messages.error(request, str(error))
        return redirect("indicators:import_preview", batch_id=batch.pk)
    messages.success(
        request,
        _(
            "Đã nhập tệp %(file)s cho %(parent)s, %(period)s: %(created)d đơn vị tạo mới, "
            "%(replaced)d đơn vị thay thế, %(unchanged)d đơn vị không đổi."
        )
        % {
            "file": batch.filename,
            "parent": batch.parent.full_name,
            "period": result.period.label_vi,
            "created": result.created,
            "replaced": result.replaced,
            "unchanged": result.unchanged,
        },
    )
    query = urlencode(
        {"parent": batch.parent.code, "period": result.period.code, "indicator": "online"}
    )
    return redirect(f"{reverse('indicators:ranking')}?{query}")


@dataclass(frozen=True)
class _Download:
    parent: AdministrativeUnit
    spec: PeriodSpec
    period: Period | None  # None only for the template of a period without figures


def _download_scope(
    request: AuthenticatedRequest, *, require_period: bool
) -> _Download | HttpResponse:
    """?parent=&period= of a download, checked; a plain-text 400 when unreadable."""
    form = ScopeForm(
        request.GET, require_stored_period=require_period, require_figures=require_period
    )
    if not form.is_valid():
        return bad_query(form.error_texts())
    parent = require_unit(request.user, form.parent_unit)
    return _Download(
        parent=parent, spec=form.cleaned_data["spec"], period=form.cleaned_data["period"]
    )


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def import_template(request: AuthenticatedRequest) -> HttpResponse:
    scope = _download_scope(request, require_period=False)
    if isinstance(scope, HttpResponse):
        return scope
    parent, spec = scope.parent, scope.spec
    content = exports.figures_template_xlsx(parent=parent, spec=spec, period=scope.period)
    return _attachment(content, f"mau-nhap-{parent.code}-{spec.code}.xlsx", XLSX)


def _export(
    request: AuthenticatedRequest,
    export: Callable[..., bytes],
    name: str,
    content_type: str,
) -> HttpResponse:
    """A stored period's figures under the parent, as `export` writes them."""
    scope = _download_scope(request, require_period=True)
    if isinstance(scope, HttpResponse):
        return scope
    parent, period = scope.parent, scope.period
    assert period is not None
    content = export(parent=parent, period=period, include_drafts=read_include_drafts(request.GET))
    return _attachment(content, name.format(parent=parent.code, period=period.code), content_type)


@login_required
@require_GET
def export_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    return _export(request, exports.figures_export_xlsx, "phu-luc-{parent}-{period}.xlsx", XLSX)


@login_required
@require_GET
def export_csv(request: AuthenticatedRequest) -> HttpResponse:
    csv_type = "text/csv; charset=utf-8"
    return _export(request, exports.figures_export_csv, "so-lieu-{parent}-{period}.csv", csv_type)
