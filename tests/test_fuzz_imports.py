"""Random bytes, CSV, xlsx and ods files, and damaged copies of the appendix in every
container (.xls, .ods, CSV), through the import preview: it answers with
ImportRefused (a Vietnamese message) or a preview with located findings, never another
exception, and it never writes figures. Random users lists through the admin's users
import: every user of the list or none, each refused row named, every name escaped."""

from __future__ import annotations

import io
import resource
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from indicators.domain import formulas
from indicators.io.records import ImportRefused
from indicators.io.services import figures_import_preview
from indicators.models import FiguresChange, ImportBatch, Period, UnitFigures
from tests.fuzz_strategies import (
    FUZZ,
    FUZZ_FEW,
    PAYLOADS,
    FuzzTestCase,
    bad_number,
    hostile_text,
    mutated_copy,
    ods_table,
)
from tests.io.file_formats import xls_far_cell
from units.models import AuditAction, AuditEvent, Role, User

PERIOD = "2023-H1-CAL"
HEADERS = ("gso_code", "unit_name", "Mã ĐVHC", "Đơn vị", "period", *formulas.COUNT_FIELDS)
CELL = st.one_of(
    bad_number(),
    hostile_text(60),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(("21685", "21637", "543", "534", "Hoài Đức", "Phường Hoài Đức", "")),
)


class ImportPreviewFuzzTestCase(FuzzTestCase):
    def preview(self, data: bytes, filename: str) -> None:
        period = Period.objects.get(code=PERIOD)
        figures = list(UnitFigures.objects.order_by("pk").values())
        changes = FiguresChange.objects.count()
        batches = ImportBatch.objects.count()
        try:
            preview = figures_import_preview(
                data=data,
                filename=filename,
                parent=self.hoai_nhon,
                period=period,
                user=self.district,
            )
        except ImportRefused as error:
            self.assertTrue(str(error))
            self.assertEqual(ImportBatch.objects.count(), batches)
        else:
            report = preview.batch.report
            self.assertEqual(preview.batch.status, ImportBatch.Status.PREVIEW)
            self.assertIsInstance(report, dict)
            # The preview page renders it.
            self.login(self.district)
            response = self.client.get(f"/nhap-tep/{preview.batch.pk}/")
            self.assertEqual(response.status_code, 200)
        self.assertEqual(list(UnitFigures.objects.order_by("pk").values()), figures)
        self.assertEqual(FiguresChange.objects.count(), changes)

    @FUZZ
    @given(
        data=st.one_of(
            st.binary(max_size=2000),
            st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b),
            st.binary(max_size=500).map(lambda b: b"\xef\xbb\xbf" + b),
            # An OLE header (.xls, encrypted Office) and an Excel 4.0 BOF, then noise.
            st.binary(max_size=1500).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b),
            st.binary(max_size=200).map(lambda b: b"\x09\x04\x06\x00" + b),
        ),
        filename=st.sampled_from(
            ("so-lieu.csv", "so-lieu.xlsx", "a", "../../etc/passwd", "x.xls", "x.ods")
        ),
    )
    def test_it_refuses_random_bytes(self, data: bytes, filename: str) -> None:
        self.preview(data, filename)

    @FUZZ
    @given(
        header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
        rows=st.lists(st.lists(CELL, max_size=8), max_size=6),
        delimiter=st.sampled_from((",", ";", "\t")),
    )
    def test_it_refuses_or_previews_random_csv(
        self, header: list[str], rows: list[list[str]], delimiter: str
    ) -> None:
        import csv

        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
        self.preview(out.getvalue().encode("utf-8"), "so-lieu.csv")

    @FUZZ_FEW
    @given(
        header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
        rows=st.lists(
            st.lists(
                st.one_of(
                    CELL,
                    st.integers(min_value=-(10**20), max_value=10**20),
                    st.floats(allow_nan=True, allow_infinity=False),
                    st.sampled_from(("=1+1", "=SUM(A1:A3)", '=HYPERLINK("x")')),
                    st.none(),
                ),
                max_size=8,
            ),
            max_size=6,
        ),
        sheet_title=st.sampled_from(("Số liệu", "Phụ lục", "_kpi", "Sheet")),
    )
    def test_it_refuses_or_previews_random_xlsx(
        self, header: list[str], rows: list[list[object]], sheet_title: str
    ) -> None:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = sheet_title
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        self.preview(out.getvalue(), "so-lieu.xlsx")

    @FUZZ
    @given(copy=mutated_copy())
    def test_it_refuses_or_previews_damaged_copies_of_each_format(
        self, copy: tuple[bytes, str]
    ) -> None:
        data, name = copy
        self.preview(data, name)

    @FUZZ_FEW
    @given(
        header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
        rows=st.lists(
            st.lists(
                st.tuples(
                    st.one_of(
                        CELL,
                        st.integers(min_value=-(10**12), max_value=10**12),
                        st.sampled_from(("=1+1", "=SUM(A1:A3)")),
                        st.none(),
                    ),
                    st.integers(min_value=1, max_value=3),
                    st.integers(min_value=1, max_value=3),
                ),
                max_size=8,
            ),
            max_size=6,
        ),
        row_repeats=st.lists(st.integers(min_value=1, max_value=3), max_size=6),
    )
    def test_it_refuses_or_previews_random_ods(
        self,
        header: list[str],
        rows: list[list[tuple[object, int, int]]],
        row_repeats: list[int],
    ) -> None:
        header_row: list[tuple[object, int, int]] = [(name, 1, 1) for name in header]
        table = [header_row, *rows]
        self.preview(ods_table(table, [1, *row_repeats]), "so-lieu.ods")

    @FUZZ_FEW
    @given(
        far=st.lists(
            st.tuples(
                st.integers(min_value=1, max_value=1_048_576),
                st.integers(min_value=1, max_value=16_384),
            ),
            max_size=3,
        ),
        width=st.integers(min_value=0, max_value=400),
        huge=st.integers(min_value=0, max_value=32_767),
        csv_rows=st.integers(min_value=0, max_value=1_200),
    )
    def test_it_bounds_hostile_sheet_shapes(
        self, far: list[tuple[int, int]], width: int, huge: int, csv_rows: int
    ) -> None:
        """Far cells, wide rows, long runs of rows and huge strings, in .xlsx, CSV, .xls and
        .ods: each upload is refused
        or previewed within a ceiling of time and memory (against a hang or a blow-up, not
        a benchmark), and nothing is written. Smaller bounds than the defaults keep it quick;
        what passes them still goes all the way through the preview."""
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["Mã ĐVHC", "Đơn vị", "received", *["x"] * width])
        sheet.append(["21685", "X" * huge, 1])
        for row, column in far:
            sheet.cell(row=row, column=column, value=1)
        out = io.BytesIO()
        workbook.save(out)
        lines = "gso_code,received\n" + "21685,1\n" * csv_rows
        # The same shapes in the other containers: an .xls cell moved far away, an .ods run
        # of repeated rows and columns that hold a value.
        far_row, far_column = far[0] if far else (1, 1)
        xls = xls_far_cell(min(far_row, 65_535), min(far_column, 255))
        ods = ods_table(
            [[("Mã ĐVHC", 1, 1), ("received", 1, 1)], [("21685", 1, 1), (1, width + 1, 1)]],
            [1, csv_rows + 1],
        )
        bounds = {"IMPORT_MAX_ROWS": 600, "IMPORT_MAX_CELLS": 20_000}
        for data, filename in (
            (out.getvalue(), "hinh-dang.xlsx"),
            (lines.encode(), "dai.csv"),
            (xls, "xa.xls"),
            (ods, "lap.ods"),
        ):
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.monotonic()
            with self.settings(**bounds):
                self.preview(data, filename)
            self.assertLess(time.monotonic() - started, 120)
            growth_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
            self.assertLess(growth_kb, 500 * 1024)

    def test_it_previews_a_readable_file(self) -> None:
        """Sanity: the harness above does reach the preview, not only the refusals."""
        before = ImportBatch.objects.count()
        self.preview(b"gso_code,received,received_online\n21685,10,5\n", "so-lieu.csv")
        self.assertEqual(ImportBatch.objects.count(), before + 1)


USERS_HEADER = ["Tên đăng nhập", "Họ và tên", "Email", "Vai trò", "Mã đơn vị", "Ngày đọc mã"]
USERS_ROW = st.tuples(
    st.one_of(st.sampled_from(("xa.moi", "huyen.moi", "district", "a b", "")), hostile_text(40)),
    st.one_of(st.just("Nguyễn Văn An"), hostile_text(60), st.just("")),
    st.sampled_from(("", "an@example.vn", "not-an-email", "<a@b>")),
    st.one_of(st.sampled_from([str(role.label) for role in Role]), hostile_text(30)),
    st.one_of(st.sampled_from(("21685", "543", "534", "", "99999")), hostile_text(10)),
    st.one_of(st.sampled_from(("", "01/06/2025", "31/02/2025", "2023-06-30")), bad_number()),
)
HTML_PAYLOADS = [payload for payload in PAYLOADS if "<" in payload]


class UsersImportFuzzTestCase(FuzzTestCase):
    def upload(self, rows: list[tuple], container: str = "xlsx") -> tuple[list[str], set[str], str]:
        """(errors, usernames created, page) of one upload through the admin page, the
        list saved as .xlsx, CSV or .ods."""
        self.admin.is_staff = self.admin.is_superuser = True
        self.admin.save()
        self.login(self.admin)
        if container == "csv":
            import csv

            text = io.StringIO()
            csv.writer(text, delimiter=";").writerows([USERS_HEADER, *rows])
            data = ("\ufeff" + text.getvalue()).encode("utf-8")
        elif container == "ods":
            table = [[(v, 1, 1) for v in row] for row in [USERS_HEADER, *rows]]
            data = ods_table(table, [])
        else:
            workbook = Workbook()
            sheet = workbook.active
            assert sheet is not None
            sheet.append(USERS_HEADER)
            for row in rows:
                sheet.append(list(row))
            out = io.BytesIO()
            workbook.save(out)
            data = out.getvalue()
        users_before = set(User.objects.values_list("username", flat=True))
        response = self.client.post(
            "/quan-tri/units/user/nhap-tu-tep/",
            {"file": SimpleUploadedFile(f"nguoi-dung.{container}", data)},
        )
        self.assertEqual(response.status_code, 200)
        created = set(User.objects.values_list("username", flat=True)) - users_before
        return response.context["errors"], created, response.content.decode()

    @FUZZ_FEW
    @given(
        rows=st.lists(USERS_ROW, min_size=1, max_size=5),
        container=st.sampled_from(("xlsx", "csv", "ods")),
    )
    def test_it_creates_every_user_of_a_random_list_or_none(
        self, rows: list[tuple], container: str
    ) -> None:
        errors, created, page = self.upload(rows, container)
        for payload in HTML_PAYLOADS:
            self.assertNotIn(payload, page)
        if errors:
            self.assertEqual(created, set())
            self.assertFalse(AuditEvent.objects.filter(action=AuditAction.USERS_IMPORT).exists())
            for error in errors:
                self.assertRegex(error, r"^(Dòng \d+: |Tệp )")
        else:
            self.assertEqual(len(created), len(rows))
            self.assertEqual(
                AuditEvent.objects.get(action=AuditAction.USERS_IMPORT).details["usernames"],
                [" ".join(str(row[0]).split()) for row in rows],
            )

    def test_it_reaches_both_answers(self) -> None:
        """Sanity: the harness above sees a created list as well as a refused one."""
        good = ("xa.moi", "Nguyễn Văn An", "", "Công chức cấp xã", "21685", "01/06/2025")
        self.assertEqual(self.upload([good])[:2], ([], {"xa.moi"}))
        for container in ("csv", "ods"):
            User.objects.filter(username="xa.moi").delete()
            self.assertEqual(self.upload([good], container)[:2], ([], {"xa.moi"}))
        errors, created, _ = self.upload([(*good[:4], "543", good[5])])
        self.assertEqual(created, set())
        self.assertRegex(errors[0], r"^Dòng 2: ")
