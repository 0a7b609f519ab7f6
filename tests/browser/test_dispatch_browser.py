"""A district officer opens the drafted dispatch and downloads it as .docx."""

from __future__ import annotations

import re

import docx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import submit_login
from units.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_drafts_and_downloads_the_hoai_nhon_dispatch(
    live_server, page: Page, district_user: User, outside_requests: list[str], tmp_path
) -> None:
    page.goto(f"{live_server.url}/cong-van/?parent=543&period=2023-H1-CAL")
    submit_login(page, district_user)

    text = page.locator("#dispatch-text")
    expect(text).to_contain_text("10/17 đơn vị xã, phường đạt vượt chỉ tiêu của thị xã giao")
    expect(text).to_contain_text("Hoài Đức 93,33%")
    expect(text).to_contain_text("Có 02 đơn vị dưới 50% là Hoài Hải: 45,54%; Hoài Hương: 37,01%")

    with page.expect_download() as download_info:
        page.click("#download-docx")
    download = download_info.value
    assert download.suggested_filename == "cong-van-543-2023-H1-CAL.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document = docx.Document(str(path))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Hoài Đức 93,33%" in body
    # The issuing body heads the title block, a borderless table (Decree 30/2020).
    header = "\n".join(cell.text for cell in document.tables[0].rows[0].cells)
    assert "THỊ XÃ HOÀI NHƠN" in header
    assert outside_requests == []


def test_it_keeps_an_edited_directive_in_the_downloaded_docx(
    live_server, page: Page, district_user: User, outside_requests: list[str], tmp_path
) -> None:
    page.goto(f"{live_server.url}/cong-van/?parent=543&period=2023-H1-CAL")
    submit_login(page, district_user)
    page.click("#save-as-draft")
    expect(page.locator("#draft-meta")).to_contain_text("phiên bản 1")

    directive = page.locator("#id_directive_0")
    expect(directive).to_have_value(re.compile(r"^1\. "))
    directive.fill("Các xã, phường báo cáo kết quả khắc phục trước ngày 15/08/2023.")
    page.click("#save-draft")
    expect(page.locator("#draft-meta")).to_contain_text("phiên bản 2")
    expect(page.locator("#id_directive_0")).to_have_value(
        "1. Các xã, phường báo cáo kết quả khắc phục trước ngày 15/08/2023."
    )

    with page.expect_download() as download_info:
        page.click("#download-draft-docx")
    path = tmp_path / "draft.docx"
    download_info.value.save_as(path)
    body = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "1. Các xã, phường báo cáo kết quả khắc phục trước ngày 15/08/2023." in body
    assert "Hoài Đức 93,33%" in body
    assert outside_requests == []
