"""A unit created by the 2025 merger with its predecessors' 2025 results and a 2026 plan:
new phường Bồng Sơn (Gia Lai, from 01/07/2025) = old Bồng Sơn + Hoài Đức."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from indicators.domain.periods import Convention, year_period
from indicators.models import FiguresStatus, Indicator, Period, PlanMinimum, TargetPlan, UnitFigures
from units.models import AdministrativeUnit
from units.selectors import unit_by_code


def merged_bong_son_plan() -> tuple[AdministrativeUnit, AdministrativeUnit, TargetPlan]:
    """(new Bồng Sơn, Gia Lai, Gia Lai's 2026 plan with an 80 % online minimum); old Bồng
    Sơn had 600/1.000 online in 2025, Hoài Đức 900/1.000."""
    new_bong_son = unit_by_code("21640", on=dt.date(2026, 1, 1))
    gia_lai = new_bong_son.parent
    assert gia_lai is not None
    year_2025 = Period.objects.for_spec(year_period(2025, Convention.DECREE09))
    for code, online, received in (("21640", 600, 1000), ("21685", 900, 1000)):
        UnitFigures.objects.create(
            unit=unit_by_code(code, on=dt.date(2024, 12, 31)),
            period=year_2025,
            received=received,
            received_online=online,
            status=FiguresStatus.APPROVED,
        )
    plan = TargetPlan.objects.create(issuer=gia_lai, year=2026, title="Thử nghiệm 2026")
    PlanMinimum.objects.create(
        plan=plan, indicator=Indicator.objects.get(code="online"), value=Decimal(80)
    )
    return new_bong_son, gia_lai, plan
