"""Import service: every parser path, every bad file, unit matching, scope, all-or-nothing."""

from __future__ import annotations

import csv
import io
import time
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from typing import Any
from unittest import mock

from django.test import override_settings
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from indicators.domain import formulas, periods
from indicators.figures import services
from indicators.io.analysis import figures_import_analyse
from indicators.io.exports import figures_template_xlsx
from indicators.io.records import APPENDIX_FIELDS, ImportAnalysis, ImportRefused
from indicators.io.services import figures_import_commit, figures_import_preview
from indicators.io.unit_names import unit_name_key
from indicators.models import (
    FiguresChange,
    FiguresStatus,
    ImportBatch,
    Period,
    UnitFigures,
)
from tests.base import BaseTestCase
from tests.io.file_formats import ooxml_encrypted, xls_encrypted
from tests.io.test_appendix import COUNT_NAMES, build_seed_xlsx, counts_of, load_fixture
from units.models import AdministrativeUnit, Role
from units.selectors import unit_by_code

H1 = "2023-H1-CAL"
H2 = "2023-H2-CAL"  # no figures, no Period row in the session data


def seed_xlsx(edit: Callable[[Worksheet], None] | None = None) -> bytes:
    return build_seed_xlsx(edit)


def csv_bytes(rows: Sequence[Sequence[object]], *, bom: bool = True, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def workbook_bytes(fill: Callable[[Worksheet], None]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    fill(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fixture_counts() -> dict[str, dict[str, int]]:
    return {r["gso_code"]: counts_of(r) for r in load_fixture()}


class ImportCase(BaseTestCase):
    h1: Period
    bong_son: AdministrativeUnit
    h2_spec: periods.PeriodSpec

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.h1 = Period.objects.get(code=H1)
        cls.bong_son = unit_by_code("21640", on=cls.h1.end)
        cls.h2_spec = periods.parse_period_code(H2)
        # The session data may load the published figures as approved; imports replace
        # drafts, so start from drafts and approve where a test needs it.
        UnitFigures.objects.filter(period=cls.h1).update(status=FiguresStatus.DRAFT)

    def preview(self, data: bytes, filename: str = "phu-luc.xlsx", **kwargs: object):
        # Any: the tests override any keyword argument, with any value.
        options: dict[str, Any] = {
            "parent": self.hoai_nhon,
            "period": self.h1,
            "user": self.district,
        }
        options.update(kwargs)
        return figures_import_preview(data=data, filename=filename, **options)

    def messages(self, analysis: ImportAnalysis, severity: str = "error") -> list[str]:
        return [p.message for p in analysis.problems if p.severity == severity]

    def snapshot(self, period: Period | None = None) -> dict[int, tuple]:
        figures = UnitFigures.objects.filter(period=period or self.h1)
        return {f.unit_id: (f.version, f.status, *f.counts().values()) for f in figures}


class AppendixImportTestCase(ImportCase):
    def test_it_previews_and_commits_the_seed_appendix_into_a_new_period(self) -> None:
        data = seed_xlsx()
        started = time.perf_counter()
        preview = self.preview(data, period=self.h2_spec)
        self.assertEqual(preview.analysis.kind, "appendix")
        self.assertEqual(preview.analysis.errors, [])
        self.assertEqual(len(preview.analysis.rows), 18)
        self.assertEqual({r.action for r in preview.analysis.rows}, {"create"})
        self.assertEqual(preview.analysis.rows[0].unit, self.hoai_nhon)  # "Cấp huyện" row
        self.assertEqual(preview.batch.status, ImportBatch.Status.PREVIEW)
        self.assertEqual(bytes(preview.batch.content), data)
        self.assertEqual(len(preview.batch.report["rows"]), 18)
        self.assertFalse(UnitFigures.objects.filter(period__code=H2).exists())

        result = figures_import_commit(batch=preview.batch, user=self.district)
        elapsed = time.perf_counter() - started
        self.assertLess(elapsed, 10)
        self.assertEqual((result.created, result.replaced), (18, 0))
        assert result.batch is not None  # a commit returns the batch it committed
        self.assertEqual(result.batch.status, ImportBatch.Status.COMMITTED)
        expected = fixture_counts()
        stored = UnitFigures.objects.filter(period__code=H2).select_related("unit")
        self.assertEqual(len(stored), 18)
        for figures in stored:
            self.assertEqual(
                {n: getattr(figures, n) for n in APPENDIX_FIELDS}, expected[figures.unit.code]
            )
            # The import is the submission: submitted, never approved by it.
            self.assertEqual(figures.status, FiguresStatus.SUBMITTED)
            self.assertIsNotNone(figures.submitted_at)
            self.assertIsNone(figures.approved_by)
            self.assertEqual(figures.entered_by, self.district)
        changes = FiguresChange.objects.filter(figures__period__code=H2)
        self.assertEqual(set(changes.values_list("action", flat=True)), {"import", "submit"})
        submits = changes.filter(action="submit")
        self.assertEqual(submits.count(), 18)
        self.assertEqual(
            {c.comment for c in submits},
            {f"Nộp bằng lần nhập tệp #{preview.batch.pk} (phu-luc.xlsx)"},
        )

    def test_it_leaves_identical_figures_alone(self) -> None:
        before = self.snapshot()
        preview = self.preview(seed_xlsx())
        self.assertEqual({r.action for r in preview.analysis.rows}, {"unchanged"})
        result = figures_import_commit(batch=preview.batch, user=self.district)
        self.assertEqual((result.written, result.unchanged), (0, 18))
        self.assertEqual(self.snapshot(), before)

    def test_it_replaces_a_draft_and_records_the_import_in_history(self) -> None:
        UnitFigures.objects.filter(unit=self.bong_son, period=self.h1).update(
            status=FiguresStatus.SUBMITTED
        )

        def edit(ws: Worksheet) -> None:
            ws["C12"] = "1.088"  # Bồng Sơn total, was 1.087
            ws["E12"] = "1.072"  # received
            ws["H12"] = 662  # online: received = in person + online still holds

        preview = self.preview(seed_xlsx(edit))
        self.assertEqual(preview.analysis.errors, [], self.messages(preview.analysis))
        actions = {r.unit.code: r.action for r in preview.analysis.rows}
        self.assertEqual(actions["21640"], "replace")
        self.assertEqual(list(actions.values()).count("unchanged"), 17)
        figures_import_commit(batch=preview.batch, user=self.district)
        figures = UnitFigures.objects.get(unit=self.bong_son, period=self.h1)
        self.assertEqual(
            (figures.total, figures.received, figures.received_online), (1088, 1072, 662)
        )
        self.assertEqual(figures.status, FiguresStatus.SUBMITTED)  # submitted again, by the import
        change = figures.changes.get(field="total")
        self.assertEqual(
            (change.action, change.old_value, change.new_value, change.changed_by),
            ("import", 1087, 1088, self.district),
        )

    def test_it_refuses_approved_figures_that_would_change(self) -> None:
        UnitFigures.objects.filter(unit=self.bong_son, period=self.h1).update(
            status=FiguresStatus.APPROVED
        )
        unchanged = self.preview(seed_xlsx())
        self.assertEqual(unchanged.analysis.errors, [])  # same values: nothing to unlock

        changed = self.preview(seed_xlsx(lambda ws: ws.__setitem__("V12", 548)))
        errors = changed.analysis.errors
        self.assertEqual(len(errors), 1)
        self.assertIn("đã duyệt, cần mở khóa", errors[0].message)
        self.assertEqual((errors[0].sheet, errors[0].row), ("Phụ lục", 12))

    def test_it_reports_published_rate_and_total_mismatches_as_warnings(self) -> None:
        def edit(ws: Worksheet) -> None:
            ws["Q12"] = "70,5"  # online rate of Bồng Sơn, 61,72 recomputed
            ws["C29"] = "15.000"  # Tổng số cấp xã

        preview = self.preview(seed_xlsx(edit))
        self.assertEqual(preview.analysis.errors, [])
        warnings = preview.analysis.warnings
        self.assertEqual({(w.row, w.column) for w in warnings}, {(12, "Q"), (29, "C")})
        self.assertEqual(preview.batch.report["warning_count"], 2)

    def test_it_warns_about_a_macro_workbook_renamed_xlsx(self) -> None:
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(seed_xlsx())) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in source.infolist():
                target.writestr(item, source.read(item))
            target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run")
        preview = self.preview(out.getvalue())
        self.assertEqual(preview.analysis.errors, [])
        self.assertIn("macro (VBA)", self.messages(preview.analysis, "warning")[0])
        self.assertEqual(self.preview(seed_xlsx()).analysis.warnings, [])

    def test_it_refuses_formulas_in_unit_rows(self) -> None:
        preview = self.preview(seed_xlsx(lambda ws: ws.__setitem__("D12", "=1+15")))
        errors = preview.analysis.errors
        self.assertTrue(any(e.column == "D" and "công thức" in e.message for e in errors))
        with self.assertRaises(ImportRefused):
            figures_import_commit(batch=preview.batch, user=self.district)

    def test_it_finds_the_unit_by_gso_code_as_of_the_period(self) -> None:
        def edit(ws: Worksheet) -> None:
            ws["W5"] = "Mã ĐVHC"  # after the value columns
            ws["W10"] = "543"
            ws["W12"] = 21640
            ws["B12"] = "Tên cũ viết khác"

        preview = self.preview(seed_xlsx(edit))
        self.assertEqual(preview.analysis.errors, [], self.messages(preview.analysis))
        row = next(r for r in preview.analysis.rows if r.row == 12)
        self.assertEqual(row.unit, self.bong_son)
        self.assertTrue(
            any("nhận theo mã" in w for w in self.messages(preview.analysis, "warning"))
        )

    def test_it_reports_unknown_and_duplicate_units(self) -> None:
        def edit(ws: Worksheet) -> None:
            ws["B12"] = "UBND phường Không Có"
            ws["B14"] = "Phường Hoài Đức"  # also on row 13

        preview = self.preview(seed_xlsx(edit))
        errors = {e.row: e.message for e in preview.analysis.errors}
        self.assertIn("không tìm thấy đơn vị «phường Không Có»", errors[12])
        self.assertIn("trùng với dòng 13", errors[14])

    def test_it_reports_an_appendix_without_unit_rows(self) -> None:
        analysis = self.preview(seed_xlsx(lambda ws: ws.delete_rows(9, 40))).analysis
        self.assertIn("không có dòng đơn vị nào", analysis.errors[0].message)


class NameMatchingTestCase(ImportCase):
    def rows_for(self, names: list[str], parent=None) -> ImportAnalysis:
        rows: list[list[object]] = [
            ["unit_name", "received", "received_online", "received_in_person"]
        ]
        rows += [[name, 10, 4, 6] for name in names]
        return figures_import_analyse(
            data=csv_bytes(rows),
            filename="x.csv",
            parent=parent or self.hoai_nhon,
            spec=self.h2_spec,
            period=None,
            user=self.admin,
        )

    def test_it_tolerates_case_spacing_unicode_forms_and_prefixes(self) -> None:
        names = [
            "UBND  phường   BỒNG SƠN",
            "hoài đức",
            unicodedata.normalize("NFD", "Xã Hoài Mỹ"),
            "Ủy ban nhân dân xã Hoài Hải",
            "Thị xã Hoài Nhơn",
            "Phường Tam Quan",
            "Tam Quan Bắc",
        ]
        analysis = self.rows_for(names)
        self.assertEqual(analysis.errors, [], self.messages(analysis))
        self.assertEqual(
            [r.unit.code for r in analysis.rows],  # type: ignore[union-attr]  # no errors: all matched
            ["21640", "21685", "21682", "21676", "543", "21637", "21655"],
        )

    def test_it_never_guesses_between_two_candidates(self) -> None:
        ba_to = unit_by_code("535", on=self.h1.end)
        analysis = self.rows_for(["Ba Tơ", "Huyện Ba Tơ", "thị trấn Ba Tơ"], parent=ba_to)
        errors = analysis.errors
        self.assertEqual(len(errors), 1)
        self.assertIn("Huyện Ba Tơ", errors[0].message)
        self.assertIn("Thị trấn Ba Tơ", errors[0].message)
        self.assertEqual([r.unit is not None for r in analysis.rows], [False, True, True])

    def test_it_accepts_old_and_new_tone_placement(self) -> None:
        self.assertEqual(unit_name_key("Phường Hoà Bình"), ("phường hòa bình", "hòa bình"))


class TableImportTestCase(ImportCase):
    def test_it_reads_its_own_template(self) -> None:
        template = figures_template_xlsx(parent=self.hoai_nhon, spec=self.h2_spec, period=None)
        wb = load_workbook(io.BytesIO(template))
        ws = wb["Số liệu"]
        ws["C5"], ws["E5"], ws["F5"], ws["G5"], ws["H5"] = 105, 100, 60, 40, 60  # row of unit 2
        ws["C6"] = "1.087"
        ws["D6"], ws["E6"], ws["G6"], ws["H6"] = 16, "1.071", 410, 661
        out = io.BytesIO()
        wb.save(out)
        preview = self.preview(out.getvalue(), "mau.xlsx", period=self.h2_spec)
        analysis = preview.analysis
        self.assertEqual(analysis.kind, "template")
        self.assertEqual(analysis.errors, [], self.messages(analysis))
        self.assertEqual(len(analysis.rows), 2)
        self.assertEqual(len(analysis.skipped), 16)
        self.assertEqual(analysis.rows[1].counts["total"], 1087)
        figures_import_commit(batch=preview.batch, user=self.district)
        self.assertEqual(UnitFigures.objects.filter(period__code=H2).count(), 2)

    def test_it_refuses_a_template_made_for_another_period(self) -> None:
        template = figures_template_xlsx(parent=self.hoai_nhon, spec=self.h1.spec, period=self.h1)
        analysis = self.preview(template, "mau.xlsx", period=self.h2_spec).analysis
        self.assertTrue(any("được tạo cho kỳ 2023-H1-CAL" in m for m in self.messages(analysis)))

    def test_it_refuses_formulas_and_bad_numbers_in_the_template(self) -> None:
        template = figures_template_xlsx(parent=self.hoai_nhon, spec=self.h2_spec, period=None)
        wb = load_workbook(io.BytesIO(template))
        ws = wb["Số liệu"]
        ws["C4"] = "=D4+E4"
        ws["E5"] = -3
        ws["E6"] = 12.5
        ws["E7"] = "nhiều"
        out = io.BytesIO()
        wb.save(out)
        analysis = self.preview(out.getvalue(), "mau.xlsx", period=self.h2_spec).analysis
        errors = {(e.row, e.column): e.message for e in analysis.errors}
        self.assertIn("công thức", errors[(4, "C")])
        self.assertIn("không được âm", errors[(5, "E")])
        self.assertIn("số nguyên", errors[(6, "E")])
        self.assertIn("không phải là số", errors[(7, "E")])

    def test_it_reads_csv_with_vietnamese_headers_bom_and_grouped_numbers(self) -> None:
        labels = formulas.COUNT_FIELDS
        header = ["Mã ĐVHC", "Đơn vị", labels["total"], labels["carried_over"], labels["received"]]
        data = csv_bytes([header, ["21640", "Phường Bồng Sơn", "1.087", "16", "1.071"]])
        analysis = self.preview(data, "so-lieu.csv").analysis
        self.assertEqual(analysis.kind, "csv")
        self.assertEqual(analysis.errors, [], self.messages(analysis))
        self.assertEqual(analysis.fields, ("total", "carried_over", "received"))
        self.assertEqual(
            analysis.rows[0].counts, {"total": 1087, "carried_over": 16, "received": 1071}
        )
        self.assertEqual(analysis.rows[0].action, "unchanged")

    def test_it_reads_the_seed_csv_without_bom(self) -> None:
        from tests.io.test_appendix import FIXTURE

        analysis = self.preview(FIXTURE.read_bytes(), "hoai_nhon_2023_h1.csv").analysis
        self.assertEqual(analysis.errors, [], self.messages(analysis))
        self.assertEqual(len(analysis.rows), 18)
        self.assertEqual(set(analysis.fields), set(COUNT_NAMES))
        self.assertEqual({r.action for r in analysis.rows}, {"unchanged"})

    def test_it_reads_semicolon_csv_with_names_only(self) -> None:
        data = csv_bytes(
            [
                ["unit_name", "received", "received_in_person", "received_online"],
                ["Hoài Đức", 9, 4, 5],
            ],
            bom=False,
            delimiter=";",
        )
        analysis = self.preview(data, "x.csv", period=self.h2_spec).analysis
        self.assertEqual(analysis.errors, [], self.messages(analysis))
        self.assertEqual(analysis.rows[0].unit, self.hoai_duc)

    def test_it_reports_broken_identities_at_their_cell(self) -> None:
        data = csv_bytes(
            [["gso_code", "total", "carried_over", "received"], ["21640", 100, 10, 80]]
        )
        errors = self.preview(data, "x.csv", period=self.h2_spec).analysis.errors
        self.assertEqual((errors[0].row, errors[0].column), (2, "B"))
        self.assertIn("Tổng số hồ sơ (100) phải bằng", errors[0].message)

    def test_it_reports_codes_outside_the_parent_and_unknown_codes(self) -> None:
        data = csv_bytes(
            [["gso_code", "received"], ["21460", 5], ["99999", 5], ["21640", 5], ["21640", 6]]
        )
        errors = [
            e.message for e in self.preview(data, "x.csv", period=self.h2_spec).analysis.errors
        ]
        self.assertTrue(any("không thuộc Thị xã Hoài Nhơn" in e for e in errors), errors)
        self.assertTrue(any("Không có đơn vị mã 99999" in e for e in errors), errors)
        self.assertTrue(any("trùng với dòng 4" in e for e in errors), errors)

    def test_it_refuses_a_csv_row_for_another_period(self) -> None:
        data = csv_bytes([["period", "gso_code", "received"], [H1, "21640", 5]])
        errors = self.preview(data, "x.csv", period=self.h2_spec).analysis.errors
        self.assertIn("không phải kỳ 2023-H2-CAL", errors[0].message)


class BadFileTestCase(ImportCase):
    def assertRefused(self, data: bytes, filename: str, expected: str) -> None:
        before = self.snapshot()
        batches = ImportBatch.objects.count()
        with self.assertRaises(ImportRefused) as caught:
            self.preview(data, filename, period=self.h2_spec)
        self.assertIn(expected, str(caught.exception))
        self.assertEqual(ImportBatch.objects.count(), batches)
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(Period.objects.filter(code=H2).exists())

    def test_it_refuses_files_that_are_neither_xlsx_nor_csv(self) -> None:
        self.assertRefused(b"%PDF-1.7 ...", "phu-luc.xlsx", "PDF")
        self.assertRefused(b"\x00\x01\x02binary", "x.csv", "không phải là bảng tính")
        self.assertRefused(b"\x00\x01\x02binary", "x.csv", "LibreOffice .ods và CSV")
        self.assertRefused(b"just some words", "x.xlsx", "có đuôi .xlsx")
        self.assertRefused(b"just some words\nand more", "x.csv", "không tìm thấy dấu phân cách")
        self.assertRefused(b"a,b,c\n1,2,3\n", "x.csv", "Không nhận ra dòng tiêu đề")
        self.assertRefused("gso_code,received\n1,2".encode("utf-16"), "x.csv", "UTF-8")
        self.assertRefused(b"gso_code,unit_name\n21640,B\xf4ng", "x.csv", "UTF-8")

    def test_it_refuses_a_zip_that_is_not_a_workbook(self) -> None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
        self.assertRefused(out.getvalue(), "x.xlsx", "không phải bảng tính Excel")

    def test_it_refuses_a_corrupt_workbook(self) -> None:
        data = seed_xlsx()
        self.assertRefused(data[: len(data) // 2], "x.xlsx", "tệp bị hỏng")
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                body = source.read(item)
                if item.filename == "xl/workbook.xml":
                    body = body[:40]
                target.writestr(item, body)
        self.assertRefused(out.getvalue(), "x.xlsx", "tệp bị hỏng")

    def test_it_refuses_a_password_protected_workbook(self) -> None:
        self.assertRefused(ooxml_encrypted(), "bao-mat.xlsx", "đặt mật khẩu")
        self.assertRefused(xls_encrypted(), "bao-mat.xls", "đặt mật khẩu")
        # A damaged OLE file is not called password-protected: that is another case.
        ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
        self.assertRefused(ole, "bao-mat.xlsx", "(.xls) bị hỏng")

    @override_settings(IMPORT_MAX_BYTES=1000)
    def test_it_refuses_an_oversized_file(self) -> None:
        self.assertRefused(seed_xlsx(), "x.xlsx", "Tệp quá lớn")

    @override_settings(IMPORT_MAX_UNPACKED_BYTES=5_000_000)
    def test_it_refuses_a_zip_bomb(self) -> None:
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(seed_xlsx())) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in source.infolist():
                target.writestr(item, source.read(item))
            target.writestr("xl/media/bomb.bin", b"\x00" * 10_000_000)
        self.assertLess(len(out.getvalue()), 100_000)
        self.assertRefused(out.getvalue(), "x.xlsx", "quá lớn khi giải nén")

    def test_it_refuses_a_workbook_with_one_far_cell_in_vietnamese(self) -> None:
        # 1,6 kB that used to make the reader build every cell up to XFD1048576.
        data = workbook_bytes(lambda ws: ws.__setitem__("XFD1048576", "x"))
        self.assertRefused(data, "x.xlsx", "có dữ liệu đến dòng 1.048.576, vượt giới hạn 15.000")

    @override_settings(IMPORT_MAX_ROWS=50)
    def test_it_refuses_a_sheet_longer_than_the_bound(self) -> None:
        self.assertRefused(workbook_bytes(lambda ws: ws.__setitem__("B51", 1)), "x.xlsx", "dòng 51")

    def test_it_refuses_a_csv_wider_than_any_sheet(self) -> None:
        # More than 18.278 columns used to end in get_column_letter's ValueError (a 500).
        data = ("gso_code,received" + ",x" * 20_000 + "\n21640,1\n").encode()
        self.assertRefused(data, "x.csv", "Dòng 1 của tệp CSV có 20.002 cột, vượt giới hạn 200 cột")

    @override_settings(IMPORT_MAX_ROWS=50)
    def test_it_refuses_a_csv_longer_than_the_bound(self) -> None:
        data = ("gso_code,received\n" + "21640,1\n" * 60).encode()
        self.assertRefused(data, "x.csv", "quá 50 dòng")

    def test_it_refuses_an_empty_workbook_and_empty_files(self) -> None:
        self.assertRefused(workbook_bytes(lambda ws: None), "x.xlsx", "không có dữ liệu")
        self.assertRefused(b"", "x.csv", "Tệp rỗng")
        self.assertRefused(
            workbook_bytes(lambda ws: ws.append(["Bảng gì đó", "không có tiêu đề"])),
            "x.xlsx",
            "Không nhận ra bố cục",
        )

    def test_it_reports_a_header_without_rows(self) -> None:
        template = figures_template_xlsx(parent=self.hoai_nhon, spec=self.h2_spec, period=None)
        analysis = self.preview(template, "mau.xlsx", period=self.h2_spec).analysis
        self.assertIn("không có dòng số liệu nào", analysis.errors[0].message)
        header_only = csv_bytes([["gso_code", "received"]])
        analysis = self.preview(header_only, "x.csv", period=self.h2_spec).analysis
        self.assertIn("không có dòng số liệu nào", analysis.errors[0].message)


class ScopeTestCase(ImportCase):
    def test_it_limits_a_commune_official_to_their_own_unit(self) -> None:
        data = csv_bytes([["gso_code", "received"], ["21685", 5], ["21640", 5]])
        analysis = self.preview(
            data, "x.csv", parent=self.hoai_duc, period=self.h2_spec, user=self.commune
        ).analysis
        self.assertEqual(analysis.rows[0].unit, self.hoai_duc)
        self.assertEqual(len(analysis.errors), 1)
        self.assertIn("không thuộc Phường Hoài Đức", analysis.errors[0].message)

    def test_it_refuses_a_parent_outside_the_users_scope(self) -> None:
        with self.assertRaises(ImportRefused):
            self.preview(seed_xlsx(), user=self.outsider)
        with self.assertRaises(ImportRefused):
            self.preview(seed_xlsx(), parent=self.hoai_nhon, user=self.commune)

    def test_it_refuses_rows_the_user_cannot_edit(self) -> None:
        analysis = self.preview(seed_xlsx(), period=self.h2_spec, user=self.chairman).analysis
        self.assertEqual(len(analysis.errors), 18)
        self.assertIn("không có quyền nhập", analysis.errors[0].message)


class AllOrNothingTestCase(ImportCase):
    def changed_seed(self) -> bytes:
        def edit(ws: Worksheet) -> None:
            for row in (10, 12, 13):  # desk, Bồng Sơn, Hoài Đức: one more e-certified copy
                ws.cell(row=row, column=22).value = (
                    int(str(ws.cell(row=row, column=22).value).replace(".", "")) + 1
                )

        return seed_xlsx(edit)

    def test_it_writes_nothing_when_a_unit_was_approved_after_the_preview(self) -> None:
        preview = self.preview(self.changed_seed())
        self.assertEqual(len(preview.analysis.to_write), 3)
        before = self.snapshot()
        figures = UnitFigures.objects.get(unit=self.hoai_duc, period=self.h1)
        services.figures_transition(
            figures=figures, action="submit", user=self.commune, expected_version=figures.version
        )
        figures.refresh_from_db()
        services.figures_transition(
            figures=figures, action="approve", user=self.district, expected_version=figures.version
        )
        approved = self.snapshot()
        with self.assertRaises(ImportRefused) as caught:
            figures_import_commit(batch=preview.batch, user=self.district)
        self.assertIn("1 lỗi", str(caught.exception))
        after = self.snapshot()
        self.assertEqual(after, approved)
        for unit_id in (self.hoai_nhon.pk, self.bong_son.pk):
            self.assertEqual(after[unit_id], before[unit_id])
        preview.batch.refresh_from_db()
        self.assertEqual(preview.batch.status, ImportBatch.Status.REJECTED)
        self.assertIn("đã duyệt", str(preview.batch.report["problems"]))

    def test_it_rolls_back_every_row_when_a_write_fails_inside_the_transaction(self) -> None:
        preview = self.preview(self.changed_seed())
        before = self.snapshot()
        written: list[int] = []

        def failing_submit(**kwargs: Any) -> None:  # Any: the submission's keyword arguments
            # Every row's figures and history are written by now, in the transaction.
            written.append(UnitFigures.objects.filter(pk__in=kwargs["figures_ids"]).count())
            raise services.FiguresLocked("Số liệu vừa bị khóa.")

        with mock.patch(
            "indicators.io.services.figures_submit_imported", side_effect=failing_submit
        ):
            with self.assertRaises(ImportRefused) as caught:
                figures_import_commit(batch=preview.batch, user=self.district)
        self.assertEqual(written, [3])
        self.assertIn("đã hủy toàn bộ", str(caught.exception))
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(FiguresChange.objects.filter(action="import").exists())
        preview.batch.refresh_from_db()
        self.assertEqual(preview.batch.status, ImportBatch.Status.REJECTED)
        self.assertIn("Số liệu vừa bị khóa", preview.batch.report["commit_error"])

    def test_it_commits_a_batch_once_and_only_for_its_uploader(self) -> None:
        preview = self.preview(self.changed_seed())
        other = type(self.district).objects.create_user(
            "district2", password="x", role=Role.DISTRICT_STAFF, unit=self.hoai_nhon
        )
        with self.assertRaises(ImportRefused):
            figures_import_commit(batch=preview.batch, user=other)
        result = figures_import_commit(batch=preview.batch, user=self.district)
        self.assertEqual(result.replaced, 3)
        with self.assertRaises(ImportRefused) as caught:
            figures_import_commit(batch=preview.batch, user=self.district)
        self.assertIn("Đã ghi", str(caught.exception))
        self.assertEqual(
            FiguresChange.objects.filter(action="import", field="e_certified_copies").count(), 3
        )

    def test_it_lets_an_administrator_commit_someone_elses_batch(self) -> None:
        preview = self.preview(self.changed_seed())
        result = figures_import_commit(batch=preview.batch, user=self.admin)
        self.assertEqual(result.replaced, 3)
