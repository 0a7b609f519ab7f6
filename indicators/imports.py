"""Importing figures from a file: the official appendix (.xlsx), the portal's own template
(.xlsx) and CSV. Selectors that read a file and services that write it.

Flow. `figures_import_preview` reads the bytes, matches every row to a unit of the chosen
parent, checks it, and stores an ImportBatch (status PREVIEW) holding the exact bytes and
a JSON report; nothing else is written. `figures_import_commit` re-reads those stored bytes
inside one transaction and writes every row through `services.figures_write` (history
action IMPORT), or nothing at all: any error, and any exception raised while writing,
rolls the whole file back and marks the batch REJECTED.

A file that cannot be read at all (not .xlsx/.csv, corrupt, password-protected, too large,
zip bomb, empty) raises ImportRefused and stores nothing. Problems inside a readable file
(unknown or duplicate unit, formula, bad number, broken identity, approved figures, a
unit outside the user's scope) are located findings (sheet, row, column, Vietnamese
message) that block the commit; published-rate and total-row mismatches are warnings.

Decisions where the brief is silent:
- A unit is matched by its GSO code (as of the period) when the file has one, otherwise by
  name among the parent's own desk and its territorial children valid in the period. An
  appendix row in the "Cấp huyện" section is the parent's desk.
- A row whose values equal the stored ones is "unchanged" and not written: re-importing a
  file does not send submitted figures back to draft, and an approved unit's unchanged row
  is not an error.
- Template/CSV rows with every count blank are skipped (units not reported in this file);
  in a row with data, a blank cell means "not reported" and clears the stored value.
- The appendix has no columns for payments, feedback and ratings: importing it leaves
  those stored counts as they are.
- The period row: the web preview creates it (the batch points at it) once the file itself
  was readable; the command line creates it only when it commits (never on --dry-run).
- Without a user (command line, no --user) the operator has shell authority: no scope
  check, and history records no person.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from indicators.appendix import (
    VALUE_COLUMNS,
    AppendixError,
    ParsedAppendix,
    appendix_read_xlsx,
)
from indicators.domain import formulas
from indicators.domain.formatting import format_int_vi
from indicators.domain.periods import PeriodError, PeriodSpec, parse_period_code
from indicators.models import FiguresChange, FiguresStatus, ImportBatch, Period, UnitFigures
from indicators.selectors import children_for_ranking
from indicators.services import FiguresError, figures_write
from kpi_portal.xlsx_archive import OLE_PROBLEM, OLE_SIGNATURE, xlsx_archive_problem
from units.models import AdministrativeUnit, AuditAction, User
from units.selectors import AmbiguousUnit, UnitNotFound, unit_by_code_during
from units.services import audit_log

__all__ = [
    "APPENDIX_FIELDS",
    "TEMPLATE_MARKER",
    "ImportAnalysis",
    "ImportPreview",
    "ImportProblem",
    "ImportRefused",
    "ImportResult",
    "ImportRow",
    "figures_import_analyse",
    "figures_import_apply",
    "figures_import_commit",
    "figures_import_preview",
    "import_report_rows",
    "unit_name_key",
]

APPENDIX_FIELDS: tuple[str, ...] = tuple(name for kind, name in VALUE_COLUMNS if kind == "count")
# Written in the template's hidden "_kpi" sheet so an upload can tell it was made here.
TEMPLATE_MARKER = "kpi-portal-template-1"
META_SHEET = "_kpi"
MAX_COUNT = 10**9  # what the entry form accepts; keeps a typo out of the integer column

_ZIP_SIGNATURE = b"PK\x03\x04"
# Files people pick by mistake: named so the message can say what was uploaded.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"{\\rtf", "RTF"),
)
_NUMBER_LABEL = re.compile(r"^\s*\(\s*\d+\s*\)")
_GROUPED_INT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN_DECIMAL = re.compile(r"^-?\d+([.,]\d+)?$")
_FORMULA_START = ("=", "+", "@")


class ImportRefused(Exception):
    """The file (or the request) cannot be imported at all; the message is Vietnamese."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ImportProblem:
    severity: str  # "error" | "warning"
    sheet: str
    row: int
    column: str
    message: str

    @property
    def location(self) -> str:
        """sheet!C12, or sheet!dòng 12 when the whole row is concerned."""
        if self.column:
            return f"{self.sheet}!{self.column}{self.row}"
        return f"{self.sheet}!dòng {self.row}" if self.row else self.sheet

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportRow:
    """One data row of the file and what the import will do with it."""

    sheet: str
    row: int
    label: str  # the unit name as written
    gso_code: str | None
    section: str  # "district" | "commune" (appendix) | "" (template, CSV)
    counts: dict[str, int | None]
    name_column: str = ""
    unit: AdministrativeUnit | None = None
    action: str = ""  # "create" | "replace" | "unchanged" | "" (not importable)
    existing_status: str = ""
    existing_version: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "label": self.label,
            "gso_code": self.gso_code,
            "section": self.section,
            "counts": self.counts,
            "unit_id": self.unit.pk if self.unit else None,
            "unit_code": self.unit.code if self.unit else "",
            "unit_name": self.unit.full_name if self.unit else "",
            "action": self.action,
            "existing_status": self.existing_status,
            "existing_version": self.existing_version,
        }


@dataclass
class ImportAnalysis:
    kind: str  # "appendix" | "template" | "csv"
    parent: AdministrativeUnit
    spec: PeriodSpec
    period: Period | None
    fields: tuple[str, ...]  # the count fields the file carries (and will write)
    rows: list[ImportRow] = field(default_factory=list)
    totals: list[ImportRow] = field(default_factory=list)
    skipped: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_write(self) -> list[ImportRow]:
        return [r for r in self.rows if r.action in ("create", "replace")]

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(ImportProblem("error", sheet, row, column, message))

    def warn(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(ImportProblem("warning", sheet, row, column, message))

    def as_report(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "fields": list(self.fields),
            "period_code": self.spec.code,
            "rows": [r.as_dict() for r in self.rows],
            "totals": [r.as_dict() for r in self.totals],
            "skipped": [r.as_dict() for r in self.skipped],
            "problems": [p.as_dict() for p in self.problems],
            "error_count": len(self.errors),
            "warning_count": len(self.warnings),
        }


@dataclass(frozen=True)
class ImportPreview:
    batch: ImportBatch
    analysis: ImportAnalysis


@dataclass(frozen=True)
class ImportResult:
    period: Period
    created: int
    replaced: int
    unchanged: int
    batch: ImportBatch | None = None

    @property
    def written(self) -> int:
        return self.created + self.replaced


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True)
class _Cell:
    value: object
    row: int
    column: str  # letter
    is_formula: bool = False


@dataclass
class _ParsedFile:
    kind: str
    fields: tuple[str, ...]
    rows: list[ImportRow] = field(default_factory=list)
    totals: list[ImportRow] = field(default_factory=list)
    skipped: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


def _norm(value: object) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\xa0", " ")
    return " ".join(text.split()).casefold()


def _sniff(data: bytes, filename: str) -> str:
    """ "xlsx" or "csv" from the content (magic bytes), never from the name alone."""
    max_bytes = settings.IMPORT_MAX_BYTES
    if len(data) > max_bytes:
        raise ImportRefused(
            f"Tệp quá lớn ({format_int_vi(len(data))} byte); tối đa {format_int_vi(max_bytes)} "
            "byte."
        )
    if not data.strip():
        raise ImportRefused("Tệp rỗng, không có dữ liệu.")
    if data.startswith(OLE_SIGNATURE):
        raise ImportRefused(OLE_PROBLEM)
    if data.startswith(_ZIP_SIGNATURE):
        return "xlsx"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(
            "Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: «CSV UTF-8»), "
            "không phải UTF-16 («Unicode Text»)."
        )
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ImportRefused(f"Tệp là {what}, không phải tệp Excel .xlsx hoặc CSV.")
    if b"\x00" in data[:4096]:
        raise ImportRefused("Tệp không phải là tệp Excel .xlsx hoặc CSV.")
    if PurePath(filename).suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise ImportRefused(
            "Tệp có đuôi Excel nhưng nội dung không phải tệp Excel .xlsx hợp lệ (tệp bị hỏng?)."
        )
    return "csv"


def _check_archive(data: bytes) -> None:
    problem = xlsx_archive_problem(data, max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES)
    if problem:
        raise ImportRefused(problem)


def _cell_is_formula(cell: Any) -> bool:
    value = cell.value
    if getattr(cell, "data_type", None) == "f":
        return True
    return value is not None and not isinstance(value, str | int | float | Decimal | bool)


def _read_xlsx(data: bytes) -> _ParsedFile:
    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    except Exception:  # openpyxl raises many types for corrupt parts
        raise ImportRefused(
            "Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng."
        ) from None
    try:
        sheets = [ws for ws in workbook.worksheets if ws.title != META_SHEET]
        meta: dict[str, str] = {}
        if META_SHEET in workbook.sheetnames:
            for key, value in workbook[META_SHEET].iter_rows(max_col=2, values_only=True):
                if key:
                    meta[str(key)] = "" if value is None else str(value)
        if all(
            c.value is None or (isinstance(c.value, str) and not c.value.strip())
            for ws in sheets
            for row in ws.iter_rows()
            for c in row
        ):
            raise ImportRefused("Tệp Excel không có dữ liệu (các trang tính đều trống).")
        if any(_has_number_row(ws) for ws in sheets):
            layout = "appendix"
        else:
            layout = ""
            for ws in sheets:
                rows = (
                    [
                        _Cell(c.value, c.row, get_column_letter(c.column), _cell_is_formula(c))
                        for c in row
                    ]
                    for row in ws.iter_rows()
                )
                parsed = _read_table(rows, sheet=ws.title, kind="template", header_scan=20)
                if parsed is not None:
                    parsed.meta = meta
                    return parsed
    finally:
        workbook.close()
    if layout == "appendix":
        try:
            appendix = appendix_read_xlsx(
                data, max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES
            )
        except AppendixError as error:
            raise ImportRefused(str(error)) from None
        return _from_appendix(appendix)
    raise ImportRefused(
        "Không nhận ra bố cục bảng tính: cần bảng Phụ lục chính thức (có hàng đánh số cột "
        "«(1) (2) (3) …») hoặc mẫu nhập của cổng (dòng tiêu đề có «Mã ĐVHC» hoặc «Đơn vị» và "
        "tên các cột số liệu)."
    )


def _has_number_row(ws: Any) -> bool:
    for row in ws.iter_rows(max_row=min(ws.max_row, 40)):
        numbers = [
            c.value for c in row if isinstance(c.value, str) and _NUMBER_LABEL.match(c.value)
        ]
        if len(numbers) >= 5 and any(_norm(v).replace(" ", "").startswith("(1)") for v in numbers):
            return True
    return False


def _from_appendix(appendix: ParsedAppendix) -> _ParsedFile:
    parsed = _ParsedFile(kind="appendix", fields=APPENDIX_FIELDS)
    parsed.problems = [
        ImportProblem(p.severity, p.sheet, p.row, p.column, p.message_vi) for p in appendix.problems
    ]
    for source, target in ((appendix.rows, parsed.rows), (appendix.totals, parsed.totals)):
        for row in source:
            counts: dict[str, int | None] = {name: row.counts.get(name) for name in APPENDIX_FIELDS}
            target.append(
                ImportRow(
                    sheet=row.sheet,
                    row=row.row,
                    label=row.unit_name,
                    gso_code=row.gso_code,
                    section=row.section,
                    counts=counts,
                    name_column="B",
                )
            )
    if not parsed.rows and not any(p.severity == "error" for p in parsed.problems):
        sheet = appendix.totals[0].sheet if appendix.totals else ""
        parsed.problems.append(
            ImportProblem("error", sheet, 0, "", "Bảng Phụ lục không có dòng đơn vị nào.")
        )
    return parsed


# Header text -> role. Field names, Vietnamese and English labels, and the seed CSV's names.
_FIELD_HEADERS: dict[str, str] = {}
for _name, _label in formulas.COUNT_FIELDS.items():
    _FIELD_HEADERS[_norm(_name)] = _name
    _FIELD_HEADERS[_norm(_label)] = _name
    _FIELD_HEADERS[_norm(formulas.COUNT_FIELDS_EN[_name])] = _name
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


def _header_columns(cells: Sequence[_Cell]) -> _Columns:
    columns = _Columns()
    for cell in cells:
        text = _norm(cell.value)
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


def _read_table(
    rows: Iterable[Sequence[_Cell]], *, sheet: str, kind: str, header_scan: int
) -> _ParsedFile | None:
    """A plain table: one header row, then one row per unit. None if no header is found
    among the first `header_scan` non-empty rows."""
    iterator: Iterator[Sequence[_Cell]] = iter(rows)
    columns: _Columns | None = None
    header: Sequence[_Cell] = ()
    scanned = 0
    for cells in iterator:
        if all(_blank(c.value) for c in cells):
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
    fields = tuple(name for name in formulas.COUNT_FIELDS if name in columns.fields.values())
    parsed = _ParsedFile(kind=kind, fields=fields)
    header_row = header[0].row if header else 0
    seen_fields: dict[str, str] = {}
    for cell in header:
        text = _norm(cell.value)
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
                        f"({formulas.COUNT_FIELDS[name]}).",
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
        if all(_blank(c.value) for c in cells):
            continue
        row_number = cells[0].row
        name_cell = by_column.get(columns.name or "")
        code_cell = by_column.get(columns.code or "")
        for cell in (name_cell, code_cell):
            if cell is not None and cell.is_formula:
                parsed.problems.append(
                    ImportProblem(
                        "error",
                        sheet,
                        row_number,
                        cell.column,
                        f"Ô {cell.column}{row_number} chứa công thức, cần nhập giá trị.",
                    )
                )
        label = "" if name_cell is None or _blank(name_cell.value) else str(name_cell.value)
        label = " ".join(unicodedata.normalize("NFC", label).split())
        code = _code_text(code_cell.value) if code_cell is not None else None
        if _norm(label).startswith("tổng"):
            continue  # a total row someone added: recomputed, never imported
        counts: dict[str, int | None] = {}
        row_errors = False
        for column, name in columns.fields.items():
            cell = by_column.get(column)
            value, message = _count_value(cell, name)
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
            if period_cell is not None and not _blank(period_cell.value):
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


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _code_text(value: object) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().lstrip("'")
    return text or None


def _count_value(cell: _Cell | None, name: str) -> tuple[int | None, str]:
    """(value, error message). Blank is None ("not reported")."""
    if cell is None or _blank(cell.value):
        return None, ""
    ref = f"{cell.column}{cell.row}"
    label = formulas.COUNT_FIELDS[name]
    value = cell.value
    if cell.is_formula or (isinstance(value, str) and value.strip().startswith(_FORMULA_START)):
        return None, f"Ô {ref} ({label}) chứa công thức, cần nhập giá trị."
    number: Decimal | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | Decimal):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace("\xa0", "").replace(" ", "")
        if _GROUPED_INT.match(text):
            number = Decimal(text.replace(".", ""))
        elif _PLAIN_DECIMAL.match(text):
            try:
                number = Decimal(text.replace(",", "."))
            except InvalidOperation:
                number = None
    if number is None:
        return None, f"Ô {ref} ({label}): «{value}» không phải là số."
    if number < 0:
        return None, f"Ô {ref} ({label}): số hồ sơ không được âm, đang ghi «{value}»."
    if number != number.to_integral_value():
        return None, f"Ô {ref} ({label}): số hồ sơ phải là số nguyên, đang ghi «{value}»."
    if number > MAX_COUNT:
        return None, f"Ô {ref} ({label}): số «{value}» quá lớn."
    return int(number), ""


def _read_csv(data: bytes, filename: str) -> _ParsedFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            "Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: «CSV UTF-8»)."
        ) from None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    if first.count(delimiter) == 0:
        raise ImportRefused(
            "Tệp không phải là tệp Excel .xlsx hoặc CSV có cột (không tìm thấy dấu phân cách)."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    sheet = PurePath(filename).name or "CSV"

    def rows() -> Iterator[list[_Cell]]:
        try:
            for number, record in enumerate(reader, start=1):
                yield [
                    _Cell(value, number, get_column_letter(i))
                    for i, value in enumerate(record, start=1)
                ]
        except csv.Error as error:
            raise ImportRefused(f"Tệp CSV bị lỗi định dạng: {error}.") from None

    parsed = _read_table(rows(), sheet=sheet, kind="csv", header_scan=1)
    if parsed is None:
        raise ImportRefused(
            "Không nhận ra dòng tiêu đề của tệp CSV: dòng đầu tiên cần có cột «gso_code» / "
            "«Mã ĐVHC» hoặc «unit_name» / «Đơn vị», và các cột số liệu (tên trường như "
            "«received» hoặc tên tiếng Việt như «Hồ sơ tiếp nhận trong kỳ»)."
        )
    return parsed


def _read_file(data: bytes, filename: str) -> _ParsedFile:
    kind = _sniff(data, filename)
    return _read_xlsx(data) if kind == "xlsx" else _read_csv(data, filename)


# --------------------------------------------------------------------------- matching units

_TYPE_WORDS = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "xã",
)
_UNIT_PREFIXES = ("ubnd ", "ủy ban nhân dân ", "uỷ ban nhân dân ")
# Old and new tone placement ("Hoà" / "Hòa", "Thuỷ" / "Thủy") name the same place.
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # grave, acute, hook, tilde, dot


def _move_tones(text: str) -> str:
    """Put the tone of "oa", "oe", "uy" on the first vowel (NFD in, NFD out)."""
    decomposed = unicodedata.normalize("NFD", text)
    return re.sub(
        r"([ou])([ae]|y)([" + _TONES + r"])",
        lambda m: m.group(1) + m.group(3) + m.group(2),
        decomposed,
    )


def unit_name_key(text: str) -> tuple[str, str]:
    """(name with type word, name without it), normalised: case, spacing, NFC, "UBND",
    tone placement. "UBND phường  Hoài Đức" -> ("phường hoài đức", "hoài đức")."""
    name = _norm(text)
    for prefix in _UNIT_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :].strip()
            break
    name = unicodedata.normalize("NFC", _move_tones(name))
    bare = name
    for word in _TYPE_WORDS:
        if bare.startswith(word + " "):
            bare = bare[len(word) + 1 :].strip()
            break
    return name, bare


def _candidates(parent: AdministrativeUnit, spec: PeriodSpec) -> list[AdministrativeUnit]:
    period_like = Period(start=spec.start, end=spec.end)
    children = list(children_for_ranking(parent, period_like).order_by("name"))
    return [parent, *children]


def _match(
    record: ImportRow,
    analysis: ImportAnalysis,
    candidates: list[AdministrativeUnit],
    by_full: dict[str, list[AdministrativeUnit]],
    by_bare: dict[str, list[AdministrativeUnit]],
) -> AdministrativeUnit | None:
    parent, spec = analysis.parent, analysis.spec
    where = f"{parent.full_name} ({spec.label_vi})"
    column = record.name_column
    if record.gso_code:
        try:
            unit = unit_by_code_during(record.gso_code, start=spec.start, end=spec.end)
        except (UnitNotFound, AmbiguousUnit) as error:
            analysis.error(record.sheet, record.row, column, f"Dòng {record.row}: {error}.")
            return None
        if unit.pk not in {c.pk for c in candidates}:
            analysis.error(
                record.sheet,
                record.row,
                column,
                f"Dòng {record.row}: mã {record.gso_code} là {unit.full_name}, "
                f"không thuộc {where}.",
            )
            return None
        if record.label:
            full, bare = unit_name_key(record.label)
            if full not in (unit_name_key(unit.full_name)[0], unit_name_key(unit.name)[0]) and (
                bare != unit_name_key(unit.name)[1]
            ):
                analysis.warn(
                    record.sheet,
                    record.row,
                    column,
                    f"Dòng {record.row}: tên «{record.label}» khác tên đơn vị mã "
                    f"{record.gso_code} ({unit.full_name}); nhận theo mã.",
                )
        return unit
    if not record.label:
        analysis.error(record.sheet, record.row, column, f"Dòng {record.row}: thiếu tên đơn vị.")
        return None
    full, bare = unit_name_key(record.label)
    found = by_full.get(full) or by_bare.get(bare) or by_bare.get(full) or []
    if len(found) > 1 and record.section:
        # The appendix says which tier a row belongs to: that is data, not a guess.
        tier = [u for u in found if (u.pk == parent.pk) == (record.section == "district")]
        found = tier or found
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        names = " và ".join(f"{u.full_name} (mã {u.code})" for u in found)
        analysis.error(
            record.sheet,
            record.row,
            column,
            f"Dòng {record.row}: tên «{record.label}» khớp với nhiều đơn vị: {names}. "
            "Hãy ghi đủ loại đơn vị (phường/xã/…) hoặc thêm cột Mã ĐVHC.",
        )
        return None
    if record.section == "district":
        analysis.warn(
            record.sheet,
            record.row,
            column,
            f"Dòng {record.row}: «{record.label}» ở mục «Cấp huyện» được hiểu là bộ phận một "
            f"cửa của {parent.full_name}.",
        )
        return parent
    analysis.error(
        record.sheet,
        record.row,
        column,
        f"Dòng {record.row}: không tìm thấy đơn vị «{record.label}» trong {where}.",
    )
    return None


def _check_period_marks(parsed: _ParsedFile, analysis: ImportAnalysis) -> None:
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
    parsed = _read_file(bytes(data), filename)
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
    candidates = _candidates(parent, spec)
    by_full: dict[str, list[AdministrativeUnit]] = {}
    by_bare: dict[str, list[AdministrativeUnit]] = {}
    for unit in candidates:
        full, bare = unit_name_key(unit.full_name)
        by_full.setdefault(full, []).append(unit)
        by_bare.setdefault(bare, []).append(unit)
    existing = (
        {f.unit_id: f for f in UnitFigures.objects.filter(period=period, unit__in=candidates)}
        if period is not None
        else {}
    )
    seen: dict[int, ImportRow] = {}
    for record in parsed.rows:
        analysis.rows.append(record)
        unit = _match(record, analysis, candidates, by_full, by_bare)
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


# --------------------------------------------------------------------------- writing


def _write_rows(analysis: ImportAnalysis, *, user: User | None, source: str) -> ImportResult:
    """Write every row; the caller holds the transaction (one failure rolls back all)."""
    period = analysis.period or Period.objects.for_spec(analysis.spec)
    created = replaced = 0
    written: list[int] = []
    for record in analysis.to_write:
        assert record.unit is not None
        values = {name: record.counts.get(name) for name in analysis.fields}
        figures = figures_write(
            unit=record.unit,
            period=period,
            values=values,
            user=user,
            expected_version=None,
            action=FiguresChange.Action.IMPORT,
        )
        written.append(figures.pk)
        if record.action == "create":
            created += 1
        else:
            replaced += 1
    if written:
        UnitFigures.objects.filter(pk__in=written).update(source=source[:300])
    unchanged = sum(1 for r in analysis.rows if r.action == "unchanged")
    return ImportResult(period=period, created=created, replaced=replaced, unchanged=unchanged)


def figures_import_apply(
    *, analysis: ImportAnalysis, user: User | None, source: str
) -> ImportResult:
    """Write a clean analysis (command line) in one transaction: all rows or none."""
    if not analysis.ok:
        raise ImportRefused(f"Tệp có {len(analysis.errors)} lỗi; không ghi gì.")
    with transaction.atomic():
        result = _write_rows(analysis, user=user, source=source)
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
    if batch.uploaded_by_id != user.pk and not user.sees_everything:
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


# --------------------------------------------------------------------------- display


@dataclass(frozen=True)
class ReportRow:
    """A row of a stored report, ready for a template: counts and recomputed rates."""

    sheet: str
    row: int
    label: str
    unit_code: str
    unit_name: str
    action: str
    existing_status: str
    counts: list[int | None]
    rates: list[Decimal | None]
    problems: list[ImportProblem]
    is_total: bool = False

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "Lỗi" if not self.is_total else "")

    @property
    def existing_status_label(self) -> str:
        return status_label(self.existing_status)

    @property
    def has_error(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


ACTION_LABELS = {
    "create": "Tạo mới",
    "replace": "Thay thế",
    "unchanged": "Không đổi",
}


def report_indicators(fields: Sequence[str]) -> list[formulas.IndicatorDef]:
    """Indicators whose numerator and denominator the file carries."""
    return [
        ind
        for ind in formulas.INDICATORS
        if all(name in fields for name in (*ind.numerator, ind.denominator))
    ]


def import_report_rows(report: dict[str, Any]) -> tuple[list[ReportRow], list[ReportRow]]:
    """(unit rows, total rows) of a stored report, with problems attached by row."""
    fields = report.get("fields", [])
    indicators = report_indicators(fields)
    problems = [ImportProblem(**p) for p in report.get("problems", [])]
    by_row: dict[tuple[str, int], list[ImportProblem]] = {}
    for problem in problems:
        by_row.setdefault((problem.sheet, problem.row), []).append(problem)

    def build(item: dict[str, Any], is_total: bool) -> ReportRow:
        counts = item.get("counts", {})
        return ReportRow(
            sheet=item["sheet"],
            row=item["row"],
            label=item["label"],
            unit_code=item.get("unit_code", ""),
            unit_name=item.get("unit_name", ""),
            action=item.get("action", ""),
            existing_status=item.get("existing_status", ""),
            counts=[counts.get(name) for name in fields],
            rates=[formulas.indicator_rate(ind, counts) for ind in indicators],
            problems=by_row.get((item["sheet"], item["row"]), []),
            is_total=is_total,
        )

    rows = [build(item, False) for item in report.get("rows", [])]
    totals = [build(item, True) for item in report.get("totals", [])]
    return rows, totals


def import_report_problems(report: dict[str, Any]) -> list[ImportProblem]:
    return [ImportProblem(**p) for p in report.get("problems", [])]


def status_label(status: str) -> str:
    return FiguresStatus(status).label if status else ""
