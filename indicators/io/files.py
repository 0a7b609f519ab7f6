"""Reading an uploaded file of figures into a ParsedFile. The container (.xlsx, .xls, .ods,
CSV) is told and read by kpi_portal.spreadsheets.tabular into sheets of one shape; then the
same path for all: the official appendix (appendix_read) where a sheet has its numbering
row, else the portal's template or a plain table (table_read). A file that cannot be read
at all raises ImportRefused."""

from __future__ import annotations

from indicators.io.appendix_layout import NUMBER_LABEL, AppendixError, ParsedAppendix
from indicators.io.appendix_read import appendix_read_workbook
from indicators.io.records import (
    APPENDIX_FIELDS,
    META_SHEET,
    ImportProblem,
    ImportRefused,
    ImportRow,
    ParsedFile,
    SheetCell,
)
from indicators.io.table_read import read_table
from kpi_portal.spreadsheets.archive import MACRO_WARNING
from kpi_portal.spreadsheets.cells import norm_text
from kpi_portal.spreadsheets.formats import UnreadableTable
from kpi_portal.spreadsheets.grid import Grid, GridCell, TabularFile
from kpi_portal.spreadsheets.tabular import read_tabular


def _read_sheets(tabular: TabularFile) -> ParsedFile:
    """The appendix if a sheet has its numbering row, else the first sheet with a template
    header; the same path for every container."""
    sheets = [ws for ws in tabular.sheets if ws.title != META_SHEET]
    meta: dict[str, str] = {}
    for ws in tabular.sheets:
        if ws.title == META_SHEET:
            for key_cell, value_cell in ((r[0], r[1]) for r in ws.iter_rows() if len(r) >= 2):
                if key_cell.value:
                    value = value_cell.value
                    meta[str(key_cell.value)] = "" if value is None else str(value)
    is_csv = tabular.container == "csv"
    if all(ws.is_empty() for ws in sheets):
        raise ImportRefused(
            "Tệp CSV không có dữ liệu."
            if is_csv
            else "Tệp không có dữ liệu (các trang tính đều trống)."
        )
    if any(_has_number_row(ws) for ws in sheets):
        try:
            return _from_appendix(appendix_read_workbook(sheets))
        except AppendixError as error:
            raise ImportRefused(str(error)) from None
    for ws in sheets:
        rows = ([_sheet_cell(c) for c in row] for row in ws.iter_rows())
        parsed = read_table(
            rows,
            sheet=ws.title,
            kind="csv" if is_csv else "template",
            header_scan=1 if is_csv else 20,
        )
        if parsed is not None:
            parsed.meta = {**parsed.meta, **meta}  # the rows' periods, the template's marks
            return parsed
    if is_csv:
        raise ImportRefused(
            "Không nhận ra dòng tiêu đề của tệp CSV: dòng đầu tiên cần có cột «gso_code» / "
            "«Mã ĐVHC» hoặc «unit_name» / «Đơn vị», và các cột số liệu (tên trường như "
            "«received» hoặc tên tiếng Việt như «Hồ sơ tiếp nhận trong kỳ»); hoặc là bảng "
            "Phụ lục chính thức (có hàng đánh số cột «(1) (2) (3) …»)."
        )
    raise ImportRefused(
        "Không nhận ra bố cục bảng tính: cần bảng Phụ lục chính thức (có hàng đánh số cột "
        "«(1) (2) (3) …») hoặc mẫu nhập của cổng (dòng tiêu đề có «Mã ĐVHC» hoặc «Đơn vị» và "
        "tên các cột số liệu)."
    )


def _sheet_cell(cell: GridCell) -> SheetCell:
    return SheetCell(cell.value, cell.row, cell.column_letter, cell.is_formula)


def _has_number_row(ws: Grid) -> bool:
    for row in ws.iter_rows(max_row=40):
        numbers = [c.value for c in row if isinstance(c.value, str) and NUMBER_LABEL.match(c.value)]
        if len(numbers) >= 5 and any(
            norm_text(v).replace(" ", "").startswith("(1)") for v in numbers
        ):
            return True
    return False


def _from_appendix(appendix: ParsedAppendix) -> ParsedFile:
    parsed = ParsedFile(kind="appendix", fields=APPENDIX_FIELDS)
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


def read_file(data: bytes, filename: str) -> ParsedFile:
    """The figures in an upload: .xlsx, .xls, .ods or CSV (told from the content), as the
    official appendix, the portal's template or a plain table. Raises ImportRefused."""
    try:
        tabular = read_tabular(data, filename)
    except UnreadableTable as unreadable:
        raise ImportRefused(str(unreadable)) from None
    parsed = _read_sheets(tabular)
    if tabular.has_macros:
        parsed.problems.insert(0, ImportProblem("warning", "", 0, "", MACRO_WARNING))
    return parsed
