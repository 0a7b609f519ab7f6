"""Analysing an import: rows matched, counts checked, problems listed, nothing written."""

from __future__ import annotations

from indicators.domain.checks import extra_identity_violations
from indicators.domain.index766 import count_label
from indicators.domain.periods import PeriodError, PeriodSpec, parse_period_code
from indicators.io.files import read_file
from indicators.io.matching import match_units, unit_candidates, unit_index
from indicators.io.records import ImportAnalysis, ImportRefused, ImportRow, ParsedFile
from indicators.models import Period, UnitFigures
from units.models import AdministrativeUnit, User


def _check_period_marks(parsed: ParsedFile, analysis: ImportAnalysis) -> None:
    """The template's hidden sheet and a CSV's period column say which period the file was
    made for; importing it into another period is refused."""
    spec = analysis.spec

    def same(code: str) -> bool:
        try:
            other = parse_period_code(code)
        except PeriodError:
            return False
        return (other.start, other.end) == (spec.start, spec.end)

    made_for = parsed.meta.get("period")
    if made_for and not same(made_for):
        analysis.error(
            parsed.rows[0].sheet if parsed.rows else "",
            1,
            "",
            f"Mẫu này được tạo cho kỳ {made_for}, không phải kỳ {spec.code} đang chọn. "
            "Hãy chọn đúng kỳ hoặc tải mẫu của kỳ này.",
        )
    for record in parsed.rows:
        code = parsed.meta.get(f"row_period:{record.row}")
        if code and not same(code):
            analysis.error(
                record.sheet,
                record.row,
                "",
                f"Dòng {record.row}: ghi kỳ «{code}», không phải kỳ {spec.code} đang chọn.",
            )


def _check_kept_extras(
    record: ImportRow, current: UnitFigures, fields: tuple[str, ...], analysis: ImportAnalysis
) -> None:
    """A file writes only the counts it carries; the stored ones it lacks (the 766 extras of
    an old template, say) stay. Their identities must still hold beside the new values:
    fewer feedback items in the file than the dissatisfied ones already stored is refused,
    not written half-consistent. Identities broken within the row itself were reported by
    the reader."""
    kept = {**current.counts(), **current.extra_counts()}
    merged = {**kept, **{name: record.counts.get(name) for name in fields}}
    within_row = {v.field for v in extra_identity_violations(record.counts)}
    for violation in extra_identity_violations(merged):
        if violation.field in within_row:
            continue
        part_kept = violation.field not in fields  # the part is the stored value
        analysis.error(
            record.sheet,
            record.row,
            "",
            f"Dòng {record.row} ({record.unit.full_name if record.unit else record.label}): "
            f"{violation.message_vi} "
            + (
                f"Tệp không có cột «{count_label(violation.field)}», nên số đã lưu được giữ; "
                "hãy thêm cột đó hoặc sửa số liệu."
                if part_kept
                else "Số so sánh là số đã lưu của kỳ này (tệp không có cột đó); hãy thêm cột "
                "đó hoặc sửa số liệu."
            ),
        )


def figures_import_analyse(
    *,
    data: bytes,
    filename: str,
    parent: AdministrativeUnit,
    spec: PeriodSpec,
    period: Period | None,
    user: User | None,
) -> ImportAnalysis:
    """Read, match and check a file; writes nothing. Raises ImportRefused when the file
    cannot be read at all or the parent does not fit the period or the user."""
    if user is not None and not user.can_see(parent):
        raise ImportRefused(f"{parent.full_name} nằm ngoài phạm vi của bạn.")
    if not (parent.is_valid_on(spec.end) or parent.is_valid_on(spec.start)):
        raise ImportRefused(f"{parent.full_name} không tồn tại trong kỳ {spec.long_label_vi}.")
    parsed = read_file(bytes(data), filename)
    analysis = ImportAnalysis(
        kind=parsed.kind,
        parent=parent,
        spec=spec,
        period=period,
        fields=parsed.fields,
        totals=parsed.totals,
        skipped=parsed.skipped,
        problems=list(parsed.problems),
    )
    _check_period_marks(parsed, analysis)
    candidates = unit_candidates(parent, spec)
    index = unit_index(candidates, parsed.rows, spec)
    existing = (
        {f.unit_id: f for f in UnitFigures.objects.filter(period=period, unit__in=candidates)}
        if period is not None
        else {}
    )
    seen: dict[int, ImportRow] = {}
    for record in parsed.rows:
        analysis.rows.append(record)
        unit = match_units(record, analysis, index)
        if unit is None:
            continue
        column = record.name_column
        if unit.pk in seen:
            first = seen[unit.pk]
            analysis.error(
                record.sheet,
                record.row,
                column,
                f"Dòng {record.row}: {unit.full_name} trùng với dòng {first.row}.",
            )
            continue
        seen[unit.pk] = record
        record.unit = unit
        if user is not None and not user.can_edit_figures(unit):
            analysis.error(
                record.sheet,
                record.row,
                column,
                f"Dòng {record.row}: bạn không có quyền nhập số liệu của {unit.full_name}.",
            )
            continue
        current = existing.get(unit.pk)
        if current is None:
            record.action = "create"
            continue
        record.existing_status = current.status
        record.existing_version = current.version
        _check_kept_extras(record, current, analysis.fields, analysis)
        if all(getattr(current, name) == record.counts.get(name) for name in analysis.fields):
            record.action = "unchanged"
        elif current.is_locked:
            analysis.error(
                record.sheet,
                record.row,
                column,
                f"Dòng {record.row}: số liệu của {unit.full_name} kỳ {analysis.spec.label_vi} "
                "đã duyệt, cần mở khóa (có lý do) trước khi nhập lại.",
            )
        else:
            record.action = "replace"
    analysis.problems.sort(key=lambda p: (p.sheet, p.row, p.column, p.severity))
    return analysis
