"""The one check every importer runs before openpyxl opens an upload, and `open_xlsx`."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Mapping

import pytest
from openpyxl import Workbook

from kpi_portal.spreadsheets.archive import (
    OLE_SIGNATURE,
    MergeTally,
    SheetBounds,
    UnreadableXlsx,
    open_xlsx,
    sheet_bounds_problem,
    xlsx_archive_problem,
)
from kpi_portal.spreadsheets.formats import UnreadableTable
from tests.io.file_formats import copy_bytes, ooxml_encrypted

LIMIT = 1_000_000


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def workbook_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Tệp rỗng"),
        (OLE_SIGNATURE + b"\x00" * 600, "(.xls) bị hỏng"),
        (ooxml_encrypted(), "đặt mật khẩu"),
        (copy_bytes("hoai_nhon_2023_h1.xls"), "là Excel 97–2003 (.xls)"),
        (b"PK\x03\x04 broken", "tệp bị hỏng"),
        (zipped({"word/document.xml": b"<w/>"}), "có thể là tệp Word"),
        (zipped({"xl/workbook.xml": b"0" * (LIMIT + 1)}), "quá lớn khi giải nén (1.000.001 byte"),
    ],
)
def test_it_names_what_is_wrong_in_vietnamese(data: bytes, message: str) -> None:
    problem = xlsx_archive_problem(data, max_unpacked_bytes=LIMIT)
    assert problem is not None and message in problem


def test_it_lets_a_real_workbook_through() -> None:
    assert xlsx_archive_problem(workbook_bytes(), max_unpacked_bytes=LIMIT) is None


def test_it_measures_the_unpacked_size_not_the_upload() -> None:
    bomb = zipped({"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": b"0" * 5_000_000})
    assert len(bomb) < 50_000
    problem = xlsx_archive_problem(bomb, max_unpacked_bytes=LIMIT)
    assert problem is not None and "quá lớn" in problem


def test_open_xlsx_refuses_what_the_archive_check_refuses_before_openpyxl_sees_it() -> None:
    with pytest.raises(UnreadableXlsx) as caught:
        open_xlsx(OLE_SIGNATURE + b"\x00" * 600, max_unpacked_bytes=LIMIT)
    assert caught.value.problem is not None and "bị hỏng" in caught.value.problem
    assert caught.value.error is None


def test_open_xlsx_hands_back_openpyxls_error_when_the_archive_passes() -> None:
    with pytest.raises(UnreadableXlsx) as caught:
        open_xlsx(zipped({"xl/workbook.xml": b"not xml"}), max_unpacked_bytes=LIMIT)
    assert caught.value.problem is None
    assert caught.value.error is not None


def test_open_xlsx_opens_a_real_workbook_with_formulas_kept() -> None:
    buffer = io.BytesIO()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "=1+1"
    book.save(buffer)
    workbook = open_xlsx(buffer.getvalue(), max_unpacked_bytes=LIMIT)
    try:
        opened = workbook.active
        assert opened is not None
        assert opened["A1"].value == "=1+1"
    finally:
        workbook.close()


# --------------------------------------------------------------------------- sheet bounds

BOUNDS = SheetBounds(max_rows=1000, max_columns=50, max_cells=5000)


def sheet_with(cells: Mapping[str, str | int], title: str = "Số liệu") -> bytes:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = title
    for reference, value in cells.items():
        ws[reference] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_refuses_one_far_cell_before_openpyxl_builds_the_rectangle() -> None:
    # 1,6 kB on disk; openpyxl's full mode would walk 16.384 × 1.048.576 cells.
    data = sheet_with({"A1": "Mã ĐVHC", "B1": "received", "XFD1048576": "x"})
    assert len(data) < 10_000
    started = time.perf_counter()
    problem = sheet_bounds_problem(data, bounds=SheetBounds.from_settings())
    assert time.perf_counter() - started < 5  # a ceiling against a hang, not a benchmark
    assert problem is not None
    assert "«Số liệu»" in problem and "1.048.576" in problem


def test_it_names_the_far_column_and_the_sheet() -> None:
    problem = sheet_bounds_problem(sheet_with({"A1": 1, "BA3": 2}), bounds=BOUNDS)
    assert problem == (
        "Trang tính «Số liệu» có ô dữ liệu ở BA3, vượt giới hạn 50 cột. Hãy xóa các cột thừa."
    )


def test_it_bounds_the_rectangle_the_readers_walk() -> None:
    # Two cells, but A1:AX101 is 5.050 cells that openpyxl would build.
    problem = sheet_bounds_problem(sheet_with({"A1": 1, "AX101": 2}), bounds=BOUNDS)
    assert problem == (
        "Vùng dữ liệu của trang tính «Số liệu» (A1:AX101) vượt giới hạn 5.000 ô; hãy xóa các "
        "dòng, cột thừa hoặc chia tệp."
    )


def test_it_lets_a_sheet_within_the_bounds_through() -> None:
    cells = {f"{letter}{row}": row for letter in "ABCDEFGHIJ" for row in range(1, 400)}
    assert sheet_bounds_problem(sheet_with(cells), bounds=BOUNDS) is None
    workbook = open_xlsx(sheet_with(cells), max_unpacked_bytes=10 * LIMIT, bounds=BOUNDS)
    assert workbook.active is not None and workbook.active.max_row == 399


def test_open_xlsx_refuses_a_sheet_out_of_bounds() -> None:
    with pytest.raises(UnreadableXlsx, match=r"dòng 1\.001"):
        open_xlsx(sheet_with({"A1001": 1}), max_unpacked_bytes=10 * LIMIT, bounds=BOUNDS)


def test_it_refuses_many_small_merges_once_together_they_cover_too_much() -> None:
    # Each 10 × 10 merge lies within the bounds; fifty of them cover 5.000 cells, the 51st
    # passes max_cells. The merges a streaming reader (.ods, .xls) noted are kept in order.
    merges = MergeTally("Phụ lục", BOUNDS)
    corners = [(1 + 10 * (i // 5), 1 + 10 * (i % 5)) for i in range(51)]
    squares = [(row, col, row + 9, col + 9) for row, col in corners]
    for square in squares[:50]:
        merges.add(square)
    assert merges.ranges == squares[:50] and merges.covered == 5000
    with pytest.raises(UnreadableTable, match=r"Các ô gộp của trang tính «Phụ lục» .*5\.000 ô"):
        merges.add(squares[50])


def test_it_refuses_one_merge_out_of_bounds_at_once() -> None:
    with pytest.raises(UnreadableTable, match=r"«T» \(vùng A1:A1001\)"):
        MergeTally("T", BOUNDS).add((1, 1, 1001, 1))
