"""The office's own Word template: downloaded, changed in Word, uploaded back and used for
every dispatch; broken or hostile templates refused with a Vietnamese message while the
template in use stays."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from indicators.dispatch.drafting import sample_dispatch
from indicators.dispatch.renderers import default_template_docx, dispatch_context
from indicators.dispatch.templating import template_problems
from indicators.models import DispatchTemplate
from tests.base import BaseTestCase
from tests.dispatch.test_dispatch_drafts import docx_text

URL = "/cong-van/mau/"
H1 = {"parent": "543", "period": "2023-H1-CAL"}


def edited_template(change: Callable[[docx.document.Document], object]) -> bytes:
    """The default template opened and changed the way an office does in Word."""
    document = docx.Document(io.BytesIO(default_template_docx()))
    change(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_paragraph(text: str) -> bytes:
    return edited_template(lambda d: d.add_paragraph(text))


def with_member(name: str, content: bytes, base: bytes | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(base or default_template_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if name == item.filename:
                data = content
            target.writestr(item, data)
        if name not in source.namelist():
            target.writestr(name, content)
    return out.getvalue()


def problems(content: bytes) -> list[str]:
    return template_problems(content, sample=dispatch_context(sample_dispatch()))


class TemplateChecksTestCase(BaseTestCase):
    def test_it_accepts_the_default_template(self) -> None:
        self.assertEqual(problems(default_template_docx()), [])

    def test_it_names_unknown_placeholders_and_the_known_ones(self) -> None:
        found = problems(with_paragraph("{{ ten_chu_tich }} và {{ subject }}"))
        self.assertEqual(len(found), 1)
        self.assertIn("{{ ten_chu_tich }}", found[0])
        self.assertIn("signer_name", found[0])
        self.assertNotIn("{{ subject }}", found[0])

    def test_it_refuses_what_could_make_rendering_unbounded_or_escape_the_sandbox(self) -> None:
        for text, message in (
            ("{{ subject * 100000000 }}", "phép nhân"),
            ("{{ subject.ljust(1000000000) }}", "gọi hàm"),
            ("{{ subject|center(1000000000) }}", "bộ lọc “center”"),
            (
                "{% for a in recipients %}{% for b in copies %}{% for c in directives %}x"
                "{% endfor %}{% endfor %}{% endfor %}",
                "lồng nhau",
            ),
            ("{% macro m() %}x{% endmacro %}", "macro"),
            ("{% include 'x' %}", "include"),
        ):
            with self.subTest(text=text):
                found = problems(with_paragraph(text))
                self.assertTrue(any(message in p for p in found), found)

    def test_it_refuses_private_attributes(self) -> None:
        for text in ("{{ subject.__class__ }}", "{{ subject['__class__'] }}"):
            with self.subTest(text=text):
                found = problems(with_paragraph(text))
                self.assertEqual(len(found), 1)
                self.assertIn("thuộc tính nội bộ", found[0])

    def test_it_points_at_a_tag_left_open(self) -> None:
        found = problems(with_paragraph("{% for r in recipients %}{{ r }}"))
        self.assertEqual(len(found), 1)
        self.assertIn("endfor", found[0])

    def test_it_refuses_macros_external_links_and_damaged_or_other_files(self) -> None:
        external = (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId99" Type="http'
            b'://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"'
            b' Target="http://example.invalid/x.dotm" TargetMode="External"/></Relationships>'
        )
        xlsx = io.BytesIO()
        with zipfile.ZipFile(xlsx, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
        for content, message in (
            (with_member("word/vbaProject.bin", b"\0" * 10), "macro"),
            (with_member("word/_rels/settings.xml.rels", external), "example.invalid"),
            (b"", "rỗng"),
            (b"not a zip at all", "bị hỏng"),
            (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "Word cũ"),
            (xlsx.getvalue(), "không phải văn bản Word"),
            (b"PK" + b"\0" * (3 * 1024 * 1024), "quá lớn"),
        ):
            with self.subTest(message=message):
                found = problems(content)
                self.assertTrue(any(message in p for p in found), found)

    def test_it_allows_hyperlinks(self) -> None:
        def link(document: docx.document.Document) -> None:
            part = document.part
            part.relate_to(
                "https://dichvucong.gov.vn",
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
                is_external=True,
            )

        self.assertEqual(problems(edited_template(link)), [])


class TemplatePageTestCase(BaseTestCase):
    def upload(self, content: bytes, name: str = "mau.docx") -> Any:
        return self.client.post(
            URL,
            {"unit": self.hoai_nhon.pk, "file": SimpleUploadedFile(name, content)},
        )

    def test_it_uses_the_offices_template_for_every_dispatch(self) -> None:
        self.login(self.district)
        response = self.client.get(f"{URL}tai-ve/", {"unit": self.hoai_nhon.pk})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(problems(response.content), [])
        self.assertEqual(
            self.upload(with_paragraph("Đoạn cố định của Văn phòng Hoài Nhơn.")).status_code, 302
        )
        stored = DispatchTemplate.objects.get(unit=self.hoai_nhon)
        self.assertEqual(stored.uploaded_by, self.district)
        text = docx_text(self.client.get("/cong-van/tai-docx/", H1).content)
        self.assertIn("Đoạn cố định của Văn phòng Hoài Nhơn.", text)
        self.assertIn("Hoài Đức 93,33%", text)
        page = self.client.get(URL, {"unit": self.hoai_nhon.pk})
        self.assertContains(page, "Đang dùng mẫu riêng của đơn vị: mau.docx")
        # Back to the default.
        self.client.post(URL, {"unit": self.hoai_nhon.pk, "reset": "1"})
        self.assertFalse(DispatchTemplate.objects.exists())
        text = docx_text(self.client.get("/cong-van/tai-docx/", H1).content)
        self.assertNotIn("Đoạn cố định", text)

    def test_it_refuses_a_broken_template_and_keeps_the_one_in_use(self) -> None:
        self.login(self.district)
        self.upload(with_paragraph("Mẫu thứ nhất."), "mot.docx")
        response = self.upload(with_paragraph("{{ khong_co }}"), "hai.docx")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "mẫu đang dùng được giữ nguyên", status_code=400)
        self.assertContains(response, "{{ khong_co }}", status_code=400)
        self.assertEqual(DispatchTemplate.objects.get().filename, "mot.docx")

    def test_it_keeps_templates_to_the_users_subtree_and_writers(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(URL, {"unit": self.hoai_nhon.pk}).status_code, 400)
        self.assertEqual(self.upload(default_template_docx()).status_code, 400)
        self.login(self.commune)
        self.assertEqual(self.client.get(URL, {"unit": self.hoai_nhon.pk}).status_code, 403)
        self.assertFalse(DispatchTemplate.objects.exists())


class TemplateCommandTestCase(BaseTestCase):
    def draft(self, template: Path, output: Path) -> None:
        call_command(
            "draft_dispatch",
            "--parent=543",
            "--period=2023-H1-CAL",
            f"--output={output}",
            f"--template={template}",
            stdout=io.StringIO(),
        )

    def test_it_drafts_from_a_template_file_or_says_why_not(self) -> None:
        with TemporaryDirectory() as folder:
            template = Path(folder) / "mau.docx"
            template.write_bytes(with_paragraph("Đoạn của mẫu riêng."))
            output = Path(folder) / "cv.docx"
            self.draft(template, output)
            self.assertIn("Đoạn của mẫu riêng.", docx_text(output.read_bytes()))
            template.write_bytes(with_paragraph("{{ la }}"))
            with self.assertRaisesMessage(CommandError, "{{ la }}"):
                self.draft(template, output)
