"""The Gia Lai office reads the map beside its ranking of communes (demo-like October 2026
figures made here) and clicks a commune's point to open its page; the map also fits a
phone and the summary's map switches indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from indicators.domain import periods
from indicators.models import (
    FiguresStatus,
    Indicator,
    Period,
    Target,
    TargetPlan,
    TargetSource,
    UnitFigures,
)
from tests.browser.conftest import PASSWORD, submit_login
from units.models import AdministrativeUnit, Role, User
from units.selectors import unit_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO_TIER = dt.date(2026, 10, 1)
OCTOBER = "2026-M10-ND09"


def gia_lai_october() -> tuple[AdministrativeUnit, list[AdministrativeUnit], Period]:
    """Gia Lai's communes in the Decree 09 month 10/2026: most approved with online rates
    from 40 % to 90 % against a 70 % target, every seventh not reported."""
    province = unit_by_code("52", on=TWO_TIER)
    october = Period.objects.for_spec(periods.parse_period_code(OCTOBER))
    communes = list(
        AdministrativeUnit.objects.filter(parent=province, level="commune")
        .valid_during(october.start, october.end)
        .order_by("code")
    )
    figures = []
    for number, commune in enumerate(communes):
        if number % 7 == 3:
            continue
        online = 200 + (number * 37) % 251  # 40 % … 90 % of 500
        figures.append(
            UnitFigures(
                unit=commune,
                period=october,
                status=FiguresStatus.APPROVED,
                total=510,
                carried_over=10,
                received=500,
                received_in_person=500 - online,
                received_online=online,
                resolved=490,
                resolved_on_time=490,
                resolved_late=0,
            )
        )
    UnitFigures.objects.bulk_create(figures)
    plan = TargetPlan.objects.create(
        issuer=province, year=2026, title="Kế hoạch thử 2026", applies_rule=False
    )
    indicator = Indicator.objects.get(code="online")
    Target.objects.bulk_create(
        Target(
            plan=plan, unit=c, indicator=indicator, value=Decimal(70), source=TargetSource.MANUAL
        )
        for c in communes
    )
    return province, communes, october


def log_in(page: Page, live_server, role: str, unit: AdministrativeUnit) -> None:
    user = User.objects.create_user(f"map.{role}", password=PASSWORD, role=role, unit=unit)
    page.goto(f"{live_server.url}/dang-nhap/")
    submit_login(page, user)


def point_at(page: Page, path: str) -> tuple[float, float] | None:
    """Where the point whose URL opens `path` is drawn on the screen, from the figure the
    page drew: its trace and index by the URL it carries, its pixel from the axes."""
    return page.evaluate(
        """(path) => {
          const gd = document.getElementById("unit-map-chart");
          for (const trace of gd._fullData) {
            if (trace.visible !== true) continue;
            const at = trace.customdata.findIndex((c) => c[0].split("?")[0] === path);
            if (at < 0) continue;
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            const box = gd.getBoundingClientRect();
            return [box.left + xa._offset + xa.l2p(trace.x[at]),
                    box.top + ya._offset + ya.l2p(trace.y[at])];
          }
          return null;
        }""",
        path,
    )


def point_position(page: Page, code: str) -> tuple[float, float]:
    """Where the commune of the ranking's row `code` is drawn: the path of its unit page
    link in the table, then point_at."""
    href = page.locator(f"#ranking-table tr[data-code='{code}'] a[href*='/don-vi/']").first
    position = point_at(page, (href.get_attribute("href") or "").split("?")[0])
    assert position is not None, code
    return position


def test_it_opens_a_communes_page_from_its_point_on_the_ranking_map(
    live_server, page: Page, outside_requests: list[str]
) -> None:
    province, communes, _october = gia_lai_october()
    bong_son = unit_by_code("21640", on=TWO_TIER, level="commune")
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, Role.PROVINCE_STAFF, province)
    page.goto(f"{live_server.url}/xep-hang/?parent=52&period={OCTOBER}&indicator=online")

    chart = page.locator("#unit-map-chart")
    expect(chart).to_have_attribute("data-rendered", "true")
    expect(chart.locator(".scatterlayer path.point")).to_have_count(len(communes))
    legend = chart.locator(".legend")
    for label in ("✔ Đạt", "✘ Chưa đạt", "– Không có số liệu"):
        expect(legend).to_contain_text(label)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # Hovering the point shows the commune's figures; a click opens its page.
    chart.scroll_into_view_if_needed()
    x, y = point_position(page, bong_son.code)
    page.mouse.move(x, y)
    expect(chart.locator(".hoverlayer")).to_contain_text("Phường Bồng Sơn")
    expect(chart.locator(".hoverlayer")).to_contain_text("Chỉ tiêu: 70,00 %")
    page.mouse.click(x, y)
    expect(page).to_have_url(
        f"{live_server.url}/don-vi/{bong_son.pk}/?period={OCTOBER}&indicator=online"
    )
    expect(page.locator("h1")).to_have_text("Phường Bồng Sơn")
    assert outside_requests == []


def test_it_fits_the_map_on_a_phone_and_switches_indicators_on_the_summary(
    live_server, page: Page, outside_requests: list[str]
) -> None:
    province, communes, _october = gia_lai_october()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, Role.CHAIRMAN, province)
    page.goto(f"{live_server.url}/tong-hop/?parent=52&period={OCTOBER}")

    chart = page.locator("#unit-map-chart")
    expect(chart).to_have_attribute("data-rendered", "true")
    expect(chart.locator(".scatterlayer path.point")).to_have_count(len(communes))
    box = chart.bounding_box()
    assert box is not None and box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # The menu over the map: another indicator, whose communes have no figures of it.
    chart.locator(".updatemenu-header-group").click()
    chart.locator(".updatemenu-item-text", has_text="Thanh toán").first.click()
    expect(chart.locator(".legend")).to_contain_text("Không có số liệu")
    expect(chart.locator(".legend")).not_to_contain_text("✔ Đạt")
    assert outside_requests == []
