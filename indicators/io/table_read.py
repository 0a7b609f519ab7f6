"""Reading a table of figures (the portal's template, a CSV): header columns, codes and counts."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from indicators.domain import formulas
from indicators.domain.checks import extra_identity_violations
from indicators.domain.index766 import EXTRA_COUNT_FIELDS, count_label
from indicators.io.number_text import cell_number, parse_count_text
from indicators.io.records import (
    MAX_COUNT,
    ImportProblem,
    ImportRow,
    ParsedFile,
    SheetCell,
)
from kpi_portal.spreadsheets.cells import is_blank, is_formula_text, norm_text

# Header text -> role. Field names, Vietnamese and English labels, and the names used by
# fixtures/hoai_nhon_2023_h1.csv.
_FIELD_HEADERS: dict[str, str] = {}
for _name, _label in formulas.COUNT_FIELDS.items():
    _FIELD_HEADERS[norm_text(_name)] = _name
    _FIELD_HEADERS[norm_text(_label)] = _name
    _FIELD_HEADERS[norm_text(formulas.COUNT_FIELDS_EN[_name])] = _name
# The optional counts of the Decision 766 index: the field names (CSV) and the template's
# Vietnamese headers. A file without them imports as before.
for _name, _label in EXTRA_COUNT_FIELDS.items():
    _FIELD_HEADERS[norm_text(_name)] = _name
    _FIELD_HEADERS[norm_text(_label)] = _name
_FIELD_HEADERS.update({"received_direct": "received_in_person", "reused_digitized_data": "reused"})
_CODE_HEADERS = {"gso_code", "mã đvhc", "ma_dvhc", "ma dvhc", "mã đơn vị", "mã", "code"}
_NAME_HEADERS = {"unit_name", "đơn vị", "tên đơn vị", "đơn vị hành chính", "unit", "name"}
_PERIOD_HEADERS = {"period", "kỳ báo cáo", "mã kỳ", "kỳ"}
_IGNORED_HEADERS = {
    "stt",
    "level",
    "cấp",
    "status",
    "trạng thái",
    "trạng thái hiện tại",
    "ghi chú",
    "note",
    "notes",
}


def _is_rate_header(text: str) -> bool:
    return text.startswith("published_") or "tỷ lệ" in text or "tỉ lệ" in text or "rate" in text


@dataclass
class _Columns:
    code: str | None = None
    name: str | None = None
    period: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # column letter -> field


def _header_columns(cells: Sequence[SheetCell]) -> _Columns:
    columns = _Columns()
    for cell in cells:
        text = norm_text(cell.value)
        if not text:
            continue
        if text in _CODE_HEADERS and columns.code is None:
            columns.code = cell.column
        elif text in _NAME_HEADERS and columns.name is None:
            columns.name = cell.column
        elif text in _PERIOD_HEADERS and columns.period is None:
            columns.period = cell.column
        elif text in _FIELD_HEADERS:
            columns.fields[cell.column] = _FIELD_HEADERS[text]
    return columns


def read_table(
    rows: Iterable[Sequence[SheetCell]], *, sheet: str, kind: str, header_scan: int
) -> ParsedFile | None:
    """A plain table: one header row, then one row per unit. None if no header is found
    among the first `header_scan` non-empty rows."""
    iterator: Iterator[Sequence[SheetCell]] = iter(rows)
    columns: _Columns | None = None
    header: Sequence[SheetCell] = ()
    scanned = 0
    for cells in iterator:
        if all(is_blank(c.value) for c in cells):
            continue
        scanned += 1
        candidate = _header_columns(cells)
        if candidate.fields and (candidate.code or candidate.name):
            columns, header = candidate, cells
            break
        if scanned >= header_scan:
            return None
    if columns is None:
        return None
    found = set(columns.fields.values())
    fields = tuple(name for name in (*formulas.COUNT_FIELDS, *EXTRA_COUNT_FIELDS) if name in found)
    parsed = ParsedFile(kind=kind, fields=fields)
    header_row = header[0].row if header else 0
    seen_fields: dict[str, str] = {}
    for cell in header:
        text = norm_text(cell.value)
        name = columns.fields.get(cell.column)
        if name is not None:
            if name in seen_fields:
                parsed.problems.append(
                    ImportProblem(
                        "error",
                        sheet,
                        header_row,
                        cell.column,
                        f"Cột {cell.column}: «{cell.value}» trùng với cột {seen_fields[name]} "
                        f"({count_label(name)}).",
                    )
                )
            seen_fields.setdefault(name, cell.column)
            continue
        if (
            not text
            or cell.column in (columns.code, columns.name, columns.period)
            or text in _IGNORED_HEADERS
            or _is_rate_header(text)
        ):
            continue
        parsed.problems.append(
            ImportProblem(
                "warning",
                sheet,
                header_row,
                cell.column,
                f"Cột {cell.column}: tiêu đề «{cell.value}» không nhận ra, bỏ qua cột này.",
            )
        )
    for cells in iterator:
        by_column = {c.column: c for c in cells}
        if all(is_blank(c.value) for c in cells):
            continue
        row_number = cells[0].row
        name_cell = by_column.get(columns.name or "")
        code_cell = by_column.get(columns.code or "")
        for text_cell in (name_cell, code_cell):
            if text_cell is not None and text_cell.is_formula:
                parsed.problems.append(
                    ImportProblem(
                        "error",
                        sheet,
                        row_number,
                        text_cell.column,
                        f"Ô {text_cell.column}{row_number} chứa công thức, cần nhập giá trị.",
                    )
                )
        label = "" if name_cell is None or is_blank(name_cell.value) else str(name_cell.value)
        label = " ".join(unicodedata.normalize("NFC", label).split())
        code = _code_text(code_cell.value) if code_cell is not None else None
        if norm_text(label).startswith("tổng"):
            continue  # a total row someone added: recomputed, never imported
        counts: dict[str, int | None] = {}
        row_errors = False
        for column, name in columns.fields.items():
            value, message = _count_value(by_column.get(column), name)
            if message:
                row_errors = True
                parsed.problems.append(ImportProblem("error", sheet, row_number, column, message))
            counts[name] = value
        record = ImportRow(
            sheet=sheet,
            row=row_number,
            label=label,
            gso_code=code,
            section="",
            counts=counts,
            name_column=columns.name or columns.code or "",
        )
        if columns.period is not None:
            period_cell = by_column.get(columns.period)
            if period_cell is not None and not is_blank(period_cell.value):
                record_period = str(period_cell.value).strip()
                parsed.meta.setdefault(f"row_period:{row_number}", record_period)
        if not row_errors and all(v is None for v in counts.values()):
            parsed.skipped.append(record)
            continue
        if not label and not code:
            parsed.problems.append(
                ImportProblem(
                    "error",
                    sheet,
                    row_number,
                    columns.name or columns.code or "",
                    f"Dòng {row_number}: có số liệu nhưng thiếu mã và tên đơn vị.",
                )
            )
            continue
        if not row_errors:
            for violation in formulas.check_identities(counts):
                column = next(c for c, n in columns.fields.items() if n == violation.field)
                parsed.problems.append(
                    ImportProblem(
                        "error",
                        sheet,
                        row_number,
                        column,
                        f"Dòng {row_number} ({label or code}): {violation.message_vi}.",
                    )
                )
            # The 766 extras where the row carries both sides; the part's own column is
            # named (the whole may be a standard count elsewhere in the row).
            for violation in extra_identity_violations(counts):
                column = next(c for c, n in columns.fields.items() if n == violation.field)
                parsed.problems.append(
                    ImportProblem(
                        "error",
                        sheet,
                        row_number,
                        column,
                        f"Dòng {row_number} ({label or code}), cột {column}: "
                        f"{violation.message_vi}",
                    )
                )
        parsed.rows.append(record)
    if not parsed.rows and not any(p.severity == "error" for p in parsed.problems):
        parsed.problems.append(
            ImportProblem(
                "error",
                sheet,
                header_row,
                "",
                "Bảng không có dòng số liệu nào (chỉ có tiêu đề, hoặc mọi ô số liệu đều trống).",
            )
        )
    return parsed


def _code_text(value: object) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().lstrip("'")
    return text or None


def _count_value(cell: SheetCell | None, name: str) -> tuple[int | None, str]:
    """(value, error message). Blank is None ("not reported")."""
    if cell is None or is_blank(cell.value):
        return None, ""
    value = cell.value
    # Most cells of a file are a plain count ("120", or 120 from a sheet): read at once,
    # the full rule below only for the rest (a national file is ~200.000 cells).
    if not cell.is_formula:
        if type(value) is int and 0 <= value <= MAX_COUNT:
            return value, ""
        if type(value) is str and value.isascii() and value.isdigit() and len(value) < 10:
            return int(value), ""
    ref = f"{cell.column}{cell.row}"
    label = count_label(name)
    if cell.is_formula or is_formula_text(value):
        return None, f"Ô {ref} ({label}) chứa công thức, cần nhập giá trị."
    number = cell_number(value, parse_count_text)
    if number is None:
        return None, f"Ô {ref} ({label}): «{value}» không phải là số."
    if number < 0:
        return None, f"Ô {ref} ({label}): số hồ sơ không được âm, đang ghi «{value}»."
    if number != number.to_integral_value():
        return None, f"Ô {ref} ({label}): số hồ sơ phải là số nguyên, đang ghi «{value}»."
    if number > MAX_COUNT:
        return None, f"Ô {ref} ({label}): số «{value}» quá lớn."
    return int(number), ""
