"""Raw counts, indicator definitions and the arithmetic on them.

Pure Python (no Django): the same code computes rates for the web pages, the CLI, the
generated documents and the tests that replay the table published with Hoài Nhơn's H1
2023 dispatch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from indicators.domain.status import Status

__all__ = [
    "COUNT_FIELDS",
    "COUNT_FIELDS_EN",
    "INDICATORS",
    "INDICATORS_BY_CODE",
    "IdentityViolation",
    "IndicatorDef",
    "UnknownIndicator",
    "check_identities",
    "compliance_status",
    "gap_points",
    "get_indicator",
    "indicator_parts",
    "indicator_rate",
    "meets",
    "rate",
    "ratio_of_sums",
    "round_rate",
]

# Raw counts of one unit for one period; None = not reported.
Counts = Mapping[str, int | None]

# Order follows the appendix columns of Hoài Nhơn's H1 2023 dispatch, then the counts that
# Phổ Ninh's 2025 plan and Quảng Ngãi's 2024 report add; forms and CSV exports list fields
# in this order.
COUNT_FIELDS: dict[str, str] = {
    "total": "Tổng số hồ sơ",
    "carried_over": "Hồ sơ kỳ trước chuyển sang",
    "received": "Hồ sơ tiếp nhận trong kỳ",
    "with_portal_account": "Hồ sơ có tài khoản Cổng Dịch vụ công quốc gia",
    "received_in_person": "Hồ sơ tiếp nhận trực tiếp",
    "received_online": "Hồ sơ tiếp nhận trực tuyến",
    "digitized_partial": "Hồ sơ số hóa một phần thành phần hồ sơ",
    "digitized_full": "Hồ sơ số hóa toàn bộ thành phần hồ sơ",
    "resolved": "Hồ sơ đã giải quyết",
    "results_digitized": "Hồ sơ số hóa kết quả",
    "reused": "Hồ sơ sử dụng lại dữ liệu số hóa",
    "resolved_on_time": "Hồ sơ giải quyết trước và đúng hạn",
    "resolved_late": "Hồ sơ giải quyết trễ hạn",
    "e_certified_copies": "Số bản chứng thực điện tử",
    "payments_online": "Giao dịch thanh toán trực tuyến",
    "payments_total": "Tổng số giao dịch thanh toán",
    "feedback_received": "Phản ánh, kiến nghị tiếp nhận",
    "feedback_on_time": "Phản ánh, kiến nghị xử lý đúng hạn",
    "ratings_satisfied": "Lượt đánh giá hài lòng",
    "ratings_total": "Tổng số lượt đánh giá",
    "population_db_checked": "Hồ sơ khai thác CSDL quốc gia về dân cư",
}

COUNT_FIELDS_EN: dict[str, str] = {
    "total": "Total dossiers",
    "carried_over": "Carried over from the previous period",
    "received": "Received this period",
    "with_portal_account": "Received with a national-portal account",
    "received_in_person": "Received in person",
    "received_online": "Received online",
    "digitized_partial": "Components partially digitized",
    "digitized_full": "Components fully digitized",
    "resolved": "Resolved",
    "results_digitized": "Results digitized",
    "reused": "Reused digitized data",
    "resolved_on_time": "Resolved on time or early",
    "resolved_late": "Resolved late",
    "e_certified_copies": "Electronically certified copies",
    "payments_online": "Online payment transactions",
    "payments_total": "All payment transactions",
    "feedback_received": "Feedback received",
    "feedback_on_time": "Feedback handled on time",
    "ratings_satisfied": "Satisfied ratings",
    "ratings_total": "All ratings",
    "population_db_checked": "Checked against the population database",
}

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


class UnknownIndicator(ValueError):
    """An indicator code that is not in the catalogue."""


@dataclass(frozen=True, kw_only=True)
class IndicatorDef:
    """One indicator: rate = sum(numerator fields) / denominator field × 100."""

    code: str
    name_vi: str
    name_en: str
    short_vi: str
    numerator: tuple[str, ...]
    denominator: str
    higher_is_better: bool = True
    order: int
    short_en: str = ""

    def __post_init__(self) -> None:
        # A typo in a field name would otherwise surface only as a silent "no data".
        for name in (*self.numerator, self.denominator):
            if name not in COUNT_FIELDS:
                raise ValueError(f"Unknown count field {name!r} in indicator {self.code!r}")


INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef(
        code="online",
        name_vi="Tỷ lệ hồ sơ trực tuyến",
        name_en="Online dossier rate",
        short_vi="Trực tuyến",
        short_en="Online",
        numerator=("received_online",),
        denominator="received",
        order=1,
    ),
    IndicatorDef(
        code="payment",
        name_vi="Tỷ lệ thanh toán trực tuyến",
        name_en="Online payment rate",
        short_vi="Thanh toán trực tuyến",
        short_en="Online payment",
        numerator=("payments_online",),
        denominator="payments_total",
        order=2,
    ),
    IndicatorDef(
        code="digitization",
        name_vi="Tỷ lệ số hóa hồ sơ (thành phần hồ sơ)",
        name_en="Dossier digitization rate (dossier components)",
        short_vi="Số hóa hồ sơ",
        short_en="Digitization",
        numerator=("digitized_partial", "digitized_full"),
        denominator="received",
        order=3,
    ),
    IndicatorDef(
        code="e_results",
        name_vi="Tỷ lệ cấp kết quả điện tử (số hóa kết quả)",
        name_en="Electronic results rate (results digitized)",
        short_vi="Kết quả điện tử",
        short_en="E-results",
        numerator=("results_digitized",),
        denominator="resolved",
        order=4,
    ),
    IndicatorDef(
        code="reuse",
        name_vi="Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa",
        name_en="Reuse of digitized data rate",
        short_vi="Tái sử dụng dữ liệu",
        short_en="Data reuse",
        numerator=("reused",),
        denominator="received",
        order=5,
    ),
    IndicatorDef(
        code="feedback",
        name_vi="Tỷ lệ xử lý phản ánh, kiến nghị đúng hạn",
        name_en="Feedback handled on time rate",
        short_vi="Phản ánh, kiến nghị",
        short_en="Feedback",
        numerator=("feedback_on_time",),
        denominator="feedback_received",
        order=6,
    ),
    IndicatorDef(
        code="satisfaction",
        name_vi="Mức độ hài lòng",
        name_en="Satisfaction rate",
        short_vi="Hài lòng",
        short_en="Satisfaction",
        numerator=("ratings_satisfied",),
        denominator="ratings_total",
        order=7,
    ),
    IndicatorDef(
        code="on_time",
        name_vi="Tỷ lệ hồ sơ giải quyết trước và đúng hạn",
        name_en="Dossiers resolved on time rate",
        short_vi="Đúng hạn",
        short_en="On time",
        numerator=("resolved_on_time",),
        denominator="resolved",
        order=8,
    ),
    IndicatorDef(
        code="population_db",
        name_vi="Tỷ lệ khai thác CSDL quốc gia về dân cư",
        name_en="Population database use rate",
        short_vi="CSDL dân cư",
        short_en="Population DB",
        numerator=("population_db_checked",),
        denominator="received",
        order=9,
    ),
)

INDICATORS_BY_CODE: dict[str, IndicatorDef] = {ind.code: ind for ind in INDICATORS}


def get_indicator(code: str) -> IndicatorDef:
    """Return the indicator with this code, or raise UnknownIndicator (a ValueError)."""
    try:
        return INDICATORS_BY_CODE[code]
    except KeyError:
        valid = ", ".join(INDICATORS_BY_CODE)
        raise UnknownIndicator(f"Chỉ số không tồn tại: {code!r}. Các mã hợp lệ: {valid}.") from None


def rate(numerator: int | None, denominator: int | None) -> Decimal | None:
    """numerator × 100 / denominator as an unrounded Decimal; None means "no data".

    A zero denominator is "no data", not 0 % (a unit that received nothing did not fail).
    """
    if numerator is None or denominator is None or denominator == 0:
        return None
    # Fixed precision so the result does not depend on a caller's global decimal context.
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(numerator) * _HUNDRED / Decimal(denominator)


def indicator_parts(indicator: IndicatorDef, counts: Counts) -> tuple[int | None, int | None]:
    """(numerator, denominator) of one indicator; numerator None if any of its fields is."""
    values = [counts.get(name) for name in indicator.numerator]
    numerator: int | None
    if any(v is None for v in values):
        numerator = None  # a partial sum would understate the rate
    else:
        numerator = sum(v for v in values if v is not None)
    return numerator, counts.get(indicator.denominator)


def indicator_rate(indicator: IndicatorDef, counts: Counts) -> Decimal | None:
    """The unrounded rate of one indicator for one set of raw counts."""
    return rate(*indicator_parts(indicator, counts))


def ratio_of_sums(parts: Iterable[tuple[int | None, int | None]]) -> Decimal | None:
    """Aggregate rate over units or periods: Σ numerators × 100 / Σ denominators.

    Pairs with a missing numerator or denominator are skipped (they carry no data).
    A mean of unit rates is a different number and must never be used as the total:
    it weights a commune with 500 dossiers like one with 1,500 (in Hoài Nhơn's H1 2023
    dispatch the "Tổng số cấp xã" online rate 66,73 % is 9.805 / 14.693, the mean of the
    rates is 69,44 %).
    """
    num_sum = 0
    den_sum = 0
    usable = False
    for numerator, denominator in parts:
        if numerator is None or denominator is None:
            continue
        usable = True
        num_sum += numerator
        den_sum += denominator
    if not usable:
        return None
    return rate(num_sum, den_sum)


def round_rate(value: Decimal, places: int = 2) -> Decimal:
    """Round half up, as the published documents do (Python's default is half even)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def gap_points(rate: Decimal | None, target: Decimal | None) -> Decimal | None:
    """Percentage points above (+) or below (−) the target; None without data or target.

    Uses the rate rounded to 2 places, as published, so the gap agrees with meets() and
    with the figures a reader sees ("99,63 %" is "vượt 49,63 %" over 50 %).
    """
    if rate is None or target is None:
        return None
    return round_rate(rate) - target


def meets(
    rate: Decimal | None, target: Decimal | None, higher_is_better: bool = True
) -> bool | None:
    """True/False whether the published (2-place) rate meets the target; None = grey."""
    if rate is None or target is None:
        return None
    shown = round_rate(rate)
    return shown >= target if higher_is_better else shown <= target


def compliance_status(rate: Decimal | None, target: Decimal | None) -> Status:
    """The colour of a cell: met (green), missed (red), no target (blue), no data (grey)."""
    if rate is None:
        return Status.NO_DATA
    if target is None:
        return Status.NO_TARGET
    return Status.MET if meets(rate, target) else Status.MISSED


@dataclass(frozen=True)
class IdentityViolation:
    """One broken accounting identity in a unit's counts (an entry error).

    `field` is the count field the error belongs to (the left-hand side of the identity),
    so a form can attach the message to that input.
    """

    field: str
    expected: int
    found: int
    message_vi: str


def _n(value: int) -> str:
    # Local thousands formatting: formatting.py is for display, this module must stay
    # importable on its own.
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", ".")


def _sum_check(counts: Counts, field: str, addends: tuple[str, ...]) -> IdentityViolation | None:
    found = counts.get(field)
    parts = [counts.get(name) for name in addends]
    if found is None or any(p is None for p in parts):
        return None  # cannot check what was not reported
    numbers = [p for p in parts if p is not None]
    expected = sum(numbers)
    if found == expected:
        return None
    labels = " + ".join(COUNT_FIELDS[name] for name in addends)
    arithmetic = " + ".join(_n(p) for p in numbers)
    message = (
        f"{COUNT_FIELDS[field]} ({_n(found)}) phải bằng {labels} ({arithmetic} = {_n(expected)})"
    )
    return IdentityViolation(field=field, expected=expected, found=found, message_vi=message)


def _at_most_check(counts: Counts, left: tuple[str, ...], right: str) -> IdentityViolation | None:
    values = [counts.get(name) for name in left]
    bound = counts.get(right)
    if bound is None or any(v is None for v in values):
        return None
    found = sum(v for v in values if v is not None)
    if found <= bound:
        return None
    labels = " + ".join(COUNT_FIELDS[name] for name in left)
    if len(left) > 1:
        shown = " + ".join(_n(v) for v in values if v is not None) + f" = {_n(found)}"
    else:
        shown = _n(found)
    message = f"{labels} ({shown}) không được lớn hơn {COUNT_FIELDS[right]} ({_n(bound)})"
    return IdentityViolation(field=left[0], expected=bound, found=found, message_vi=message)


# Identities that hold in every row of the published tables; a break is an entry error.
_SUM_IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("total", ("carried_over", "received")),
    ("received", ("received_in_person", "received_online")),
    ("resolved", ("resolved_on_time", "resolved_late")),
)


def check_identities(counts: Counts) -> list[IdentityViolation]:
    """All broken identities in one unit's counts; an empty list means consistent.

    A check is skipped when one of its values is None (not reported).
    """
    violations: list[IdentityViolation] = []
    for name, label in COUNT_FIELDS.items():
        value = counts.get(name)
        if value is not None and value < 0:
            violations.append(
                IdentityViolation(
                    field=name,
                    expected=0,
                    found=value,
                    message_vi=f"{label} ({_n(value)}) không được là số âm",
                )
            )
    for field, addends in _SUM_IDENTITIES:
        violation = _sum_check(counts, field, addends)
        if violation is not None:
            violations.append(violation)
    # digitized_partial + digitized_full <= received is the digitization indicator's own
    # numerator <= denominator check, so the loop covers it once.
    seen: set[tuple[tuple[str, ...], str]] = set()
    for indicator in INDICATORS:
        key = (indicator.numerator, indicator.denominator)
        if key in seen:
            continue
        seen.add(key)
        violation = _at_most_check(counts, indicator.numerator, indicator.denominator)
        if violation is not None:
            violations.append(violation)
    return violations
