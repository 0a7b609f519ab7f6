"""Hoài Nhơn's H1 2023 appendix in every container offices save it in, and damaged or
hostile files of each format, for the format tests and the fuzzing.

The converted copies are committed under fixtures/appendix_formats/ (made once by
scripts/appendix_fixtures.sh with LibreOffice); the hostile files are made here from them
by patching bytes, so no converter runs at test time."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

FORMATS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "appendix_formats"

# name -> what it is. "Seed": the dispatch's layout, numbers as printed text ("11.232",
# "36,6"); "typed": the portal's writer, numbers as numbers with formats.
APPENDIX_COPIES = {
    "hoai_nhon_2023_h1.xls": "seed saved as Excel 97–2003 by LibreOffice",
    "hoai_nhon_2023_h1.ods": "seed saved as .ods by LibreOffice",
    "hoai_nhon_2023_h1_comma.csv": "seed as CSV, comma, UTF-8 without BOM",
    "hoai_nhon_2023_h1_semicolon.csv": "seed as CSV, semicolon, UTF-8 with BOM",
    "hoai_nhon_2023_h1_typed.xls": "typed numbers as .xls",
    "hoai_nhon_2023_h1_typed.ods": "typed numbers as .ods",
    "hoai_nhon_2023_h1_typed_en.csv": "typed numbers, English locale: ',' and 11,232 / 36.59",
    "hoai_nhon_2023_h1_typed_vi.csv": "typed numbers, Vietnamese locale: ';' and 11.232 / 36,59",
    "hoai_nhon_2023_h1_formula.xls": "seed with =SUM(1,2) in H12 (Bồng Sơn), as .xls",
    "hoai_nhon_2023_h1_formula.ods": "seed with =SUM(1,2) in H12 (Bồng Sơn), as .ods",
}


def copy_bytes(name: str) -> bytes:
    return (FORMATS_DIR / name).read_bytes()


# --------------------------------------------------------------------------- .xls


def _globals_bof(data: bytes) -> int:
    """Offset of the workbook globals' BOF record (BIFF8: type 0x0809, version 0x0600,
    substream 0x0005) in the file."""
    position = data.find(b"\x09\x08\x10\x00\x00\x06\x05\x00")
    assert position > 0, "no BIFF8 globals in the fixture"
    return position


def xls_encrypted() -> bytes:
    """The .xls with a FILEPASS record in its globals: what Excel writes for a workbook
    saved with a password to open (the record replaces the one after BOF, same length)."""
    data = bytearray(copy_bytes("hoai_nhon_2023_h1.xls"))
    after_bof = _globals_bof(bytes(data)) + 4 + 16
    data[after_bof : after_bof + 2] = struct.pack("<H", 0x002F)
    return bytes(data)


def _rename_stream(data: bytes, old: str, new: str) -> bytes:
    """An OLE directory entry renamed (UTF-16 name, 64 bytes, then its length in bytes)."""
    encoded_old = old.encode("utf-16-le")
    position = data.find(encoded_old + b"\x00\x00")
    assert position > 0, old
    encoded_new = new.encode("utf-16-le") + b"\x00\x00"
    assert len(encoded_new) <= 64
    patched = bytearray(data)
    patched[position : position + 64] = encoded_new.ljust(64, b"\x00")
    patched[position + 64 : position + 66] = struct.pack("<H", len(encoded_new))
    return bytes(patched)


def ooxml_encrypted() -> bytes:
    """An OLE file holding EncryptionInfo and EncryptedPackage: a password-protected .xlsx
    (Office encrypts a whole .xlsx into such a container)."""
    data = _rename_stream(copy_bytes("hoai_nhon_2023_h1.xls"), "Workbook", "EncryptedPackage")
    return _rename_stream(data, "\x01CompObj", "EncryptionInfo")


def word_document() -> bytes:
    """An OLE file without a workbook stream, named like Word's .doc."""
    return _rename_stream(copy_bytes("hoai_nhon_2023_h1.xls"), "Workbook", "WordDocument")


def xls_truncated() -> bytes:
    return copy_bytes("hoai_nhon_2023_h1.xls")[:3000]


def xls_far_cell(row: int = 65535, column: int = 255) -> bytes:
    """The .xls with its first NUMBER/LABELSST cell moved to (row, column), 0-based: a
    20 kB file whose sheet rectangle would be 65.536 × 256 cells."""
    data = bytearray(copy_bytes("hoai_nhon_2023_h1.xls"))
    for kind in (0x00FD, 0x0203):  # LABELSST, NUMBER
        header = struct.pack("<H", kind)
        position = data.find(header, _globals_bof(bytes(data)) + 20)
        while position > 0:
            length = struct.unpack_from("<H", data, position + 2)[0]
            if length in (10, 14):  # LABELSST / NUMBER bodies
                struct.pack_into("<HH", data, position + 4, row, column)
                return bytes(data)
            position = data.find(header, position + 1)
    raise AssertionError("no cell record found")


def excel4_file() -> bytes:
    """An Excel 4.0 worksheet (BIFF4, not an OLE file): BOF, a NUMBER, EOF."""
    bof = struct.pack("<HHHHH", 0x0409, 6, 0x0000, 0x0010, 0x0000)
    number = struct.pack("<HHHHHd", 0x0203, 14, 0, 0, 0x0F, 1087.0)
    return bof + number + struct.pack("<HH", 0x000A, 0)


# --------------------------------------------------------------------------- .ods

_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
    "<office:body><office:spreadsheet>"
)
_ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def ods_with(tables: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """An .ods whose content.xml holds `tables` (table:table elements)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", (_ODS_HEAD + tables + _ODS_TAIL).encode())
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ods_wide_repeat(columns: int = 100_000) -> bytes:
    """One cell holding a value, repeated across `columns` columns."""
    return ods_with(
        '<table:table table:name="T"><table:table-row>'
        f'<table:table-cell table:number-columns-repeated="{columns}" office:value-type="float"'
        ' office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row></table:table>"
    )


def ods_tall_repeat(rows: int = 1_000_000) -> bytes:
    """One row holding a value, repeated `rows` times."""
    return ods_with(
        f'<table:table table:name="T"><table:table-row table:number-rows-repeated="{rows}">'
        '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
        "</table:table-row></table:table>"
    )


def ods_empty_tail() -> bytes:
    """What LibreOffice writes after the data: a million empty rows of 16.384 empty cells,
    which hold nothing and must cost nothing."""
    return ods_with(
        '<table:table table:name="T"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>Đơn vị</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table>"
    )


def ods_bomb(size: int) -> bytes:
    """An .ods whose content.xml inflates to `size` bytes from a few kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", b" " * size)
    return buffer.getvalue()


def ods_broken_xml() -> bytes:
    data = copy_bytes("hoai_nhon_2023_h1.ods")
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "content.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    return buffer.getvalue()


def ods_with_basic_macro() -> bytes:
    data = copy_bytes("hoai_nhon_2023_h1.ods")
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("Basic/Standard/Module1.xml", b"<script:module/>")
    return buffer.getvalue()


# --------------------------------------------------------------------------- merges


def xls_merge_bomb() -> bytes:
    """The .xls with its first merged range stretched to the whole sheet (xlrd grows the
    sheet to cover a merge, then pads every row)."""
    data = bytearray(copy_bytes("hoai_nhon_2023_h1.xls"))
    position = data.find(struct.pack("<H", 0x00E5), _globals_bof(bytes(data)) + 20)
    while position > 0:
        length, count = struct.unpack_from("<HH", data, position + 2)
        if length == 2 + 8 * count and count:
            struct.pack_into("<HH", data, position + 6 + 2, 65535, 0)  # rwLast, colFirst
            struct.pack_into("<H", data, position + 6 + 6, 255)  # colLast
            return bytes(data)
        position = data.find(struct.pack("<H", 0x00E5), position + 1)
    raise AssertionError("no MERGEDCELLS record found")


def xlsx_merge_bomb() -> bytes:
    """A 2 kB .xlsx with one merge over the whole sheet: openpyxl would build a MergedCell
    for each of its 17 billion cells."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Đơn vị"
    workbook.save(buffer)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"</sheetData>",
                    b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
                    b"</mergeCells>",
                )
            target.writestr(item, content)
    return out.getvalue()


def ods_merge_bomb() -> bytes:
    return ods_with(
        '<table:table table:name="T"><table:table-row>'
        '<table:table-cell table:number-columns-spanned="16384"'
        ' table:number-rows-spanned="1048576" office:value-type="string">'
        "<text:p>Trong đó</text:p></table:table-cell></table:table-row></table:table>"
    )
