"""Units created by the 2025 merger and their figures, for the target tests: new phường Bồng
Sơn (Gia Lai, from 01/07/2025) = old Bồng Sơn + Hoài Đức; the 7 new wards of old Hoài Nhơn
(district 543) found through the succession links of the loaded units.

Figures are created as submitted: drafts are not counted in baselines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from indicators.domain.periods import Convention, PeriodSpec, half, month, year_period
from indicators.models import (
    FiguresStatus,
    Indicator,
    Period,
    PlanMinimum,
    TargetPlan,
    UnitFigures,
)
from units.models import AdministrativeUnit, UnitSuccession
from units.selectors import children_of, unit_by_code

LEGACY_DAY = dt.date(2024, 12, 31)
REFORM_DAY = dt.date(2026, 1, 1)


def figures(
    unit: AdministrativeUnit, spec: PeriodSpec, *, online: int, received: int
) -> UnitFigures:
    """Submitted figures of `unit` for `spec` with these online / received counts."""
    return UnitFigures.objects.create(
        unit=unit,
        period=Period.objects.for_spec(spec),
        received=received,
        received_online=online,
        status=FiguresStatus.SUBMITTED,
    )


def monthly_figures(
    unit: AdministrativeUnit,
    year: int,
    months: Iterable[int],
    *,
    online: int,
    received: int,
    convention: Convention = Convention.DECREE09,
) -> None:
    """The same counts for each of these months of `year`."""
    for number in months:
        figures(unit, month(year, number, convention), online=online, received=received)


def merged_bong_son_plan() -> tuple[AdministrativeUnit, AdministrativeUnit, TargetPlan]:
    """(new Bồng Sơn, Gia Lai, Gia Lai's 2026 plan with an 80 % online minimum); old Bồng
    Sơn had 600/1.000 online in 2025, Hoài Đức 900/1.000."""
    new_bong_son = unit_by_code("21640", on=REFORM_DAY)
    gia_lai = new_bong_son.parent
    assert gia_lai is not None
    year_2025 = year_period(2025, Convention.DECREE09)
    for code, online, received in (("21640", 600, 1000), ("21685", 900, 1000)):
        unit = unit_by_code(code, on=LEGACY_DAY)
        figures(unit, year_2025, online=online, received=received)
    plan = TargetPlan.objects.create(issuer=gia_lai, year=2026, title="Thử nghiệm 2026")
    PlanMinimum.objects.create(
        plan=plan, indicator=Indicator.objects.get(code="online"), value=Decimal(80)
    )
    return new_bong_son, gia_lai, plan


def bong_son_units() -> tuple[AdministrativeUnit, AdministrativeUnit, AdministrativeUnit]:
    """(new Bồng Sơn, old Bồng Sơn, old Hoài Đức)."""
    return (
        unit_by_code("21640", on=REFORM_DAY),
        unit_by_code("21640", on=LEGACY_DAY),
        unit_by_code("21685", on=LEGACY_DAY),
    )


def hoai_nhon_wards() -> dict[AdministrativeUnit, list[AdministrativeUnit]]:
    """The new wards that old Hoài Nhơn's communes were merged into, each with its
    predecessors (by code), read from the succession links."""
    hoai_nhon = unit_by_code("543", on=LEGACY_DAY)
    old = children_of(hoai_nhon, on_date=LEGACY_DAY)
    wards: dict[AdministrativeUnit, list[AdministrativeUnit]] = {}
    links = (
        UnitSuccession.objects.filter(predecessor__in=old)
        .select_related("predecessor", "successor")
        .order_by("successor__code", "predecessor__code")
    )
    for link in links:
        wards.setdefault(link.successor, []).append(link.predecessor)
    return wards


def h1_h2_figures(
    wards: dict[AdministrativeUnit, list[AdministrativeUnit]],
) -> dict[AdministrativeUnit, tuple[int, int]]:
    """Calendar H1 2025 figures for every old commune (online 40 + 3 × its rank of 17, of
    100 received) and H2 2025 figures for every new ward (online 50 + 7 × its rank of 7, of
    100); returns each ward's expected (Σ online, Σ received) over the year."""
    expected: dict[AdministrativeUnit, tuple[int, int]] = {}
    first_half, second_half = half(2025, 1, Convention.CALENDAR), half(2025, 2, Convention.CALENDAR)
    rank = 0
    for index, (ward, predecessors) in enumerate(wards.items(), start=1):
        online = received = 0
        for predecessor in predecessors:
            rank += 1
            figures(predecessor, first_half, online=40 + 3 * rank, received=100)
            online, received = online + 40 + 3 * rank, received + 100
        figures(ward, second_half, online=50 + 7 * index, received=100)
        expected[ward] = (online + 50 + 7 * index, received + 100)
    return expected
