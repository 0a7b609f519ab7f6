"""The whole country in tests: a national user, planted figures, and the oracle of a
province's figures computed from UnitFigures rows in plain Python (never with the
selectors under test)."""

from __future__ import annotations

import datetime as dt

from indicators.domain.periods import parse_period_code
from indicators.models import FiguresStatus, Period, UnitFigures
from units.models import AdministrativeUnit

LEGACY_PERIOD = "2023-H1-CAL"  # Hoài Nhơn's appendix (seed) plus figures planted below
REFORM_MONTHS = ("2026-M01-ND09", "2026-M02-ND09")  # planted months of 2025-structure units
REFORM_QUARTER = "2026-Q1-ND09"  # built from those months

# The domain's formulas (DOMAIN.md), written out again for the oracle.
PARTS = {
    "online": (("received_online",), "received"),
    "digitization": (("digitized_partial", "digitized_full"), "received"),
    "on_time": (("resolved_on_time",), "resolved"),
}


def period_of(code: str) -> Period:
    return Period.objects.for_spec(parse_period_code(code))


def plant(unit: AdministrativeUnit, code: str, *, received: int, online: int) -> None:
    """Approved figures (the pages may leave drafts out) for one unit and period."""
    UnitFigures.objects.update_or_create(
        unit=unit,
        period=period_of(code),
        defaults={
            "total": received,
            "carried_over": 0,
            "received": received,
            "received_in_person": received - online,
            "received_online": online,
            "status": FiguresStatus.APPROVED,
        },
    )


def subtree_parts(
    root: AdministrativeUnit, start: dt.date, end: dt.date, indicator: str
) -> tuple[int, int] | None:
    """Numerator and denominator of `indicator` over every unit under `root` (itself
    included) for [start, end]: per unit its figure for exactly the period if it has one,
    else the sum of its figures inside; only rows reporting both parts count."""
    numerator_fields, denominator_field = PARTS[indicator]
    inside: dict[int, list[UnitFigures]] = {}
    for figures in UnitFigures.objects.select_related("unit", "period"):
        within = start <= figures.period.start and figures.period.end <= end
        if within and figures.unit.path.startswith(root.path):
            inside.setdefault(figures.unit_id, []).append(figures)
    numerator = denominator = 0
    reported = False
    for rows in inside.values():
        whole = [f for f in rows if (f.period.start, f.period.end) == (start, end)]
        for f in whole or rows:
            parts = [getattr(f, name) for name in numerator_fields]
            below = getattr(f, denominator_field)
            if None in parts or below is None:
                continue
            numerator += sum(parts)
            denominator += below
            reported = True
    return (numerator, denominator) if reported else None
