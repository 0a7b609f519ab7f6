"""The one check every importer runs before openpyxl opens an upload."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from kpi_portal.spreadsheets.archive import OLE_SIGNATURE, xlsx_archive_problem

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
