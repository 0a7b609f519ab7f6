"""Opening an uploaded .xlsx: the archive checks first, then openpyxl.

An .xlsx is a zip archive. openpyxl would happily inflate a zip bomb, and a password-
protected file or an .xls (both OLE containers) gives it nothing to read, so the reading
layer (`tabular.read_tabular`, which every importer uses) opens an .xlsx through
`open_xlsx`; the other formats have their own readers beside this one."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO
from xml.etree import ElementTree

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from indicators.domain.formatting import format_int_vi
from kpi_portal.spreadsheets.formats import ACCEPTED_FORMATS, UnreadableTable
from kpi_portal.spreadsheets.grid import MergedRange

# What zipfile raises on a damaged archive: a bad directory, a member that fails its CRC,
# inflates wrongly or ends early, an unknown compression method or zip version, a member
# encrypted with a zip password (RuntimeError).
ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    RuntimeError,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    OSError,
    ValueError,
)
# And an XML member that does not parse or declares an unknown encoding (LookupError).
ZIP_OR_XML_ERRORS: tuple[type[Exception], ...] = (*ZIP_ERRORS, ElementTree.ParseError, LookupError)

# OLE compound file: an .xls, or any Office file saved with a password (encrypted).
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"


class UnreadableXlsx(Exception):
    """The upload cannot be opened as a workbook.

    `problem` is the archive check's Vietnamese message; it is None when the archive passed
    but openpyxl failed on it (`error` is then openpyxl's exception). Each importer words
    that second case itself and raises its own exception type."""

    def __init__(self, problem: str | None, error: Exception | None = None) -> None:
        super().__init__(problem or str(error))
        self.problem = problem
        self.error = error


def xlsx_archive_problem(data: bytes, *, max_unpacked_bytes: int) -> str | None:
    """Why `data` may not be opened as a workbook, in Vietnamese, or None when it may."""
    if not data:
        return "Tệp rỗng, không có dữ liệu."
    if data.startswith(OLE_SIGNATURE):
        from kpi_portal.spreadsheets.xls import ole_problem  # xls reads SheetBounds from here

        return ole_problem(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except ZIP_ERRORS:
        return "Tệp không phải là tệp Excel .xlsx hợp lệ (tệp bị hỏng)."
    # zipfile stops inflating at a member's declared size, so the declared sum bounds the
    # work openpyxl can be made to do.
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked_bytes:
        return (
            f"Tệp Excel quá lớn khi giải nén ({format_int_vi(unpacked)} byte, tối đa "
            f"{format_int_vi(max_unpacked_bytes)} byte); có thể là tệp nén độc hại."
        )
    if "xl/workbook.xml" not in {member.filename for member in members}:
        return (
            "Tệp nén không phải bảng tính Excel .xlsx (có thể là tệp Word hoặc tệp nén khác). "
            + ACCEPTED_FORMATS
        )
    return None


@dataclass(frozen=True)
class SheetBounds:
    """The largest sheet an upload may hold. openpyxl's full mode walks the rectangle from A1
    to the last cell, so one styled cell at XFD1048576 in a 1,6 KB file would make it build
    17 billion cells; the bounds are checked on the cells the sheet really holds, streamed
    from its XML before openpyxl sees it. The declared <dimension> is not trusted either way
    (generators write stale ones)."""

    max_rows: int
    max_columns: int
    max_cells: int  # of the rectangle from A1 to the last cell, which openpyxl walks

    @classmethod
    def from_settings(cls) -> SheetBounds:
        return cls(
            max_rows=settings.IMPORT_MAX_ROWS,
            max_columns=settings.IMPORT_MAX_COLUMNS,
            max_cells=settings.IMPORT_MAX_CELLS,
        )


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Archive member -> sheet title, from the workbook and its relationships (best effort:
    a member without a title is named by its file)."""
    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {}
    for rel in rels.iter(f"{_NS_PACKAGE_REL}Relationship"):
        target = rel.get("Target", "")
        # Relative to xl/, or absolute within the package.
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    titles = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        member = targets.get(sheet.get(f"{_NS_REL}id"))
        if member:
            titles[member] = sheet.get("name", "")
    return titles


def sheet_bounds_problem(data: bytes, *, bounds: SheetBounds) -> str | None:
    """Why a sheet of the workbook in `data` is too large to open, in Vietnamese, or None.
    Streams each worksheet's XML once and stops at the first bound passed, so the cost is
    bounded by the (already bounded) unpacked size, not by where the cells are."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            titles = _sheet_titles(archive)
            for member in archive.namelist():
                if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                    with archive.open(member) as stream:
                        problem = _sheet_problem(stream, titles.get(member, member), bounds)
                    if problem:
                        return problem
    except ZIP_OR_XML_ERRORS:
        return None  # openpyxl then reports the broken file in its own words
    return None


def _sheet_problem(stream: IO[bytes], title: str, bounds: SheetBounds) -> str | None:
    cells = 0
    merged: list[MergedRange] = []
    row_number = column_number = last_column = 0
    for _event, element in ElementTree.iterparse(stream, events=("start",)):
        tag = element.tag
        if tag == f"{_NS_MAIN}row":
            reference = element.get("r")
            row_number = int(reference) if reference and reference.isdigit() else row_number + 1
            column_number = 0
            if row_number > bounds.max_rows:
                return (
                    f"Trang tính «{title}» có dữ liệu đến dòng {format_int_vi(row_number)}, "
                    f"vượt giới hạn {format_int_vi(bounds.max_rows)} dòng. Hãy xóa các dòng "
                    "thừa hoặc chia tệp."
                )
        elif tag == f"{_NS_MAIN}c":
            cells += 1
            match = _CELL_REF.match(element.get("r") or "")
            column_number = _column_number(match.group(1)) if match else column_number + 1
            if column_number > bounds.max_columns:
                where = f"{get_column_letter(min(column_number, 18278))}{row_number}"
                return (
                    f"Trang tính «{title}» có ô dữ liệu ở {where}, vượt giới hạn "
                    f"{bounds.max_columns} cột. Hãy xóa các cột thừa."
                )
            last_column = max(last_column, column_number)
            if row_number * last_column > bounds.max_cells:
                # openpyxl's readers walk the rectangle from A1, empty cells included.
                return (
                    f"Vùng dữ liệu của trang tính «{title}» (A1:"
                    f"{get_column_letter(min(last_column, 18278))}{row_number}) vượt giới hạn "
                    f"{format_int_vi(bounds.max_cells)} ô; hãy xóa các dòng, cột thừa hoặc "
                    "chia tệp."
                )
        elif tag == f"{_NS_MAIN}mergeCell":
            found = _merged_range(element.get("ref") or "")
            if found is not None:
                merged.append(found)
        element.clear()
    return merged_problem(title, merged, bounds)


def _merged_range(reference: str) -> MergedRange | None:
    first, _, last = reference.partition(":")
    start, end = _CELL_REF.match(first), _CELL_REF.match(last or first)
    if start is None or end is None:
        return None
    return (
        int(start.group(2)),
        _column_number(start.group(1)),
        int(end.group(2)),
        _column_number(end.group(1)),
    )


def merged_problem(title: str, ranges: Iterable[MergedRange], bounds: SheetBounds) -> str | None:
    """Why a sheet's merged ranges are too large, in Vietnamese, or None. A reader fills a
    merge cell by cell (openpyxl builds a MergedCell for each, the appendix reader maps
    each to its value), so one merge over a whole sheet is a bomb of its own: every merge
    must lie within the bounds and together they may cover at most max_cells cells."""
    covered = 0
    for min_row, min_col, max_row, max_col in ranges:
        rows, columns = max_row - min_row + 1, max_col - min_col + 1
        covered += max(rows, 0) * max(columns, 0)
        if max_row > bounds.max_rows or max_col > bounds.max_columns or covered > bounds.max_cells:
            where = (
                f"{get_column_letter(min(max(min_col, 1), 18278))}{min_row}:"
                f"{get_column_letter(min(max(max_col, 1), 18278))}{max_row}"
            )
            return (
                f"Các ô gộp của trang tính «{title}» (vùng {where}) vượt giới hạn "
                f"{format_int_vi(bounds.max_rows)} dòng, {bounds.max_columns} cột hoặc "
                f"{format_int_vi(bounds.max_cells)} ô; hãy bỏ gộp các ô thừa."
            )
    return None


@dataclass
class MergeTally:
    """A sheet's merged ranges as a streaming reader (.ods, .xls) meets them, held to the
    bounds of `merged_problem` one at a time: each merge is checked on its own, the whole
    list only once it covers more than max_cells, so a sheet of many small merges costs
    linear time. `ranges` may be the Grid's own list, filled in place."""

    title: str
    bounds: SheetBounds
    ranges: list[MergedRange] = field(default_factory=list)
    covered: int = 0

    def add(self, merge: MergedRange) -> None:
        """Note one more merge; raises UnreadableTable (merged_problem's message) as soon
        as the merges break the bounds."""
        min_row, min_col, max_row, max_col = merge
        self.ranges.append(merge)
        self.covered += max(max_row - min_row + 1, 0) * max(max_col - min_col + 1, 0)
        problem = merged_problem(self.title, [merge], self.bounds)
        if problem is None and self.covered > self.bounds.max_cells:
            problem = merged_problem(self.title, self.ranges, self.bounds)
        if problem:
            raise UnreadableTable(problem)


MACRO_WARNING = (
    "Tệp có chứa macro (VBA), thường là tệp .xlsm được đổi tên: cổng chỉ đọc số liệu và bỏ "
    "qua macro. Nếu tệp không phải do đơn vị soạn, hãy kiểm tra lại nguồn gốc."
)


def has_macros(data: bytes) -> bool:
    """Whether the workbook carries a VBA project (openpyxl never runs it; the user should
    still know that what they picked is not a plain workbook)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())
    except ZIP_ERRORS:
        return False


def open_xlsx(
    data: bytes,
    *,
    max_unpacked_bytes: int,
    read_only: bool = False,
    bounds: SheetBounds | None = None,
) -> Workbook:
    """The workbook in `data`, formulas kept as formulas (data_only=False: a formula's cached
    value may be stale or absent, so importers ask for values instead).

    Raises UnreadableXlsx when the archive check or the sheet bounds (those of the settings
    unless `bounds` says otherwise) refuse the file, or openpyxl cannot read it. The caller
    closes the workbook."""
    problem = xlsx_archive_problem(data, max_unpacked_bytes=max_unpacked_bytes)
    problem = problem or sheet_bounds_problem(data, bounds=bounds or SheetBounds.from_settings())
    if problem:
        raise UnreadableXlsx(problem)
    try:
        return load_workbook(io.BytesIO(data), read_only=read_only, data_only=False)
    except Exception as error:  # openpyxl raises many types for corrupt parts
        raise UnreadableXlsx(None, error) from error
