"""Gap to green: how many more dossiers a unit needs to reach its target.

A red cell says "behind"; this says "35 more online dossiers this month, about 12 a month
until December at the current pace". Pure Python, no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from indicators.domain.formulas import compliance_status, gap_points, rate, round_rate
from indicators.domain.status import Status


class AgainstTarget:
    """A unit's counts for one indicator held against its target: the rate, the gap in
    points and the status that every table cell, ranked row and chart bar shows.

    A mixin for the dataclasses that carry `numerator`, `denominator` and `target`; the
    three values are computed once per object (a page reads them many times), so those
    fields must not change after the first read."""

    numerator: int | None
    denominator: int | None
    target: Decimal | None

    @cached_property
    def rate(self) -> Decimal | None:
        return rate(self.numerator, self.denominator)

    @cached_property
    def gap(self) -> Decimal | None:
        return gap_points(self.rate, self.target)

    @cached_property
    def status(self) -> Status:
        return compliance_status(self.rate, self.target)


def dossiers_to_target(numerator: int, denominator: int, target: Decimal) -> int | None:
    """The smallest k such that (numerator + k) / denominator reaches the target, as the
    documents compare it (rounded half up to 2 places). The denominator stays fixed: a
    dossier received in person that had been received online instead, an on-time
    resolution instead of a late one. None when even k = denominator − numerator is not
    enough or there is no denominator."""
    if denominator <= 0:
        return None
    ceiling = denominator - numerator
    # Exact first guess, then step for the half-up rounding at the boundary.
    k = max(0, math.ceil(target * denominator / 100 - numerator) - 1)
    while k <= ceiling:
        value = rate(numerator + k, denominator)
        if value is not None and round_rate(value) >= target:
            return k
        k += 1
    return None


@dataclass(frozen=True)
class YearProjection:
    projected_denominator: int  # the year's denominator if the pace so far continues
    needed_numerator: int  # numerator the year needs to meet the target
    remaining: int  # still to add from now to the year's end (0 when already on track)
    days_left: int

    @property
    def on_track(self) -> bool:
        return self.remaining == 0

    def per_month(self) -> int:
        """Spread over the months left (at least one)."""
        months = max(1, math.ceil(self.days_left / 30.4))
        return math.ceil(self.remaining / months)


def project_to_year_end(
    *,
    numerator_so_far: int,
    denominator_so_far: int,
    days_elapsed: int,
    days_in_year: int,
    target: Decimal,
) -> YearProjection | None:
    """From the year-to-date counts and the pace so far, what the rest of the year needs."""
    if days_elapsed <= 0 or denominator_so_far <= 0 or days_in_year < days_elapsed:
        return None
    projected = round(denominator_so_far * days_in_year / days_elapsed)
    needed = math.ceil(target * projected / 100)
    return YearProjection(
        projected_denominator=projected,
        needed_numerator=needed,
        remaining=max(0, needed - numerator_so_far),
        days_left=days_in_year - days_elapsed,
    )


def trend_arrow(current: Decimal | None, previous: Decimal | None) -> str:
    """▲ better, ▼ worse, ＝ unchanged (at published precision), "" when either is missing."""
    if current is None or previous is None:
        return ""
    now, before = round_rate(current), round_rate(previous)
    if now > before:
        return "▲"
    if now < before:
        return "▼"
    return "＝"
