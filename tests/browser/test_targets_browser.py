"""A district officer overrides a commune's target with a reason and reads it back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Target, TargetPlan
from tests.browser.conftest import H1_2023, submit_login
from units.models import User
from units.selectors import unit_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_overrides_a_target_with_a_reason(
    live_server, page: Page, district_user: User, outside_requests: list[str]
) -> None:
    plan = TargetPlan.objects.get(issuer__code="543", year=2023)
    hoai_duc = unit_by_code("21685", on=H1_2023)
    target = Target.objects.get(plan=plan, unit=hoai_duc, indicator__code="online")

    page.goto(f"{live_server.url}/chi-tieu/")
    submit_login(page, district_user)
    page.click(f"tr[data-plan='{plan.pk}'] a")
    item = page.locator(f"li[data-target='{target.pk}']")
    expect(item.locator(".target-value")).to_have_text("70 %")
    item.locator("a").click()

    page.fill("#id_value", "75,5")
    page.click("#save-target")  # no reason: refused, in Vietnamese
    expect(page.locator("#form-errors")).to_contain_text("Cần ghi lý do khi sửa chỉ tiêu.")

    page.fill("#id_value", "75,5")
    page.fill("#id_reason", "Phường có nhiều hồ sơ đất đai")
    page.click("#save-target")
    expect(page.locator("#reason")).to_contain_text("Phường có nhiều hồ sơ đất đai (70 % → 75,5 %")
    expect(page.locator("#target .target-value")).to_have_text("75,50 %")

    page.click(f"text={plan.title}")
    item = page.locator(f"li[data-target='{target.pk}']")
    expect(item.locator(".target-value")).to_have_text("75,50 %")
    expect(item.locator(".explain")).to_contain_text("giao thủ công: Phường có nhiều hồ sơ đất đai")
    assert outside_requests == []
