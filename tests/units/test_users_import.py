"""Creating users from an xlsx list in the admin: everything checked, all or nothing,
a Vietnamese error per row, random initial passwords shown once and downloadable once."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import zipfile

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.base import BaseTestCase
from tests.io.file_formats import excel4_file, ods_with, ooxml_encrypted
from units.models import AuditAction, AuditEvent, Role, User
from units.users_import.services import UsersImportRefused, users_import_xlsx

HEADER = ["Tên đăng nhập", "Họ và tên", "Email", "Vai trò", "Mã đơn vị", "Ngày đọc mã"]
GOOD: list[list[object]] = [
    ["xa.hoaithanh", "Nguyễn Văn An", "an@example.vn", "Công chức cấp xã", "21664", "01/06/2025"],
    ["xa.hoainhon", "Trần Thị Bình", "", "commune_official", "21664", dt.date(2025, 7, 1)],
    [
        "huyen.hn2",
        "Lê Văn Cường",
        "cuong@example.vn",
        "Chuyên viên Văn phòng cấp huyện",
        "543",
        "01/01/2024",
    ],
    ["qt2", "Phạm Quản Trị", "qt@example.vn", "Quản trị hệ thống", "", ""],
]


def zip_bomb() -> bytes:
    """A few kilobytes that would inflate past the unpacked-size limit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr(
            "xl/worksheets/sheet1.xml", b"0" * (settings.IMPORT_MAX_UNPACKED_BYTES + 1)
        )
    return buffer.getvalue()


def xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class UsersImportServiceTests(BaseTestCase):
    def test_it_creates_every_user_with_a_working_random_password(self) -> None:
        created = users_import_xlsx(data=xlsx(GOOD), by=self.admin)
        self.assertEqual([c.username for c in created], [r[0] for r in GOOD])
        passwords = {c.password for c in created}
        self.assertEqual(len(passwords), len(GOOD))
        for entry in created:
            user = User.objects.get(username=entry.username)
            self.assertTrue(user.check_password(entry.password))
            self.assertGreaterEqual(len(entry.password), 12)
        # GSO code 21664 is Hoài Thanh Tây until 30/06/2025, Hoài Nhơn after.
        before = User.objects.get(username="xa.hoaithanh")
        after = User.objects.get(username="xa.hoainhon")
        assert before.unit is not None and after.unit is not None
        self.assertEqual(before.unit.name, "Hoài Thanh Tây")
        self.assertEqual(after.unit.name, "Hoài Nhơn")
        self.assertNotEqual(before.unit_id, after.unit_id)
        self.assertEqual(before.role, Role.COMMUNE_OFFICIAL)
        self.assertEqual((before.last_name, before.first_name), ("Nguyễn Văn", "An"))
        self.assertEqual(before.email, "an@example.vn")
        self.assertIsNone(User.objects.get(username="qt2").unit)
        event = AuditEvent.objects.get(action=AuditAction.USERS_IMPORT)
        self.assertEqual(event.user, self.admin)
        self.assertEqual(event.details["usernames"], [r[0] for r in GOOD])
        self.assertNotIn(created[0].password, str(event.details))

    def test_it_reads_the_same_list_saved_as_csv_or_ods(self) -> None:
        def as_text(value: object) -> str:
            return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)

        lines = [";".join(HEADER)] + [";".join(as_text(v) for v in row) for row in GOOD]
        semicolon_bom = ("\ufeff" + "\r\n".join(lines)).encode("utf-8")
        table: list[list[object]] = [list(HEADER), *GOOD]
        cells = "".join(
            "<table:table-row>"
            + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{as_text(v)}</text:p>'
                "</table:table-cell>"
                if as_text(v)
                else "<table:table-cell/>"
                for v in row
            )
            + "</table:table-row>"
            for row in table
        )
        ods = ods_with(f'<table:table table:name="Người dùng">{cells}</table:table>')
        for data, name in ((semicolon_bom, "nguoi-dung.csv"), (ods, "nguoi-dung.ods")):
            with self.subTest(name=name):
                created = users_import_xlsx(data=data, by=self.admin, filename=name)
                self.assertEqual([c.username for c in created], [r[0] for r in GOOD])
                hoai_nhon = User.objects.get(username="xa.hoainhon")
                assert hoai_nhon.unit is not None
                self.assertEqual(hoai_nhon.unit.name, "Hoài Nhơn")
                User.objects.filter(username__in=[r[0] for r in GOOD]).delete()

    def test_it_refuses_a_formula_in_an_ods_list(self) -> None:
        row = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in ("xa.moi", "Tên", "", "Công chức cấp xã")
        )
        formula = (
            '<table:table-cell table:formula="of:=21600+64" office:value-type="float"'
            ' office:value="21664"><text:p>21664</text:p></table:table-cell>'
        )
        header = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in HEADER
        )
        ods = ods_with(
            f'<table:table table:name="T"><table:table-row>{header}</table:table-row>'
            f"<table:table-row>{row}{formula}</table:table-row></table:table>"
        )
        with self.assertRaises(UsersImportRefused) as caught:
            users_import_xlsx(data=ods, by=self.admin, filename="a.ods")
        self.assertIn("cột “mã đơn vị” chứa công thức", caught.exception.errors[0])
        self.assertFalse(User.objects.filter(username="xa.moi").exists())

    def test_it_is_all_or_nothing_with_an_error_per_row(self) -> None:
        rows: list[list[object]] = [
            *GOOD,
            ["district", "Trùng Tên", "", "Công chức cấp xã", "21685", "30/06/2023"],
            ["co dau cach", "", "khong-phai-email", "giám đốc", "21685", "31/02/2023"],
            ["xa.hoaithanh", "Lặp Lại", "", "Công chức cấp xã", "99999", "01/01/2024"],
            ["huyen.sai", "Sai Cấp", "", "Chuyên viên Văn phòng cấp huyện", "21685", "30/06/2023"],
            ["xa.thieu", "Thiếu Mã", "", "Công chức cấp xã", "", ""],
            ["=cmd", "=HYPERLINK(1)", "", "Công chức cấp xã", "21685", "30/06/2023"],
        ]
        with self.assertRaises(UsersImportRefused) as caught:
            users_import_xlsx(data=xlsx(rows), by=self.admin)
        errors = caught.exception.errors
        self.assertEqual([e.split(":")[0] for e in errors], [f"Dòng {n}" for n in range(6, 12)])
        self.assertIn("“district” đã có người dùng", errors[0])
        self.assertIn("chỉ được gồm chữ, số", errors[1])
        self.assertIn("thiếu họ và tên", errors[1])
        self.assertIn("email “khong-phai-email” không hợp lệ", errors[1])
        self.assertIn("vai trò “giám đốc” không có", errors[1])
        self.assertIn("ngày đọc mã “31/02/2023” không hợp lệ", errors[1])
        self.assertIn("trùng với dòng 2", errors[2])
        self.assertIn("không có đơn vị mã 99999 vào ngày 01/01/2024", errors[2])
        self.assertIn("phải thuộc đơn vị cấp huyện", errors[3])
        self.assertIn("cần mã đơn vị", errors[4])
        self.assertIn("chứa công thức", errors[5])
        self.assertFalse(User.objects.filter(username__in=[r[0] for r in GOOD]).exists())
        self.assertFalse(AuditEvent.objects.exists())

    def test_it_refuses_broken_files_and_headers(self) -> None:
        cases = [
            (b"not a zip", "không phải là tệp Excel"),
            (b"\xd0\xcf\x11\xe0" + bytes(600), "(.xls) bị hỏng"),
            (ooxml_encrypted(), "đặt mật khẩu"),
            (excel4_file(), "quá cũ"),
            (zip_bomb(), "quá lớn khi giải nén"),
            (xlsx([], header=HEADER), "không có người dùng nào"),
            (xlsx(GOOD, header=["a", "b", "c", "d", "e", "f"]), "thiếu cột"),
        ]
        for data, message in cases:
            with self.assertRaises(UsersImportRefused) as caught:
                users_import_xlsx(data=data, by=self.admin)
            self.assertIn(message, caught.exception.errors[0])


class UsersImportAdminTests(BaseTestCase):
    def setUp(self) -> None:
        self.admin.is_staff = self.admin.is_superuser = True
        self.admin.save()
        self.url = reverse("admin:units_user_import")

    def upload(self, data: bytes):
        return self.client.post(
            self.url, {"file": SimpleUploadedFile("nguoi-dung.xlsx", data)}, REMOTE_ADDR="10.9.9.9"
        )

    def test_it_links_the_page_for_admins_only(self) -> None:
        self.login(self.admin)
        changelist = self.client.get(reverse("admin:units_user_changelist"))
        self.assertContains(changelist, self.url)
        self.assertContains(self.client.get(self.url), "Tạo người dùng từ tệp Excel")
        self.login(self.district)
        self.assertNotEqual(self.client.get(self.url).status_code, 200)

    def test_it_shows_and_downloads_passwords_once(self) -> None:
        self.login(self.admin)
        response = self.upload(xlsx(GOOD))
        self.assertContains(response, "Đã tạo 4 người dùng")
        html = response.content.decode()
        first = User.objects.get(username="xa.hoaithanh")
        passwords = re.findall(r"<code>([^<]+)</code>", html)
        self.assertEqual(len(passwords), 4)
        self.assertTrue(first.check_password(passwords[0]))
        self.assertEqual(AuditEvent.objects.get(action="users_import").ip_address, "10.9.9.9")

        # Nothing readable is kept server-side: not the passwords, not in the session.
        stored = "".join(Session.objects.values_list("session_data", flat=True))
        decoded = json.dumps(dict(self.client.session.items()), ensure_ascii=False)
        for password in passwords:
            self.assertNotIn(password, stored)
            self.assertNotIn(password, decoded)
        url = reverse("admin:units_user_import_passwords")
        self.assertEqual(self.client.get(url).status_code, 405)
        key = re.search(r'name="key" value="([^"]+)"', html)
        assert key is not None
        download = self.client.post(url, {"key": key.group(1)})
        self.assertEqual(download.status_code, 200)
        self.assertIn("no-store", download["Cache-Control"])
        sheet = load_workbook(io.BytesIO(download.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[1][0], "xa.hoaithanh")
        self.assertEqual(rows[1][4], passwords[0])
        again = self.client.post(url, {"key": key.group(1)})
        self.assertEqual(again.status_code, 302)

    def test_it_gives_nothing_for_a_wrong_key(self) -> None:
        self.login(self.admin)
        self.upload(xlsx(GOOD))
        url = reverse("admin:units_user_import_passwords")
        response = self.client.post(url, {"key": base64.b64encode(b"x" * 900).decode()})
        self.assertEqual(response.status_code, 302)

    def test_it_lists_errors_and_creates_nothing(self) -> None:
        self.login(self.admin)
        bad: list[list[object]] = [*GOOD, ["x y", "", "", "", "", ""]]
        response = self.upload(xlsx(bad))
        self.assertContains(response, "Không tạo người dùng nào: tệp có 1 lỗi.")
        self.assertContains(response, "Dòng 6:")
        self.assertFalse(User.objects.filter(username="xa.hoaithanh").exists())


class NationalRoleImportTests(BaseTestCase):
    def test_it_creates_a_national_user_without_a_unit(self) -> None:
        label = "Chuyên viên cấp Trung ương (Bộ, Văn phòng Chính phủ)"
        rows: list[list[object]] = [
            ["bo.noivu", "Đỗ Văn Bộ", "", label, "", ""],
            ["vpcp", "Hà Thị Chính", "", "national", "", ""],
        ]
        users_import_xlsx(data=xlsx(rows), by=self.admin)
        for username in ("bo.noivu", "vpcp"):
            user = User.objects.get(username=username)
            self.assertEqual(user.role, Role.NATIONAL)
            self.assertIsNone(user.unit)
            self.assertTrue(user.sees_everything)
            self.assertFalse(user.is_portal_admin)
