"""Writing an analysed import: the preview stored as an ImportBatch, then its all-or-nothing
commit; and the command line's direct write of a clean analysis."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from indicators.domain.periods import PeriodSpec
from indicators.figures.services import (
    FiguresError,
    figures_import_write,
    figures_submit_imported,
)
from indicators.io.analysis import figures_import_analyse
from indicators.io.records import ImportAnalysis, ImportPreview, ImportRefused, ImportResult
from indicators.models import ImportBatch, Period, UnitFigures
from units.audit.services import audit_log
from units.models import AdministrativeUnit, AuditAction, User


def _write_rows(
    analysis: ImportAnalysis, *, user: User | None, source: str, submission: str
) -> ImportResult:
    """Write every row; the caller holds the transaction (one failure rolls back all).

    The import is the submission: an office imports the figures its own system closed, so
    every row written is stored as submitted (in the history as submitted by this import,
    `submission` naming it), never approved, which stays a separate step by the office
    above. Approved figures are locked: the analysis refuses them, and figures_import_write
    refuses them again should one be approved between preview and commit."""
    period = analysis.period or Period.objects.for_spec(analysis.spec)
    rows = analysis.to_write
    written = figures_import_write(
        period=period,
        rows=[
            (
                cast(AdministrativeUnit, record.unit),
                {n: record.counts.get(n) for n in analysis.fields},
            )
            for record in rows
        ],
        user=user,
    )
    created = sum(1 for record in rows if record.action == "create")
    replaced = len(rows) - created
    if written:
        UnitFigures.objects.filter(pk__in=written).update(source=source[:300])
        figures_submit_imported(figures_ids=written, user=user, comment=submission)
    unchanged = sum(1 for r in analysis.rows if r.action == "unchanged")
    return ImportResult(period=period, created=created, replaced=replaced, unchanged=unchanged)


def figures_import_apply(
    *, analysis: ImportAnalysis, user: User | None, source: str
) -> ImportResult:
    """Write a clean analysis (command line) in one transaction: all rows or none."""
    if not analysis.ok:
        raise ImportRefused(f"Tệp có {len(analysis.errors)} lỗi; không ghi gì.")
    with transaction.atomic():
        result = _write_rows(
            analysis, user=user, source=source, submission=f"Nộp bằng lần nhập tệp: {source}"
        )
        audit_log(
            user=user,
            action=AuditAction.IMPORT,
            target=f"{source} — {analysis.parent} — {analysis.spec.label_vi}",
            details={
                "via": "command",
                "created": result.created,
                "replaced": result.replaced,
                "unchanged": result.unchanged,
            },
        )
        return result


def figures_import_preview(
    *,
    data: bytes,
    filename: str,
    parent: AdministrativeUnit,
    period: Period | PeriodSpec,
    user: User,
) -> ImportPreview:
    """Check a file and keep it as an ImportBatch (PREVIEW); writes no figures.

    `period` may be a spec without a stored row yet: the row is created only once the file
    has been read (a refused file changes nothing).
    """
    spec = period.spec if isinstance(period, Period) else period
    stored = period if isinstance(period, Period) else None
    analysis = figures_import_analyse(
        data=data, filename=filename, parent=parent, spec=spec, period=stored, user=user
    )
    with transaction.atomic():
        if stored is None:
            stored = Period.objects.for_spec(spec)
            analysis.period = stored
        batch = ImportBatch.objects.create(
            uploaded_by=user,
            parent=parent,
            period=stored,
            filename=PurePath(filename).name[:255] or "tep",
            content=bytes(data),
            report=analysis.as_report(),
        )
    return ImportPreview(batch=batch, analysis=analysis)


def figures_import_commit(*, batch: ImportBatch, user: User) -> ImportResult:
    """Re-read the stored bytes and write them all in one transaction, or nothing.

    Only the uploader (or an administrator) commits, once. Any error found now (e.g. a
    unit approved since the preview) or raised while writing rolls everything back and
    marks the batch REJECTED with the reason.
    """
    if batch.uploaded_by_id != user.pk and not user.is_portal_admin:
        raise ImportRefused("Chỉ người đã tải tệp lên mới được ghi lần nhập này.")
    current = ImportBatch.objects.select_related("parent", "period").get(pk=batch.pk)
    if current.status != ImportBatch.Status.PREVIEW:
        raise ImportRefused(
            f"Lần nhập này đã ở trạng thái “{current.get_status_display()}”, không ghi lại được."
        )
    report: dict[str, Any] | None = None
    try:
        with transaction.atomic():
            # Claim the batch first: of two concurrent commits only one gets past this.
            claimed = ImportBatch.objects.filter(
                pk=current.pk, status=ImportBatch.Status.PREVIEW
            ).update(status=ImportBatch.Status.COMMITTED, committed_at=timezone.now())
            if not claimed:
                raise _AlreadyCommitted
            analysis = figures_import_analyse(
                data=bytes(current.content),
                filename=current.filename,
                parent=current.parent,
                spec=current.period.spec,
                period=current.period,
                user=user,
            )
            report = analysis.as_report()
            if not analysis.ok:
                raise ImportRefused(
                    f"Tệp có {len(analysis.errors)} lỗi (số liệu đã thay đổi từ lúc xem trước?); "
                    "không ghi gì."
                )
            result = _write_rows(
                analysis,
                user=user,
                source=f"Nhập từ tệp {current.filename} (lần nhập #{current.pk})",
                submission=f"Nộp bằng lần nhập tệp #{current.pk} ({current.filename})",
            )
            ImportBatch.objects.filter(pk=current.pk).update(report=report)
            audit_log(
                user=user,
                action=AuditAction.IMPORT,
                target=f"{current.filename} — {current.parent} — {current.period.label_vi}",
                details={
                    "batch_id": current.pk,
                    "created": result.created,
                    "replaced": result.replaced,
                    "unchanged": result.unchanged,
                },
            )
    except _AlreadyCommitted:
        raise ImportRefused("Lần nhập này đã được ghi.") from None
    except (ImportRefused, FiguresError) as error:
        message = str(error)
        if isinstance(error, FiguresError):
            message = f"Không ghi được, đã hủy toàn bộ lần nhập: {message}"
        rejected = {**(report or current.report), "commit_error": message}
        ImportBatch.objects.filter(pk=current.pk, status=ImportBatch.Status.PREVIEW).update(
            status=ImportBatch.Status.REJECTED, report=rejected
        )
        raise ImportRefused(message) from error
    current.refresh_from_db()
    return ImportResult(
        period=result.period,
        created=result.created,
        replaced=result.replaced,
        unchanged=result.unchanged,
        batch=current,
    )


class _AlreadyCommitted(Exception):
    pass
