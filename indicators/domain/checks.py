"""Warnings on a unit's figures: things that may be right but deserve a second look.

Errors (broken identities, parts larger than wholes, negative counts) live in
formulas.check_identities and block saving; the warnings here need a confirmation that is
recorded with the figures. Pure Python, no Django.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from indicators.domain.formatting import format_int_vi, format_trimmed_vi
from indicators.domain.formulas import (
    COUNT_FIELDS,
    INDICATORS,
    IdentityViolation,
    indicator_rate,
    round_rate,
)
from indicators.domain.index766 import count_label, count_value

Counts = Mapping[str, int | None]

DEFAULT_MAX_RATE_JUMP = Decimal(20)  # percentage points between two consecutive periods
DEFAULT_OUTLIER_SD = 3.0  # DHIS2's default for its standard-deviation outlier rule
MIN_HISTORY = 3  # fewer earlier periods say nothing about what is normal for the unit


@dataclass(frozen=True)
class FigureWarning:
    code: str  # stable key, recorded when the user confirms it
    field: str  # a count field, or an indicator code for rate warnings
    message_vi: str


def rate_jump_warnings(
    current: Counts, previous: Counts | None, *, max_points: Decimal = DEFAULT_MAX_RATE_JUMP
) -> list[FigureWarning]:
    """A rate that moved more than `max_points` since the previous period."""
    if previous is None:
        return []
    warnings = []
    for indicator in INDICATORS:
        now, before = indicator_rate(indicator, current), indicator_rate(indicator, previous)
        if now is None or before is None:
            continue
        move = round_rate(now) - round_rate(before)
        if abs(move) > max_points:
            direction = "tăng" if move > 0 else "giảm"
            warnings.append(
                FigureWarning(
                    code=f"jump:{indicator.code}",
                    field=indicator.code,
                    message_vi=(
                        f"{indicator.name_vi} {direction} {format_trimmed_vi(abs(move))} điểm % so "
                        f"với kỳ trước ({format_trimmed_vi(round_rate(before))} % → "
                        f"{format_trimmed_vi(round_rate(now))} %), vượt ngưỡng "
                        f"{format_trimmed_vi(max_points)} điểm %. Hãy kiểm tra lại."
                    ),
                )
            )
    return warnings


def outlier_warnings(
    current: Counts, history: Sequence[Counts], *, sd_factor: float = DEFAULT_OUTLIER_SD
) -> list[FigureWarning]:
    """A count outside the unit's own usual range: mean ± sd_factor × standard deviation
    of the same kind of period in the past (DHIS2's min-max outlier rule)."""
    warnings = []
    for field, label in COUNT_FIELDS.items():
        value = current.get(field)
        past = [v for h in history if (v := h.get(field)) is not None]
        if value is None or len(past) < MIN_HISTORY:
            continue
        mean = statistics.fmean(past)
        # The population standard deviation in floats: statistics.pstdev computes it in
        # exact fractions, 40 times slower (the sample generator checks every month it
        # draws); the range is rounded to whole dossiers anyway.
        spread = math.sqrt(statistics.fmean([(v - mean) ** 2 for v in past]))
        # A flat history (spread 0) would flag every change; allow 10 % of the mean.
        margin = max(sd_factor * spread, 0.1 * mean, 1.0)
        low, high = max(0, round(mean - margin)), round(mean + margin)
        if not low <= value <= high:
            warnings.append(
                FigureWarning(
                    code=f"outlier:{field}",
                    field=field,
                    message_vi=(
                        f"{label}: {format_int_vi(value)} nằm ngoài khoảng thường gặp của đơn vị "
                        f"({format_int_vi(low)} – {format_int_vi(high)}, theo {len(past)} kỳ "
                        "trước). Hãy kiểm tra lại."
                    ),
                )
            )
    return warnings


def extra_identity_violations(counts: Counts) -> list[IdentityViolation]:
    """Errors, not warnings: the identities the extra counts of the Decision 766 index
    must keep (parts never exceed their whole), checked only where both sides were
    entered."""
    found = []

    def at_most(part: str, whole: int | None, whole_vi: str) -> None:
        value = counts.get(part)
        if value is None or whole is None or value <= whole:
            return
        found.append(
            IdentityViolation(
                field=part,
                expected=whole,
                found=value,
                message_vi=(
                    f"{count_label(part)} ({format_int_vi(value)}) không được lớn hơn "
                    f"{whole_vi} ({format_int_vi(whole)})."
                ),
            )
        )

    at_most("paid_online_dossiers", counts.get("fee_dossiers"), count_label("fee_dossiers"))
    in_progress = count_value("in_progress", counts)
    at_most("in_progress_on_time", in_progress, count_label("in_progress").lower())
    received = counts.get("received")
    at_most("population_db_authenticated", received, count_label("received").lower())
    feedback = counts.get("feedback_received")
    for part in ("feedback_dissatisfied", "feedback_repeated", "feedback_overdue"):
        at_most(part, feedback, count_label("feedback_received").lower())
    on_time = counts.get("feedback_on_time")
    if feedback is not None and on_time is not None:
        at_most(
            "feedback_overdue", feedback - on_time, "số phản ánh, kiến nghị chưa xử lý đúng hạn"
        )
    return found
