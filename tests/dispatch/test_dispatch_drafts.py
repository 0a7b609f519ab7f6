"""Saved dispatch drafts: kept from the generated text, edited part by part, two people at
once (the second sees what the first changed, nothing lost), issued with a number and a
date that then appear in the .docx and the appendix."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import openpyxl

from indicators.dispatch.drafting import dispatch_from_dict
from indicators.models import DispatchDraft, DispatchDraftRevision
from tests.base import BaseTestCase, make_user
from units.models import Role

CREATE_URL = "/cong-van/ban-thao/tao/"
H1 = {"parent": "543", "period": "2023-H1-CAL"}


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    return "\n".join(texts)


class DraftTestCase(BaseTestCase):
    def create(self) -> DispatchDraft:
        self.login(self.district)
        response = self.client.post(CREATE_URL, H1)
        self.assertEqual(response.status_code, 302)
        draft = DispatchDraft.objects.get()
        self.assertEqual(response["Location"], f"/cong-van/ban-thao/{draft.pk}/")
        return draft

    def page_data(self, draft: DispatchDraft) -> dict[str, Any]:
        """The form as the edit page fills it."""
        response = self.client.get(f"/cong-van/ban-thao/{draft.pk}/")
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        data: dict[str, Any] = {}
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            data[name] = "" if value is None else value
        return data

    def save(self, draft: DispatchDraft, data: dict[str, Any]) -> Any:
        return self.client.post(f"/cong-van/ban-thao/{draft.pk}/", data)


class DraftEditTestCase(DraftTestCase):
    def test_it_keeps_the_generated_text_as_version_1(self) -> None:
        draft = self.create()
        self.assertEqual(draft.version, 1)
        self.assertEqual(draft.parent.code, "543")
        self.assertEqual(draft.created_by, self.district)
        text = dispatch_from_dict(draft.content)
        self.assertTrue(any("Hoài Đức 93,33%" in p for s in text.sections for p in s.paragraphs))
        self.assertEqual(DispatchDraftRevision.objects.filter(draft=draft).count(), 1)

    def test_it_saves_an_edited_directive_and_renumbers(self) -> None:
        draft = self.create()
        data = self.page_data(draft)
        directives = dispatch_from_dict(draft.content).directives
        self.assertGreaterEqual(len(directives), 2)
        data["directive_0"] = "Các xã hoàn thành trước ngày 15/08/2023."
        data["directive_1"] = ""  # dropped
        response = self.save(draft, data)
        self.assertEqual(response.status_code, 302)
        draft.refresh_from_db()
        self.assertEqual(draft.version, 2)
        saved = dispatch_from_dict(draft.content).directives
        self.assertEqual(saved[0], "1. Các xã hoàn thành trước ngày 15/08/2023.")
        self.assertEqual(len(saved), len(directives) - 1)
        self.assertTrue(saved[1].startswith("2. "))
        response = self.client.get(f"/cong-van/ban-thao/{draft.pk}/tai-docx/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("1. Các xã hoàn thành trước ngày 15/08/2023.", docx_text(response.content))

    def test_it_edits_a_section_paragraph_by_paragraph(self) -> None:
        draft = self.create()
        data = self.page_data(draft)
        data["section_0"] = "Đoạn một của văn phòng.\nĐoạn hai."
        self.assertEqual(self.save(draft, data).status_code, 302)
        draft.refresh_from_db()
        self.assertEqual(
            dispatch_from_dict(draft.content).sections[0].paragraphs,
            ["Đoạn một của văn phòng.", "Đoạn hai."],
        )

    def test_it_writes_nothing_when_nothing_changed(self) -> None:
        draft = self.create()
        self.save(draft, self.page_data(draft))
        draft.refresh_from_db()
        self.assertEqual(draft.version, 1)
        self.assertEqual(DispatchDraftRevision.objects.filter(draft=draft).count(), 1)

    def test_it_shows_the_second_editor_what_the_first_changed(self) -> None:
        draft = self.create()
        mine = self.page_data(draft)
        theirs = dict(mine)
        theirs["directive_0"] = "Yêu cầu của người thứ nhất."
        self.assertEqual(self.save(draft, theirs).status_code, 302)
        mine["closing"] = "Câu kết của người thứ hai./."
        response = self.save(draft, mine)
        self.assertEqual(response.status_code, 409)
        html = response.content.decode()
        self.assertIn("nội dung của bạn chưa được lưu", html)
        self.assertIn("Yêu cầu, chỉ đạo", response.context["conflict"].changed)
        self.assertIn("1. Yêu cầu của người thứ nhất.", html)  # their text, to compare
        self.assertIn("Câu kết của người thứ hai./.", html)  # the user's text stays
        draft.refresh_from_db()
        self.assertEqual(draft.version, 2)
        first = dispatch_from_dict(draft.content).directives[0]
        self.assertEqual(first, "1. Yêu cầu của người thứ nhất.")
        # Saving again from the form as shown replaces deliberately.
        again = dict(mine, version=2)
        self.assertEqual(self.save(draft, again).status_code, 302)
        draft.refresh_from_db()
        self.assertEqual(dispatch_from_dict(draft.content).closing, "Câu kết của người thứ hai./.")

    def test_it_refuses_an_overlong_part_with_a_message_and_writes_nothing(self) -> None:
        draft = self.create()
        data = self.page_data(draft)
        data["intro"] = "x" * 9000
        response = self.save(draft, data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Chưa lưu", response.content.decode())
        draft.refresh_from_db()
        self.assertEqual(draft.version, 1)

    def test_it_keeps_drafts_in_the_users_subtree(self) -> None:
        draft = self.create()
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/cong-van/ban-thao/{draft.pk}/").status_code, 403)
        self.assertEqual(self.client.post(CREATE_URL, H1).status_code, 403)
        self.login(self.commune)
        self.assertEqual(self.client.get(f"/cong-van/ban-thao/{draft.pk}/").status_code, 403)

    def test_it_lets_the_national_role_read_but_not_keep(self) -> None:
        national = make_user("national", Role.NATIONAL, None)
        self.login(national)
        self.assertEqual(self.client.post(CREATE_URL, H1).status_code, 403)
        self.assertFalse(DispatchDraft.objects.exists())

    def test_it_lists_saved_drafts_on_the_dispatch_page(self) -> None:
        draft = self.create()
        response = self.client.get("/cong-van/", H1)
        self.assertContains(response, f'href="/cong-van/ban-thao/{draft.pk}/"')


class DraftIssueTestCase(DraftTestCase):
    def issue(self, draft: DispatchDraft, number: str, date: str, version: int = 1) -> Any:
        return self.client.post(
            f"/cong-van/ban-thao/{draft.pk}/ban-hanh/",
            {"number": number, "issued_on": date, "version": version},
        )

    def test_it_fills_in_the_number_and_date_and_freezes_the_text(self) -> None:
        draft = self.create()
        self.assertEqual(self.issue(draft, "125/ubnd-vp", "14/07/2023").status_code, 302)
        draft.refresh_from_db()
        self.assertTrue(draft.is_issued)
        self.assertEqual(draft.number, "125/UBND-VP")
        self.assertEqual(draft.issued_on, dt.date(2023, 7, 14))
        text = docx_text(self.client.get(f"/cong-van/ban-thao/{draft.pk}/tai-docx/").content)
        self.assertIn("Số: 125/UBND-VP", text)
        self.assertIn("Hoài Nhơn, ngày 14 tháng 07 năm 2023", text)
        response = self.client.get(f"/cong-van/ban-thao/{draft.pk}/tai-xlsx/")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        cells = [str(c.value) for row in sheet.iter_rows(max_row=8) for c in row if c.value]
        self.assertTrue(any("Văn bản số: 125/UBND-VP ngày 14/07/2023" in c for c in cells), cells)
        # Issued: saving is refused with a message, the text unchanged.
        data = self.page_data(draft)
        data["closing"] = "Sửa sau khi ban hành."
        data["version"] = draft.version
        response = self.client.post(f"/cong-van/ban-thao/{draft.pk}/", data, follow=True)
        self.assertContains(response, "không sửa được nữa")
        draft.refresh_from_db()
        self.assertNotEqual(dispatch_from_dict(draft.content).closing, "Sửa sau khi ban hành.")

    def test_it_refuses_a_malformed_number_a_date_before_the_period_end_or_in_the_future(
        self,
    ) -> None:
        draft = self.create()
        for number, date, message in (
            ("abc", "14/07/2023", "không đúng dạng"),
            ("125/UBND-VP", "20/06/2023", "trước ngày cuối kỳ"),
            ("125/UBND-VP", "01/01/2099", "tương lai"),
            ("125/UBND-VP", "32/07/2023", "Nhập một ngày hợp lệ"),
        ):
            with self.subTest(number=number, date=date):
                response = self.issue(draft, number, date)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.content.decode())
        draft.refresh_from_db()
        self.assertFalse(draft.is_issued)

    def test_it_refuses_a_number_already_used_that_year(self) -> None:
        first = self.create()
        self.issue(first, "125/UBND-VP", "14/07/2023")
        self.client.post(CREATE_URL, H1)
        second = DispatchDraft.objects.exclude(pk=first.pk).get()
        response = self.issue(second, "125/UBND-VP", "20/07/2023")
        self.assertEqual(response.status_code, 400)
        self.assertIn("đã dùng", response.content.decode())
