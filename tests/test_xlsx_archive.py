"""The one check every importer runs before openpyxl opens an upload, and `open_xlsx`."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from kpi_portal.spreadsheets.archive import (
    OLE_SIGNATURE,
    UnreadableXlsx,
    open_xlsx,
    xlsx_archive_problem,
)

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
        (OLE_SIGNATURE + b"\x00" * 600, "đặt mật khẩu"),
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
    assert caught.value.problem is not None and "đặt mật khẩu" in caught.value.problem
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
