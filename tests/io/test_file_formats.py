"""Files as offices have them: the same Hoài Nhơn appendix as .xlsx, .xls, .ods and CSV
(either separator, either decimal mark, with or without BOM) gives the same figures through
one reading layer; damaged and hostile files of each format are refused with a Vietnamese
message and nothing written."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.test import override_settings

from indicators.io.appendix_layout import AppendixError
from indicators.io.appendix_read import appendix_read_xlsx
from indicators.io.files import read_file
from indicators.io.records import ImportRefused
from indicators.io.services import figures_import_commit
from indicators.models import ImportBatch, Period, UnitFigures
from kpi_portal.spreadsheets.archive import SheetBounds
from kpi_portal.spreadsheets.formats import ENCRYPTED_PROBLEM, OLD_EXCEL_PROBLEM, UnreadableTable
from kpi_portal.spreadsheets.tabular import read_tabular
from tests.io import file_formats as ff
from tests.io.test_appendix import build_seed_xlsx, counts_of, load_fixture
from tests.io.test_import_service import H2, ImportCase, seed_xlsx

SEED_COPIES = [
    "hoai_nhon_2023_h1.xls",
    "hoai_nhon_2023_h1.ods",
    "hoai_nhon_2023_h1_comma.csv",
    "hoai_nhon_2023_h1_semicolon.csv",
]
TYPED_COPIES = [
    "hoai_nhon_2023_h1_typed.xls",
    "hoai_nhon_2023_h1_typed.ods",
    "hoai_nhon_2023_h1_typed_en.csv",
    "hoai_nhon_2023_h1_typed_vi.csv",
]


def figures_of(data: bytes, filename: str) -> list[tuple[str, str, dict[str, int]]]:
    parsed = appendix_read_xlsx(data, filename=filename)
    assert parsed.problems == [], [p.message_vi for p in parsed.problems]
    return [(row.unit_name, row.section, row.counts) for row in parsed.rows]


def test_it_ships_every_copy_the_tests_read() -> None:
    assert sorted(p.name for p in ff.FORMATS_DIR.iterdir()) == sorted(ff.APPENDIX_COPIES)
    assert ff.copy_bytes("hoai_nhon_2023_h1_semicolon.csv").startswith(b"\xef\xbb\xbf")
    assert not ff.copy_bytes("hoai_nhon_2023_h1_comma.csv").startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("name", SEED_COPIES + TYPED_COPIES)
def test_it_reads_the_same_figures_from_every_container(name: str) -> None:
    expected = [
        (r["unit_name"].removeprefix("UBND "), r["level"], counts_of(r)) for r in load_fixture()
    ]
    assert figures_of(build_seed_xlsx(), "phu-luc.xlsx") == expected
    assert figures_of(ff.copy_bytes(name), name) == expected


@pytest.mark.parametrize("name", SEED_COPIES)
def test_it_reads_the_printed_rates_and_totals_as_the_xlsx_gives_them(name: str) -> None:
    reference = appendix_read_xlsx(build_seed_xlsx())
    parsed = appendix_read_xlsx(ff.copy_bytes(name), filename=name)
    assert [r.published_rates for r in parsed.rows] == [r.published_rates for r in reference.rows]
    assert [(t.section, t.counts) for t in parsed.totals] == [
        (t.section, t.counts) for t in reference.totals
    ]
    assert parsed.rows[1].published_rates["digitization"] == Decimal("83.7")
    assert [r.row for r in parsed.rows] == [r.row for r in reference.rows]


@pytest.mark.parametrize("name", TYPED_COPIES)
def test_it_keeps_the_printed_precision_of_typed_rates(name: str) -> None:
    parsed = appendix_read_xlsx(ff.copy_bytes(name), filename=name)
    bong_son = parsed.rows[1]
    assert bong_son.published_rates["online"] == Decimal("61.72")
    commune_total = parsed.totals[0]
    assert commune_total.counts["received_online"] == 9805
    assert commune_total.published_rates["online"] == Decimal("66.73")


def test_it_finds_merged_header_cells_in_xls_as_in_xlsx() -> None:
    xlsx = read_tabular(build_seed_xlsx(), "phu-luc.xlsx").sheets[0]
    xls = read_tabular(ff.copy_bytes("hoai_nhon_2023_h1.xls"), "phu-luc.xls").sheets[0]
    ods = read_tabular(ff.copy_bytes("hoai_nhon_2023_h1.ods"), "phu-luc.ods").sheets[0]
    assert xlsx.merged is not None
    assert sorted(xls.merged or []) == sorted(xlsx.merged)
    assert sorted(ods.merged or []) == sorted(xlsx.merged)
    # A merge's value is in its first cell only, as openpyxl reads it.
    assert xls.cell(5, 7).value == "Trong đó" and xls.cell(5, 8).value is None
    assert ods.cell(5, 7).value == "Trong đó" and ods.cell(5, 8).value is None


def test_it_tells_csv_separators_and_decimal_marks_from_the_content() -> None:
    for name in ("hoai_nhon_2023_h1_typed_en.csv", "hoai_nhon_2023_h1_typed_vi.csv"):
        sheet = read_tabular(ff.copy_bytes(name), "bang.txt").sheets[0]
        assert sheet.merged is None  # a CSV cannot say where merges were
        assert sheet.cell(10, 3).value == ("11232" if "_en" in name else "11.232")
        assert sheet.cell(10, 11).value == "36,59"


def test_it_leaves_a_csv_that_shows_no_decimal_convention_as_written() -> None:
    sheet = read_tabular(b"gso_code;received\n21640;1.087\n21685;12,5\n", "a.csv").sheets[0]
    assert [sheet.cell(2, 2).value, sheet.cell(3, 2).value] == ["1.087", "12,5"]
    sheet = read_tabular(b'gso_code,received,rate\n21640,"1,087",36.6\n', "a.csv").sheets[0]
    assert [sheet.cell(2, 2).value, sheet.cell(2, 3).value] == ["1087", "36,6"]
    # "1.087" beside "36.6" is read as the count it most likely is, not as 1,087.
    sheet = read_tabular(b"gso_code,received,rate\n21640,1.087,36.6\n", "a.csv").sheets[0]
    assert [sheet.cell(2, 2).value, sheet.cell(2, 3).value] == ["1.087", "36,6"]


@pytest.mark.parametrize("name", ["hoai_nhon_2023_h1_formula.xls", "hoai_nhon_2023_h1_formula.ods"])
def test_it_reports_a_formula_in_a_unit_row_of_xls_and_ods(name: str) -> None:
    """xlrd and the ods values give a formula's result: the reader still tells it."""
    parsed = appendix_read_xlsx(ff.copy_bytes(name), filename=name)
    assert [p.message_vi for p in parsed.errors] == ["Ô H12 chứa công thức, cần nhập giá trị."]


def test_it_marks_formulas_in_xls_and_ods() -> None:
    xls = read_tabular(ff.copy_bytes("hoai_nhon_2023_h1.xls"), "a.xls").sheets[0]
    assert not any(cell.is_formula for cell in xls.cells.values())
    ods = ff.ods_with(
        '<table:table table:name="T"><table:table-row>'
        '<table:table-cell table:formula="of:=1+2" office:value-type="float" office:value="3">'
        "<text:p>3</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p>'
        "</table:table-cell></table:table-row></table:table>"
    )
    sheet = read_tabular(ods, "a.ods").sheets[0]
    assert sheet.cell(1, 1).is_formula and sheet.cell(1, 1).value == 3
    assert not sheet.cell(1, 2).is_formula


HOSTILE = [
    ("xls_encrypted", ENCRYPTED_PROBLEM),
    ("ooxml_encrypted", ENCRYPTED_PROBLEM),
    ("excel4_file", OLD_EXCEL_PROBLEM),
    ("word_document", "tài liệu Word (.doc), không phải bảng tính"),
    ("xls_truncated", "(.xls) bị hỏng"),
    ("xls_far_cell", "đến dòng 65.536, vượt giới hạn 15.000 dòng"),
    ("ods_wide_repeat", "cột thứ 100.000, vượt giới hạn 200 cột"),
    ("ods_tall_repeat", "đến dòng 1.000.000, vượt giới hạn 15.000 dòng"),
    ("ods_broken_xml", ".ods bị hỏng"),
    ("xls_merge_bomb", "Các ô gộp của trang tính «Phụ lục» (vùng A5:IV65536) vượt giới hạn"),
    ("xlsx_merge_bomb", "Các ô gộp của trang tính «Sheet» (vùng A1:XFD1048576) vượt giới hạn"),
    ("ods_merge_bomb", "Các ô gộp của trang tính «T» (vùng A1:XFD1048576) vượt giới hạn"),
]


@pytest.mark.parametrize(("maker", "message"), HOSTILE)
def test_it_refuses_damaged_and_hostile_files_of_each_format(maker: str, message: str) -> None:
    started = time.perf_counter()
    with pytest.raises(UnreadableTable, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_tabular(getattr(ff, maker)(), "phu-luc.xls")
    assert time.perf_counter() - started < 2


def test_it_words_a_password_and_an_old_format_differently() -> None:
    assert "mật khẩu" in ENCRYPTED_PROBLEM and "cũ" not in ENCRYPTED_PROBLEM
    assert "quá cũ" in OLD_EXCEL_PROBLEM and "mật khẩu" not in OLD_EXCEL_PROBLEM
    assert ".ods" in OLD_EXCEL_PROBLEM  # says which formats can be read


def test_it_holds_the_cell_bounds_for_xls_and_ods() -> None:
    small = SheetBounds(max_rows=20, max_columns=200, max_cells=500_000)
    for name in ("hoai_nhon_2023_h1.xls", "hoai_nhon_2023_h1.ods"):
        with pytest.raises(UnreadableTable, match="vượt giới hạn 20 dòng"):
            read_tabular(ff.copy_bytes(name), name, bounds=small)
    narrow = SheetBounds(max_rows=15_000, max_columns=200, max_cells=500)
    for name in ("hoai_nhon_2023_h1.xls", "hoai_nhon_2023_h1.ods", "hoai_nhon_2023_h1_comma.csv"):
        with pytest.raises(UnreadableTable, match="500 ô"):
            read_tabular(ff.copy_bytes(name), name, bounds=narrow)


def test_it_reads_an_empty_ods_tail_without_expanding_it() -> None:
    started = time.perf_counter()
    sheet = read_tabular(ff.ods_empty_tail(), "a.ods").sheets[0]
    assert (sheet.max_row, sheet.max_column) == (1, 1)
    assert time.perf_counter() - started < 1


def test_it_refuses_an_ods_bomb_from_the_archive_directory() -> None:
    with pytest.raises(UnreadableTable, match="quá lớn khi giải nén"):
        read_tabular(ff.ods_bomb(60_000_000), "a.ods")
    with pytest.raises(AppendixError, match="quá lớn khi giải nén"):
        appendix_read_xlsx(ff.copy_bytes("hoai_nhon_2023_h1.ods"), max_unpacked_bytes=1000)


def test_it_warns_about_a_basic_macro_in_an_ods() -> None:
    parsed = read_file(ff.ods_with_basic_macro(), "phu-luc.ods")
    assert parsed.kind == "appendix"
    assert "macro" in parsed.problems[0].message


class FormatsImportTestCase(ImportCase):
    def stored(self) -> dict[int, dict[str, int | None]]:
        return {
            f.unit_id: f.counts()
            for f in UnitFigures.objects.filter(period__code=H2).order_by("unit_id")
        }

    def test_it_commits_identical_figures_from_every_container(self) -> None:
        preview = self.preview(seed_xlsx(), "phu-luc.xlsx", period=self.h2_spec)
        figures_import_commit(batch=preview.batch, user=self.district)
        expected = self.stored()
        self.assertEqual(len(expected), 18)
        for name in SEED_COPIES + TYPED_COPIES:
            with self.subTest(name=name):
                UnitFigures.objects.filter(period__code=H2).delete()
                preview = self.preview(ff.copy_bytes(name), name, period=self.h2_spec)
                self.assertEqual(preview.analysis.kind, "appendix")
                self.assertEqual(preview.analysis.errors, [])
                self.assertEqual(len(preview.analysis.to_write), 18)
                figures_import_commit(batch=preview.batch, user=self.district)
                self.assertEqual(self.stored(), expected)

    def test_it_refuses_hostile_files_of_each_format_and_writes_nothing(self) -> None:
        batches = ImportBatch.objects.count()
        figures = UnitFigures.objects.count()
        for maker, message in HOSTILE:
            with self.subTest(maker=maker):
                with self.assertRaises(ImportRefused) as caught:
                    self.preview(getattr(ff, maker)(), "phu-luc.xls", period=self.h2_spec)
                self.assertIn(message, str(caught.exception))
        self.assertEqual(ImportBatch.objects.count(), batches)
        self.assertEqual(UnitFigures.objects.count(), figures)
        self.assertFalse(Period.objects.filter(code=H2).exists())

    @override_settings(IMPORT_MAX_ROWS=20)
    def test_it_applies_the_row_bound_of_the_settings_to_every_format(self) -> None:
        for name in SEED_COPIES:
            with self.subTest(name=name), self.assertRaises(ImportRefused) as caught:
                self.preview(ff.copy_bytes(name), name, period=self.h2_spec)
            self.assertIn("20 dòng", str(caught.exception))


def test_it_still_refuses_a_csv_appendix_with_a_column_missing() -> None:
    """A flattened header may leave cells empty where merges were, but a column removed
    shifts the named headers and is caught as in an .xlsx."""
    import csv
    import io

    text = ff.copy_bytes("hoai_nhon_2023_h1_semicolon.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(row[:5] + row[6:] for row in rows)
    parsed = appendix_read_xlsx(out.getvalue().encode(), filename="phu-luc.csv")
    assert parsed.rows == []
    assert "không khớp mẫu Phụ lục" in parsed.problems[0].message_vi
