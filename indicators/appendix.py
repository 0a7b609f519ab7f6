"""Read and write the official appendix table ("Phụ lục") of seed 004 as .xlsx.

Pure module (openpyxl + stdlib + indicators.domain, no Django) so the upload view, a
management command and the tests share one parser and one writer.

Layout (seed 004, Hoài Nhơn H1 2023): title rows, a three-row merged header, a row of
column numbers "(1) (2) …", a "Cấp huyện" section row, the district desk, a "Cấp xã"
section row, numbered communes, then "Tổng số cấp xã" and optionally "Tổng cấp huyện và
xã". Data rows have 22 columns: STT, Đơn vị and the 20 value columns of VALUE_COLUMNS.

Seed ambiguity, resolved here: the seed's column-number row has only 19 labels for 22
columns, and its formula labels ("(9)= (7+8)/(3)", "(12)= (11)/(10)", "(14)= (13)/(5+6)")
only make sense if "(1)" is the *Tổng hồ sơ* column (STT and Đơn vị unnumbered, the last
column "(20)" lost), while the text extraction puts "(1)" above STT. Because the two
readings disagree, the reader does not map columns by their "(n)" numbers: the number row
only marks where the header ends. Columns are found from the header text ("Đơn vị",
optional "Mã ĐVHC"; fallback: the cell labelled "(2)", the positional reading) and the 20
value columns follow the name column in seed order; a header check ("Tỷ lệ" above exactly
the rate columns) rejects a sheet whose columns are shifted. The writer numbers all 22
columns positionally, with formula labels consistent with that numbering.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.domain.formatting import format_decimal_vi, format_int_vi
from indicators.domain.formulas import (
    COUNT_FIELDS,
    check_identities,
    get_indicator,
    indicator_parts,
    indicator_rate,
    ratio_of_sums,
    round_rate,
)
from kpi_portal.spreadsheet_text import put_text
from kpi_portal.xlsx_archive import xlsx_archive_problem

__all__ = [
    "RATE_CODES",
    "VALUE_COLUMNS",
    "AppendixError",
    "AppendixRow",
    "ParsedAppendix",
    "Problem",
    "appendix_read_xlsx",
    "appendix_write_xlsx",
]

# The 20 value columns after "Đơn vị", in seed order: ("count", field) or ("rate", code).
VALUE_COLUMNS: tuple[tuple[Literal["count", "rate"], str], ...] = (
    ("count", "total"),
    ("count", "carried_over"),
    ("count", "received"),
    ("count", "with_portal_account"),
    ("count", "received_in_person"),
    ("count", "received_online"),
    ("count", "digitized_partial"),
    ("count", "digitized_full"),
    ("rate", "digitization"),
    ("count", "resolved"),
    ("count", "results_digitized"),
    ("rate", "e_results"),
    ("count", "reused"),
    ("rate", "reuse"),
    ("rate", "online"),
    ("rate", "payment"),
    ("rate", "population_db"),
    ("count", "resolved_on_time"),
    ("count", "resolved_late"),
    ("count", "e_certified_copies"),
)
APPENDIX_COUNT_FIELDS: tuple[str, ...] = tuple(n for k, n in VALUE_COLUMNS if k == "count")
RATE_CODES: tuple[str, ...] = tuple(n for k, n in VALUE_COLUMNS if k == "rate")
# Position of each count field among the value columns (to name the offending cell).
_COUNT_COLUMN_INDEX: dict[str, int] = {
    name: i for i, (kind, name) in enumerate(VALUE_COLUMNS) if kind == "count"
}

# Payment and population-database rates have no numerator column in the appendix, so their
# printed values can only be carried along, not checked.
_CHECKABLE_RATES: tuple[str, ...] = tuple(
    code
    for code in RATE_CODES
    if all(
        name in APPENDIX_COUNT_FIELDS
        for name in (*get_indicator(code).numerator, get_indicator(code).denominator)
    )
)

_NUMBER_LABEL = re.compile(r"^\s*\(\s*(\d+)\s*\)")
# "1.087", "14.972", "-1.234" (dot = thousands separator, as the documents write counts).
_GROUPED_INT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_UNIT_PREFIXES = ("ubnd ", "ủy ban nhân dân ", "uỷ ban nhân dân ")

Severity = Literal["error", "warning"]


class AppendixError(ValueError):
    """The file cannot be read as an appendix at all (not a bad cell: those are Problems)."""


@dataclass(frozen=True)
class AppendixRow:
    """One unit row (or total row) of the appendix."""

    unit_name: str
    gso_code: str | None
    section: str  # "district" | "commune" | "commune_total" | "all_total"
    counts: dict[str, int]
    published_rates: dict[str, Decimal]
    sheet: str
    row: int


@dataclass(frozen=True)
class Problem:
    """One finding, located so the user can fix it in their own spreadsheet."""

    severity: Severity
    sheet: str
    row: int
    column: str
    message_vi: str


@dataclass
class ParsedAppendix:
    rows: list[AppendixRow] = field(default_factory=list)
    totals: list[AppendixRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


# --------------------------------------------------------------------------- reading


def _norm(value: object) -> str:
    """Lower-case, NFC, single spaces: compares header and section text written by hand."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\xa0", " ")
    return " ".join(text.split()).casefold()


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_archive(data: bytes, max_unpacked_bytes: int) -> None:
    problem = xlsx_archive_problem(data, max_unpacked_bytes=max_unpacked_bytes)
    if problem:
        raise AppendixError(problem)


def _load(data: bytes) -> Any:
    try:
        # data_only=False keeps formulas visible: a formula's cached value may be stale or
        # absent (files written by scripts), so the user must enter values.
        return load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    except Exception as exc:  # openpyxl raises many types for corrupt parts
        raise AppendixError(f"Không đọc được tệp Excel (tệp bị hỏng): {exc}") from None


def _merged_values(ws: Worksheet) -> dict[tuple[int, int], object]:
    """(row, col) -> value of the merged range covering it (only the top-left holds it)."""
    values: dict[tuple[int, int], object] = {}
    for rng in ws.merged_cells.ranges:
        top_left = ws.cell(row=rng.min_row, column=rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                values[(r, c)] = top_left
    return values


def _find_number_row(ws: Worksheet) -> int | None:
    for row in ws.iter_rows():
        numbers = [
            match.group(1)
            for c in row
            if isinstance(c.value, str) and (match := _NUMBER_LABEL.match(c.value)) is not None
        ]
        # Several "(n)" labels including "(1)": a stray "(1)" in a title is not a header.
        if len(numbers) >= 5 and "1" in numbers:
            return row[0].row
    return None


@dataclass(frozen=True)
class _Layout:
    stt_col: int | None
    name_col: int
    gso_col: int | None
    value_cols: tuple[int, ...]


def _header_text(
    ws: Worksheet, merged: Mapping[tuple[int, int], object], col: int, last_row: int
) -> str:
    parts: list[str] = []
    for r in range(1, last_row + 1):
        value = merged.get((r, col), ws.cell(row=r, column=col).value)
        text = _norm(value)
        if text and (not parts or parts[-1] != text):
            parts.append(text)
    return " / ".join(parts)


def _find_layout(ws: Worksheet, number_row: int) -> _Layout | str:
    """Column positions, or a Vietnamese explanation of why the header does not fit."""
    merged = _merged_values(ws)
    name_col: int | None = None
    stt_col: int | None = None
    gso_col: int | None = None
    for r in range(1, number_row):
        for c in range(1, ws.max_column + 1):
            text = _norm(ws.cell(row=r, column=c).value)
            if name_col is None and text in ("đơn vị", "tên đơn vị", "đơn vị hành chính"):
                name_col = c
            elif stt_col is None and text.replace(" ", "") == "stt":
                stt_col = c
            elif gso_col is None and "mã đvhc" in text:
                gso_col = c
    if name_col is None:
        # Positional reading of the seed's number row: "(2)" stands above "Đơn vị".
        for c in range(1, ws.max_column + 1):
            match = _NUMBER_LABEL.match(str(ws.cell(row=number_row, column=c).value or ""))
            if match is not None and match.group(1) == "2":
                name_col = c
                break
    if name_col is None:
        return "Không tìm thấy cột «Đơn vị» trong tiêu đề bảng."
    if stt_col is None and name_col > 1 and name_col - 1 != gso_col:
        stt_col = name_col - 1
    value_cols: list[int] = []
    c = name_col + 1
    while len(value_cols) < len(VALUE_COLUMNS):
        if c != gso_col:
            value_cols.append(c)
        c += 1
    has_header_text = any(_header_text(ws, merged, col, number_row - 1) for col in value_cols)
    if has_header_text:
        # A sheet with a column added or removed would otherwise be read shifted by one,
        # silently putting every number under the wrong field.
        for col, (kind, _name) in zip(value_cols, VALUE_COLUMNS, strict=True):
            header = _header_text(ws, merged, col, number_row - 1)
            is_rate = "tỷ lệ" in header or "tỉ lệ" in header
            if is_rate != (kind == "rate"):
                expected = "cột tỷ lệ (%)" if kind == "rate" else "cột số hồ sơ"
                return (
                    f"Cột {get_column_letter(col)}: tiêu đề «{header or '(trống)'}» không "
                    f"khớp mẫu Phụ lục, cần {expected}. Kiểm tra xem bảng có thêm hoặc "
                    "thiếu cột không."
                )
    return _Layout(
        stt_col=stt_col, name_col=name_col, gso_col=gso_col, value_cols=tuple(value_cols)
    )


def _is_formula(cell: Cell | MergedCell) -> bool:
    value = cell.value
    if cell.data_type == "f":
        return True
    # ArrayFormula / DataTableFormula objects are formulas too.
    return value is not None and not isinstance(value, str | int | float | Decimal | bool)


def _parse_number_text(text: str) -> Decimal | None:
    """Vietnamese or plain number text -> Decimal; None if it is not a number."""
    cleaned = text.strip().replace("\xa0", "").replace(" ", "").rstrip("%")
    if not cleaned:
        return None
    if "," in cleaned:
        # Comma = decimal separator, dots = thousands: "83,7", "1.234,5".
        whole, _, frac = cleaned.rpartition(",")
        if "," in whole or not frac.isdigit():
            return None
        if whole not in ("", "-") and not (
            _GROUPED_INT.match(whole) or re.match(r"^-?\d+$", whole)
        ):
            return None
        cleaned = whole.replace(".", "") + "." + frac
    elif _GROUPED_INT.match(cleaned):
        cleaned = cleaned.replace(".", "")
    elif not _PLAIN_NUMBER.match(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _format_places(number_format: str) -> int | None:
    """Decimals shown by an Excel number format ("0.00" -> 2); None for General."""
    if not number_format or number_format == "General":
        return None
    section = number_format.split(";")[0]
    match = re.search(r"[0#]\.([0#]+)", section)
    return len(match.group(1)) if match else 0


class _RowReader:
    """Parses the cells of one row, collecting Problems instead of raising."""

    def __init__(self, sheet: str, problems: list[Problem]) -> None:
        self.sheet = sheet
        self.problems = problems

    def add(self, severity: Severity, cell: Cell | MergedCell | None, row: int, msg: str) -> None:
        column = get_column_letter(cell.column) if cell is not None and cell.column else ""
        self.problems.append(Problem(severity, self.sheet, row, column, msg))

    def count(self, cell: Cell | MergedCell, label: str, formula_severity: Severity) -> int | None:
        ref = cell.coordinate
        value = cell.value
        if _is_formula(cell):
            self.add(formula_severity, cell, cell.row, f"Ô {ref} chứa công thức, cần nhập giá trị.")
            return None
        if _is_blank(value):
            self.add("error", cell, cell.row, f"Ô {ref} ({label}) đang trống, cần nhập số.")
            return None
        number: Decimal | None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float | Decimal):
            number = Decimal(str(value))
        else:
            number = _parse_number_text(str(value))
        if number is None:
            self.add(
                "error",
                cell,
                cell.row,
                f"Ô {ref} ({label}): «{value}» không phải là số.",
            )
            return None
        if number != number.to_integral_value():
            self.add(
                "error",
                cell,
                cell.row,
                f"Ô {ref} ({label}): số hồ sơ phải là số nguyên, đang ghi «{value}».",
            )
            return None
        if number < 0:
            self.add(
                "error",
                cell,
                cell.row,
                f"Ô {ref} ({label}): số hồ sơ không được âm, đang ghi «{value}».",
            )
            return None
        return int(number)

    def published_rate(self, cell: Cell | MergedCell) -> tuple[Decimal, int] | None:
        """(printed value, printed decimals), or None when blank or unusable."""
        value = cell.value
        if _is_formula(cell):
            self.add(
                "error", cell, cell.row, f"Ô {cell.coordinate} chứa công thức, cần nhập giá trị."
            )
            return None
        if _is_blank(value):
            return None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            number = Decimal(str(value))
            places = _format_places(cell.number_format)
            if places is None:
                places = max(0, -int(number.normalize().as_tuple().exponent))
            # Keep the value as displayed: 37.5 under "0.00" is printed "37,50".
            return number.quantize(Decimal(1).scaleb(-places)), places
        number = _parse_number_text(str(value))
        if number is None:
            self.add(
                "error",
                cell,
                cell.row,
                f"Ô {cell.coordinate}: tỷ lệ «{value}» không phải là số.",
            )
            return None
        # Printed precision = decimals as written ("83,7" -> 1, "53,40" -> 2).
        text = str(value).strip().rstrip("%").strip()
        places = len(text.rpartition(",")[2]) if "," in text else 0
        if "," not in text and "." in text and not _GROUPED_INT.match(text):
            places = len(text.rpartition(".")[2])
        return number, places


def _section_of(text: str) -> str | None:
    if text.startswith("cấp huyện") or text.startswith("cấp thị xã"):
        return "district"
    if text.startswith("cấp xã"):
        return "commune"
    return None


def _clean_unit_name(raw: str) -> str:
    """Strip "UBND " but keep the type word: "UBND phường Bồng Sơn" -> "phường Bồng Sơn"."""
    name = " ".join(unicodedata.normalize("NFC", raw).replace("\xa0", " ").split())
    lowered = name.casefold()
    for prefix in _UNIT_PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix) :].strip()
    return name


def _gso(value: object, section: str) -> str | None:
    if _is_blank(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        # A numeric cell loses leading zeros ("01" Hà Nội); restore the tier's width.
        return str(value).zfill(3 if section == "district" else 5)
    if isinstance(value, float) and value.is_integer():
        return str(int(value)).zfill(3 if section == "district" else 5)
    return str(value).strip()


def appendix_read_xlsx(
    data: bytes | BinaryIO, *, max_unpacked_bytes: int = 50_000_000
) -> ParsedAppendix:
    """Parse an appendix workbook; bad content becomes Problems, never an exception.

    Raises AppendixError only when the file is not a readable appendix at all.
    """
    raw = data if isinstance(data, bytes | bytearray) else data.read()
    raw = bytes(raw)
    _check_archive(raw, max_unpacked_bytes)
    workbook = _load(raw)
    try:
        sheets: list[Worksheet] = list(workbook.worksheets)
        if all(all(_is_blank(c.value) for row in ws.iter_rows() for c in row) for ws in sheets):
            raise AppendixError("Tệp Excel không có dữ liệu (tất cả các trang tính đều trống).")
        for ws in sheets:
            number_row = _find_number_row(ws)
            if number_row is not None:
                return _read_sheet(ws, number_row)
        raise AppendixError(
            "Không tìm thấy hàng đánh số cột «(1) (2) (3) …» của bảng Phụ lục trong tệp."
        )
    finally:
        workbook.close()


def _read_sheet(ws: Worksheet, number_row: int) -> ParsedAppendix:
    result = ParsedAppendix()
    sheet = ws.title
    layout = _find_layout(ws, number_row)
    if isinstance(layout, str):
        result.problems.append(Problem("error", sheet, number_row, "", layout))
        return result
    reader = _RowReader(sheet, result.problems)
    labels = {
        col: (COUNT_FIELDS[name] if kind == "count" else get_indicator(name).name_vi)
        for col, (kind, name) in zip(layout.value_cols, VALUE_COLUMNS, strict=True)
    }
    section: str | None = None
    seen_names: dict[str, int] = {}
    rate_cells: dict[int, dict[str, tuple[Decimal, int, str]]] = {}
    text_cols = [c for c in (layout.stt_col, layout.name_col) if c is not None]

    for r in range(number_row + 1, ws.max_row + 1):
        value_cells = [ws.cell(row=r, column=c) for c in layout.value_cols]
        has_values = any(not _is_blank(c.value) for c in value_cells)
        texts = [
            (c, str(ws.cell(row=r, column=c).value).strip())
            for c in text_cols
            if not _is_blank(ws.cell(row=r, column=c).value)
        ]
        if not has_values:
            for _col, text in texts:
                found = _section_of(_norm(text))
                if found is not None:
                    section = found
                    break
            # Other text-only rows (notes, signatures) are not data.
            continue
        name_cell = ws.cell(row=r, column=layout.name_col)
        raw_name = name_cell.value
        if _is_formula(name_cell):
            reader.add(
                "error", name_cell, r, f"Ô {name_cell.coordinate} chứa công thức, cần nhập giá trị."
            )
            continue
        name_text = "" if _is_blank(raw_name) else str(raw_name).strip()
        if not name_text:
            # Some files put "Tổng …" in the STT column of a merged A:B cell.
            for _col, text in texts:
                if _norm(text).startswith("tổng"):
                    name_text = text
        normalized = _norm(name_text)
        is_total = normalized.startswith("tổng")
        if not name_text:
            reader.add(
                "error",
                name_cell,
                r,
                f"Dòng {r}: có số liệu nhưng thiếu tên đơn vị (ô {name_cell.coordinate}).",
            )
            continue
        if is_total:
            row_section = (
                "commune_total" if "xã" in normalized and "huyện" not in normalized else "all_total"
            )
        elif section is None:
            reader.add(
                "error",
                name_cell,
                r,
                f"Dòng {r}: đơn vị «{name_text}» nằm trước dòng «Cấp huyện»/«Cấp xã», "
                "không xác định được cấp.",
            )
            continue
        else:
            row_section = section
        counts: dict[str, int] = {}
        published: dict[str, Decimal] = {}
        for cell, (kind, fname) in zip(value_cells, VALUE_COLUMNS, strict=True):
            if kind == "count":
                # Totals are recomputed from the unit rows, so a SUM formula there does not
                # block the import; in a unit row the value itself is missing.
                number = reader.count(cell, labels[cell.column], "warning" if is_total else "error")
                if number is not None:
                    counts[fname] = number
            else:
                parsed = reader.published_rate(cell)
                if parsed is not None:
                    published[fname] = parsed[0]
                    rate_cells.setdefault(r, {})[fname] = (
                        parsed[0],
                        parsed[1],
                        cell.coordinate,
                    )
        gso = None
        if layout.gso_col is not None:
            gso = _gso(ws.cell(row=r, column=layout.gso_col).value, row_section)
        unit_name = name_text if is_total else _clean_unit_name(name_text)
        record = AppendixRow(
            unit_name=unit_name,
            gso_code=gso,
            section=row_section,
            counts=counts,
            published_rates=published,
            sheet=sheet,
            row=r,
        )
        if is_total:
            result.totals.append(record)
            continue
        key = _norm(unit_name)
        if key in seen_names:
            reader.add(
                "error",
                name_cell,
                r,
                f"Dòng {r}: đơn vị «{unit_name}» bị trùng với dòng {seen_names[key]}.",
            )
        else:
            seen_names[key] = r
        for violation in check_identities(counts):
            col = layout.value_cols[_COUNT_COLUMN_INDEX[violation.field]]
            reader.add(
                "error",
                ws.cell(row=r, column=col),
                r,
                f"Dòng {r} ({unit_name}): {violation.message_vi}.",
            )
        result.rows.append(record)

    _check_rates(result, rate_cells, reader)
    _check_totals(result, layout, reader, ws)
    return result


def _scope(result: ParsedAppendix, section: str) -> list[AppendixRow]:
    if section == "commune_total":
        return [row for row in result.rows if row.section == "commune"]
    return list(result.rows)


def _recomputed(rows: Iterable[AppendixRow], code: str) -> Decimal | None:
    indicator = get_indicator(code)
    return ratio_of_sums(indicator_parts(indicator, row.counts) for row in rows)


def _check_rates(
    result: ParsedAppendix,
    rate_cells: Mapping[int, Mapping[str, tuple[Decimal, int, str]]],
    reader: _RowReader,
) -> None:
    for record in [*result.rows, *result.totals]:
        cells = rate_cells.get(record.row, {})
        scope = (
            [record]
            if record.section in ("district", "commune")
            else _scope(result, record.section)
        )
        for code in _CHECKABLE_RATES:
            if code not in cells:
                continue
            printed, places, ref = cells[code]
            indicator = get_indicator(code)
            needed = (*indicator.numerator, indicator.denominator)
            if any(name not in row.counts for row in scope for name in needed):
                continue  # a count is already reported as wrong; do not pile on
            expected = _recomputed(scope, code)
            name = indicator.name_vi
            if expected is None:
                if printed != 0:
                    reader.problems.append(
                        Problem(
                            "warning",
                            record.sheet,
                            record.row,
                            ref.rstrip("0123456789"),
                            f"Ô {ref} ({name}): ghi {format_decimal_vi(printed, places)} % "
                            "nhưng mẫu số bằng 0, không có dữ liệu để tính.",
                        )
                    )
                continue
            shown = round_rate(expected, places)
            if shown != round_rate(printed, places):
                reader.problems.append(
                    Problem(
                        "warning",
                        record.sheet,
                        record.row,
                        ref.rstrip("0123456789"),
                        f"Ô {ref} ({name}, dòng {record.row} {record.unit_name}): ghi "
                        f"{format_decimal_vi(printed, places)} % nhưng tính lại từ số liệu "
                        f"được {format_decimal_vi(shown, places)} %.",
                    )
                )


def _check_totals(
    result: ParsedAppendix, layout: _Layout, reader: _RowReader, ws: Worksheet
) -> None:
    for total in result.totals:
        scope = _scope(result, total.section)
        for fname, found in total.counts.items():
            if any(fname not in row.counts for row in scope):
                continue
            expected = sum(row.counts[fname] for row in scope)
            if found != expected:
                col = layout.value_cols[_COUNT_COLUMN_INDEX[fname]]
                cell = ws.cell(row=total.row, column=col)
                reader.add(
                    "warning",
                    cell,
                    total.row,
                    f"Ô {cell.coordinate} (dòng «{total.unit_name}», {COUNT_FIELDS[fname]}): "
                    f"ghi {format_int_vi(found)} nhưng cộng các đơn vị được "
                    f"{format_int_vi(expected)}.",
                )


# --------------------------------------------------------------------------- writing

_HEADER_FIRST_ROW = 5
_NUMBER_ROW = 8
_N_COLS = 2 + len(VALUE_COLUMNS)
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

# (first col, last col, first row, last row, text) of the seed's merged header, columns
# 1-based: A=STT, B=Đơn vị, C… the value columns.
_HEADER: tuple[tuple[int, int, int, int, str], ...] = (
    (1, 1, 5, 7, "STT"),
    (2, 2, 5, 7, "Đơn vị"),
    (3, 3, 5, 7, "Tổng hồ sơ"),
    (4, 4, 5, 7, "Hồ sơ kỳ trước chuyển sang"),
    (5, 5, 5, 7, "Tổng hồ sơ tiếp nhận kỳ này"),
    (6, 6, 5, 7, "Hồ sơ có tài khoản DVC QG"),
    (7, 10, 5, 5, "Trong đó"),
    (7, 7, 6, 7, "Hồ sơ tiếp nhận (trực tiếp)"),
    (8, 8, 6, 7, "Hồ sơ tiếp nhận (trực tuyến)"),
    (9, 10, 6, 6, "Số hóa thành phần hồ sơ"),
    (9, 9, 7, 7, "Một phần"),
    (10, 10, 7, 7, "Toàn bộ"),
    (11, 11, 5, 7, "Tỷ lệ số hóa TPHS (%)"),
    (12, 12, 5, 7, "Tổng số hồ sơ đã giải quyết"),
    (13, 14, 5, 5, "Trong đó"),
    (13, 13, 6, 7, "Hồ sơ số hóa kết quả"),
    (14, 14, 6, 7, "Tỷ lệ số hóa kết quả (%)"),
    (15, 15, 5, 7, "Hồ sơ sử dụng lại dữ liệu số hóa"),
    (16, 16, 5, 7, "Tỷ lệ tái sử dụng KQ số hóa (%)"),
    (17, 17, 5, 7, "Tỷ lệ hồ sơ trực tuyến (%)"),
    (18, 18, 5, 7, "Tỷ lệ thanh toán trực tuyến (%)"),
    (19, 19, 5, 7, "Tỷ lệ khai thác CSDL về dân cư (%)"),
    (20, 20, 5, 7, "Hồ sơ giải quyết trước và đúng hạn"),
    (21, 21, 5, 7, "Hồ sơ giải quyết trễ hạn"),
    (22, 22, 5, 7, "Số lượng hồ sơ chứng thực điện tử"),
)
# Positional numbering of all 22 columns; formula labels follow the same numbers.
_NUMBER_LABELS: dict[int, str] = {
    11: "(11) = (9+10)/(5)",
    14: "(14) = (13)/(12)",
    16: "(16) = (15)/(5)",
    17: "(17) = (8)/(5)",
}
_WIDTHS: dict[int, float] = {1: 6, 2: 30}


def _put_text(ws: Worksheet, row: int, col: int, text: str) -> Cell:
    return put_text(ws.cell(row=row, column=col), text)


def _put_count(ws: Worksheet, row: int, col: int, value: int | None, bold: bool) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    cell.number_format = "#,##0"
    cell.border = _BORDER
    if bold:
        cell.font = Font(bold=True)


def _put_rate(ws: Worksheet, row: int, col: int, value: Decimal | None, bold: bool) -> None:
    cell = ws.cell(row=row, column=col)
    # Empty, not 0: a zero denominator is "no data".
    cell.value = None if value is None else round_rate(value, 2)
    cell.number_format = "0.00"
    cell.border = _BORDER
    if bold:
        cell.font = Font(bold=True)


def _write_values(ws: Worksheet, row: int, rates_from: list[Mapping[str, int]], bold: bool) -> None:
    """Counts are the sums over `rates_from`; rates are ratios of those sums."""
    for i, (kind, name) in enumerate(VALUE_COLUMNS):
        col = 3 + i
        if kind == "count":
            values = [c.get(name) for c in rates_from]
            total = (
                None if any(v is None for v in values) else sum(v for v in values if v is not None)
            )
            _put_count(ws, row, col, total, bold)
        else:
            indicator = get_indicator(name)
            if len(rates_from) == 1:
                value = indicator_rate(indicator, rates_from[0])
            else:
                value = ratio_of_sums(indicator_parts(indicator, c) for c in rates_from)
            _put_rate(ws, row, col, value, bold)


def _write_unit(
    ws: Worksheet, row: int, stt: int | None, name: str, counts: Mapping[str, int]
) -> None:
    stt_cell = ws.cell(row=row, column=1, value=stt)
    stt_cell.alignment = Alignment(horizontal="center")
    stt_cell.border = _BORDER
    _put_text(ws, row, 2, name).border = _BORDER
    _write_values(ws, row, [counts], bold=False)


def _write_section(ws: Worksheet, row: int, text: str) -> None:
    cell = _put_text(ws, row, 1, text)
    cell.font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)


def appendix_write_xlsx(
    *,
    title: str,
    period_label: str,
    district_rows: list[tuple[str, dict[str, int]]],
    commune_rows: list[tuple[str, dict[str, int]]],
) -> bytes:
    """The official appendix layout as .xlsx bytes; reads back unchanged with the reader."""
    wb = Workbook()
    ws: Worksheet = wb.active  # type: ignore[assignment]
    ws.title = "Phụ lục"
    last = get_column_letter(_N_COLS)
    for r, text, font in (
        (1, "Phụ lục", Font(bold=True, size=12)),
        (2, title, Font(bold=True, size=13)),
        (3, period_label, Font(italic=True)),
    ):
        cell = _put_text(ws, r, 1, text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
        ws.merge_cells(f"A{r}:{last}{r}")

    for c1, c2, r1, r2, text in _HEADER:
        cell = ws.cell(row=r1, column=c1, value=text)
        cell.font = Font(bold=True)
        cell.alignment = _CENTER
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                ws.cell(row=r, column=c).border = _BORDER
        if (c1, r1) != (c2, r2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for col in range(1, _N_COLS + 1):
        cell = ws.cell(row=_NUMBER_ROW, column=col, value=_NUMBER_LABELS.get(col, f"({col})"))
        cell.font = Font(italic=True)
        cell.alignment = _CENTER
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS.get(col, 12)
    ws.row_dimensions[7].height = 45

    row = _NUMBER_ROW + 1
    _write_section(ws, row, "Cấp huyện")
    row += 1
    for name, counts in district_rows:
        _write_unit(ws, row, None, name, counts)
        row += 1
    _write_section(ws, row, "Cấp xã")
    row += 1
    for i, (name, counts) in enumerate(commune_rows, start=1):
        _write_unit(ws, row, i, name, counts)
        row += 1
    for label, scope in (
        ("Tổng số cấp xã", [c for _n, c in commune_rows]),
        ("Tổng cấp huyện và xã", [c for _n, c in (*district_rows, *commune_rows)]),
    ):
        cell = _put_text(ws, row, 2, label)
        cell.font = Font(bold=True)
        cell.border = _BORDER
        ws.cell(row=row, column=1).border = _BORDER
        if scope:
            _write_values(ws, row, scope, bold=True)
        else:
            _write_values(ws, row, [dict.fromkeys(APPENDIX_COUNT_FIELDS, 0)], bold=True)
        row += 1

    ws.freeze_panes = ws.cell(row=_NUMBER_ROW + 1, column=3)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
