"""A district officer opens the drafted dispatch and downloads it as .docx."""

from __future__ import annotations

import datetime as dt

import docx
import pytest
from playwright.sync_api import Page, expect

from units.models import Role, User
from units.selectors import unit_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-thu-nghiem-2025"


@pytest.fixture
def district_user() -> User:
    hoai_nhon = unit_by_code("543", on=dt.date(2023, 6, 30))
    return User.objects.create_user(
        "huyen.congvan", password=PASSWORD, role=Role.DISTRICT_STAFF, unit=hoai_nhon
    )


def test_it_drafts_and_downloads_the_hoai_nhon_dispatch(
    live_server, page: Page, district_user: User, outside_requests: list[str], tmp_path
) -> None:
    page.goto(f"{live_server.url}/cong-van/?parent=543&period=2023-H1-CAL")
    page.fill("#id_username", district_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")

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
    assert "THỊ XÃ HOÀI NHƠN" in body
    assert outside_requests == []
