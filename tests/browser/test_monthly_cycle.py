"""The month on today's two-tier structure, walked as the three people who live it, only
through links, buttons and the period picker (no URL typed after the login page):

- the commune official of new Phường Bồng Sơn opens last month from the to-do on the page
  they land on, enters and submits;
- the Gia Lai provincial office opens that month, sees who has not reported and approves
  every submitted commune at once;
- the chairman's year-to-date summary now counts the month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from indicators.domain import periods
from indicators.models import FiguresStatus, Period, UnitFigures
from tests.browser.conftest import PASSWORD, block_outside
from units.models import AdministrativeUnit, Role, User
from units.selectors import unit_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO_TIER = dt.date(2026, 6, 1)
# Within the unit's usual range of the months before (the form warns otherwise).
FORM = {
    "total": "520",
    "carried_over": "10",
    "received": "510",
    "received_in_person": "240",
    "received_online": "270",
    "resolved": "500",
    "resolved_on_time": "500",
    "resolved_late": "0",
}


def open_page(browser: Browser, live_server_url: str, user: User) -> tuple[Page, list[str]]:
    """A fresh browser context logged in as `user` through the form, with every request
    off this machine blocked and recorded."""
    page = browser.new_context().new_page()
    attempted = block_outside(page)
    page.goto(f"{live_server_url}/dang-nhap/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    return page, attempted


def month(number: int) -> Period:
    return Period.objects.for_spec(periods.month(2026, number, periods.Convention.DECREE09))


def plant(unit: AdministrativeUnit, period: Period, status: str, by: User) -> None:
    UnitFigures.objects.create(
        unit=unit,
        period=period,
        status=status,
        entered_by=by,
        total=510,
        carried_over=10,
        received=500,
        received_in_person=250,
        received_online=250,
        resolved=490,
        resolved_on_time=490,
        resolved_late=0,
    )


def pick_period(page: Page, *, kind: str, number: str | None, year: str) -> None:
    page.select_option("#picker-kind", kind)
    if number is not None:
        page.select_option("#picker-number", number)
    page.select_option("#picker-convention", "ND09")
    page.fill("#picker-year", year)
    page.click("#period-picker-form button[type=submit]")


def test_it_walks_the_month_from_the_commune_to_the_chairman(live_server, browser: Browser) -> None:
    today = timezone.localdate()
    due = periods.reporting_period_containing(
        today, periods.PeriodKind.MONTH, periods.Convention.DECREE09
    ).previous()
    assert (due.year, due.number) == (2026, 11), "the walk is written for 01/12/2026"
    province = unit_by_code("52", on=TWO_TIER)  # Gia Lai, two tiers
    bong_son = unit_by_code("21640", on=TWO_TIER, level="commune")
    others = list(
        AdministrativeUnit.objects.filter(parent=province, level="commune")
        .exclude(pk=bong_son.pk)
        .valid_during(due.start, due.end)
        .order_by("code")[:3]
    )
    office = User.objects.create_user(
        "tinh.test", password=PASSWORD, role=Role.PROVINCE_STAFF, unit=province
    )
    chairman = User.objects.create_user(
        "chutich.test", password=PASSWORD, role=Role.CHAIRMAN, unit=province
    )
    official = User.objects.create_user(
        "xa.test", password=PASSWORD, role=Role.COMMUNE_OFFICIAL, unit=bong_son
    )
    colleague = User.objects.create_user("xa.khac", password=PASSWORD, role=Role.COMMUNE_OFFICIAL)
    for number in range(1, 11):  # the year so far, approved
        plant(bong_son, month(number), FiguresStatus.APPROVED, colleague)
    for unit in others:  # three other communes submitted the due month
        plant(unit, month(11), FiguresStatus.SUBMITTED, colleague)
    blocked: list[str] = []

    # The chairman's year to date before: Bồng Sơn on 10 of the year's 12 months.
    page, attempted = open_page(browser, live_server.url, chairman)
    blocked += attempted
    pick_period(page, kind="Y", number=None, year="2026")
    bong_son_row = page.locator(f'tr[data-code="{bong_son.code}"]').first
    expect(bong_son_row).to_contain_text("10/12 tháng")
    page.context.close()

    # The commune: the to-do on its landing page opens the due month.
    page, attempted = open_page(browser, live_server.url, official)
    blocked += attempted
    todo = page.locator(f'#commune-todo li[data-period="{due.code}"]')
    expect(todo).to_contain_text("chưa nhập số liệu")
    todo.get_by_role("link", name="Nhập số liệu").click()
    for field, value in FORM.items():
        page.fill(f"#id_{field}", value)
    page.click("#figures-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Đã lưu số liệu")
    page.click("#submit-figures")
    expect(page.locator(".messages")).to_contain_text("Đã nộp số liệu")
    page.context.close()
    entered = UnitFigures.objects.get(unit=bong_son, period__code=due.code)
    assert (entered.received_online, entered.status) == (270, FiguresStatus.SUBMITTED)

    # The province: the due month through the picker, who has not reported, bulk approval.
    page, attempted = open_page(browser, live_server.url, office)
    blocked += attempted
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Số liệu"
    ).click()
    pick_period(page, kind="M", number="11", year="2026")
    expect(page.locator("#period-reported")).to_contain_text(due.label_vi)
    communes = AdministrativeUnit.objects.filter(parent=province).valid_during(due.start, due.end)
    listed = 1 + communes.exclude(level="agency").count()  # the desk and its communes
    expect(page.locator("#not-reported")).to_contain_text(f"{listed - 4}/{listed} đơn vị")
    expect(page.locator(f'tr[data-code="{others[0].code}"]')).to_contain_text("Đã nộp")
    page.check("[data-select-all]")
    page.click("#bulk-approve button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("4")
    page.context.close()
    approved = UnitFigures.objects.filter(period__code=due.code, status=FiguresStatus.APPROVED)
    assert set(approved.values_list("unit_id", flat=True)) == {
        bong_son.pk,
        *(u.pk for u in others),
    }
    assert set(approved.values_list("approved_by", flat=True)) == {office.pk}

    # The chairman's year to date after: the month is in.
    page, attempted = open_page(browser, live_server.url, chairman)
    blocked += attempted
    pick_period(page, kind="Y", number=None, year="2026")
    bong_son_row = page.locator(f'tr[data-code="{bong_son.code}"]').first
    expect(bong_son_row).to_contain_text("11/12 tháng")
    page.context.close()
    assert blocked == []
