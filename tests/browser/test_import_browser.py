"""A district officer uploads the Hoài Nhơn appendix, reads the preview and commits it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from indicators.models import UnitFigures
from tests.browser.conftest import submit_login
from tests.io.test_appendix import build_seed_xlsx
from units.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_imports_an_appendix_workbook_through_the_preview(
    live_server, page: Page, district_user: User, outside_requests: list[str], tmp_path: Path
) -> None:
    started = time.perf_counter()
    workbook = tmp_path / "phu-luc-hoai-nhon.xlsx"
    # A published online rate that does not match the counts: a warning, not an error.
    workbook.write_bytes(build_seed_xlsx(lambda ws: ws.__setitem__("Q12", "70,5")))

    page.goto(f"{live_server.url}/dang-nhap/?next=/nhap-tep/")
    submit_login(page, district_user)
    expect(page.locator("h1")).to_contain_text("Nhập số liệu từ tệp")

    page.select_option("#id_parent", str(district_user.unit_id))
    page.fill("#id_period", "2023-Q3-CAL")
    page.set_input_files("#id_file", str(workbook))
    page.click("#upload-form button[type=submit]")

    rows = page.locator("#import-rows tbody.units tr")
    expect(rows).to_have_count(18)
    expect(page.locator("#import-rows tr[data-code='21640']")).to_contain_text("Phường Bồng Sơn")
    expect(page.locator("#import-rows tr[data-code='543']")).to_contain_text("Tạo mới")
    expect(page.locator("#error-count")).to_have_text("0")
    expect(page.locator("#warning-count")).to_have_text("1")
    expect(page.locator("#problems")).to_contain_text("ghi 70,5 % nhưng tính lại từ số liệu")

    page.click("#commit-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("18 đơn vị tạo mới")
    assert UnitFigures.objects.filter(period__code="2023-Q3-CAL").count() == 18
    assert outside_requests == []
    assert time.perf_counter() - started < 10
