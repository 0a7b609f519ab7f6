"""Import and export pages. Thin views: access checks at the top, work in the services
(indicators/io/services.py) and the exports (indicators/io/exports.py)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from indicators.domain import formulas
from indicators.io import exports
from indicators.io.forms import ImportUploadForm, UnitPeriodForm, import_parents
from indicators.io.records import ImportRefused
from indicators.io.report import import_report_problems, import_report_rows, report_indicators
from indicators.io.services import figures_import_commit, figures_import_preview
from indicators.models import ImportBatch, Period
from indicators.selectors import periods_with_figures
from units.models import AdministrativeUnit, User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {
    "appendix": "Phụ lục (mẫu chính thức)",
    "template": "Mẫu nhập của cổng",
    "csv": "CSV",
}


def _check_visible(user: User, unit: AdministrativeUnit) -> AdministrativeUnit:
    if not user.can_see(unit):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi của bạn."))
    return unit


def _get_batch(user: User, batch_id: int) -> ImportBatch:
    """A batch of this user (any batch for an administrator); others' batches are 404."""
    batches = ImportBatch.objects.select_related("parent", "period", "uploaded_by")
    if not user.sees_everything:
        batches = batches.filter(uploaded_by=user)
    batch = get_object_or_404(batches, pk=batch_id)
    _check_visible(user, batch.parent)
    return batch


def _upload_context(user: User, form: ImportUploadForm) -> dict[str, object]:
    visible = user.visible_units()
    return {
        "form": form,
        "periods": periods_with_figures(visible),
        "download_parents": import_parents(user),
        "max_bytes": settings.IMPORT_MAX_BYTES,
    }


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    status = 200
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, user=user)
        status = 400
        if form.is_valid():
            parent = _check_visible(user, form.cleaned_data["parent"])
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
    return render(
        request, "indicators/import_upload.html", _upload_context(user, form), status=status
    )


@login_required
@require_GET
def import_preview(request: HttpRequest, batch_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    batch = _get_batch(user, batch_id)
    report = batch.report or {}
    rows, totals = import_report_rows(report)
    fields = report.get("fields", [])
    context = {
        "batch": batch,
        "report": report,
        "kind_label": KIND_LABELS.get(report.get("kind", ""), ""),
        "rows": rows,
        "totals": totals,
        "skipped": report.get("skipped", []),
        "problems": import_report_problems(report),
        "field_labels": [formulas.COUNT_FIELDS[name] for name in fields],
        "indicators": report_indicators(fields),
        "error_count": report.get("error_count", 0),
        "warning_count": report.get("warning_count", 0),
        "can_commit": batch.status == ImportBatch.Status.PREVIEW
        and report.get("error_count", 0) == 0,
        "to_write": sum(1 for r in rows if r.action in ("create", "replace")),
    }
    return render(request, "indicators/import_preview.html", context)


@login_required
@require_POST
def import_commit(request: HttpRequest, batch_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    batch = _get_batch(user, batch_id)
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


def _download_form(request: HttpRequest, *, require_period: bool) -> UnitPeriodForm:
    return UnitPeriodForm(request.GET, require_period=require_period)


def _bad_request(form: UnitPeriodForm) -> HttpResponse:
    text = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = _download_form(request, require_period=False)
    if not form.is_valid():
        return _bad_request(form)
    parent = _check_visible(user, form.cleaned_data["parent"])
    spec = form.cleaned_data["period"]
    stored: Period | None = form.cleaned_data["stored_period"]
    content = exports.figures_template_xlsx(parent=parent, spec=spec, period=stored)
    return _attachment(content, f"mau-nhap-{parent.code}-{spec.code}.xlsx", XLSX)


def _export(
    request: HttpRequest, make: Callable[..., bytes], name: str, content_type: str
) -> HttpResponse:
    """A file of the stored figures of the parent's units for a period (the appendix or the
    CSV), named `name` with the parent's and the period's codes put before the extension."""
    user: User = request.user  # type: ignore[assignment]
    form = _download_form(request, require_period=True)
    if not form.is_valid():
        return _bad_request(form)
    parent = _check_visible(user, form.cleaned_data["parent"])
    period: Period = form.cleaned_data["stored_period"]
    content = make(parent=parent, period=period)
    stem, extension = name.split(".")
    return _attachment(content, f"{stem}-{parent.code}-{period.code}.{extension}", content_type)


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, exports.figures_export_xlsx, "phu-luc.xlsx", XLSX)


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, exports.figures_export_csv, "so-lieu.csv", "text/csv; charset=utf-8")
