"""Reporting periods: Decree 09/2019/NĐ-CP (Art. 12) periods, calendar periods, ranges.

The convention is part of a period's identity: "Năm 2024" is 15/12/2023–14/12/2024 under
Decree 09 (as in Đức Phổ's 01/2025 dispatch) and 01/01/2024–31/12/2024 in calendar terms,
so every code says which.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from indicators.domain.formatting import format_date_vi

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "Convention",
    "PeriodError",
    "PeriodKind",
    "PeriodSpec",
    "custom",
    "half",
    "month",
    "nine_months",
    "parse_period_code",
    "periods_of_year",
    "quarter",
    "reporting_period_containing",
    "year_period",
]

# Outside this range a year is almost certainly a typo (e.g. "224" for 2024).
MIN_YEAR = 2000
MAX_YEAR = 2100

# Decree 09 closes figures on the 14th; the next period starts on the 15th.
_CUTOFF_DAY = 14

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_HINT = "Dùng mã như 2024-Y-ND09, 2023-H1-CAL hoặc khoảng ngày 2023-01-01..2023-06-30."


class PeriodError(ValueError):
    """Invalid period code or period bounds; the message is Vietnamese, for end users."""


class Convention(StrEnum):
    DECREE09 = "ND09"
    CALENDAR = "CAL"
    CUSTOM = "RANGE"


class PeriodKind(StrEnum):
    MONTH = "M"
    QUARTER = "Q"
    HALF = "H"
    NINE_MONTHS = "9M"
    YEAR = "Y"
    CUSTOM = "RANGE"


# How many periods of each kind a year has, and how many months each spans.
_PER_YEAR = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.HALF: 2, PeriodKind.YEAR: 1}
# Kinds with one period a year and no number: the year, and the 9 months' report (months
# 1–9 of the year, which does not tile the year and has no second part).
_UNNUMBERED = frozenset({PeriodKind.YEAR, PeriodKind.NINE_MONTHS})


def _month_span(kind: PeriodKind, number: int | None) -> tuple[int, int]:
    """First and last month (1–12) covered by period `number` of `kind`."""
    if kind is PeriodKind.NINE_MONTHS:
        return 1, 9
    size = 12 // _PER_YEAR[kind]
    n = 1 if kind is PeriodKind.YEAR else number
    assert n is not None
    return (n - 1) * size + 1, n * size


def _bounds(
    kind: PeriodKind, convention: Convention, year: int, number: int | None
) -> tuple[date, date]:
    first, last = _month_span(kind, number)
    if convention is Convention.DECREE09:
        # From the 15th of the month before the first month to the 14th of the last month;
        # for January (and Q1, H1, the year) that previous month is December of year − 1.
        start = date(year - 1, 12, 15) if first == 1 else date(year, first - 1, 15)
        return start, date(year, last, _CUTOFF_DAY)
    return date(year, first, 1), date(year, last, monthrange(year, last)[1])


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}, nhận được {year}.")


def _check_number(kind: PeriodKind, number: int | None) -> None:
    if kind in _UNNUMBERED:
        if number is not None:
            name = "Kỳ năm" if kind is PeriodKind.YEAR else "Kỳ 9 tháng"
            raise PeriodError(f"{name} không có số thứ tự.")
        return
    limit = _PER_YEAR[kind]
    if number is None or not 1 <= number <= limit:
        what = {PeriodKind.MONTH: "Tháng", PeriodKind.QUARTER: "Quý", PeriodKind.HALF: "Nửa năm"}
        allowed = "là 1 hoặc 2" if limit == 2 else f"từ 1 đến {limit}"
        raise PeriodError(f"{what[kind]} phải {allowed}, nhận được {number}.")


@dataclass(frozen=True)
class PeriodSpec:
    """A reporting period; `end` is inclusive. Build it with the constructors below."""

    kind: PeriodKind
    convention: Convention
    year: int | None
    number: int | None
    start: date
    end: date

    def __post_init__(self) -> None:
        # Coerce plain strings (e.g. read from the database) so equality is by value.
        object.__setattr__(self, "kind", PeriodKind(self.kind))
        object.__setattr__(self, "convention", Convention(self.convention))
        if self.end < self.start:
            raise PeriodError(
                f"Ngày kết thúc {format_date_vi(self.end)} trước ngày bắt đầu "
                f"{format_date_vi(self.start)}."
            )
        is_custom_kind = self.kind is PeriodKind.CUSTOM
        if is_custom_kind != (self.convention is Convention.CUSTOM):
            raise PeriodError("Khoảng ngày tùy chọn phải dùng quy ước RANGE và ngược lại.")
        if is_custom_kind:
            if self.year is not None or self.number is not None:
                raise PeriodError("Khoảng ngày tùy chọn không có năm hay số thứ tự.")
            _check_year(self.start.year)
            _check_year(self.end.year)
            return
        if self.year is None:
            raise PeriodError("Kỳ báo cáo phải có năm.")
        _check_year(self.year)
        _check_number(self.kind, self.number)
        # The dates must be the ones the rule gives, or two specs with one code would differ.
        expected = _bounds(self.kind, self.convention, self.year, self.number)
        if (self.start, self.end) != expected:
            raise PeriodError(
                f"Ngày của kỳ {self.code} phải là {format_date_vi(expected[0])} – "
                f"{format_date_vi(expected[1])}."
            )

    @property
    def code(self) -> str:
        """Stable identifier: 2024-M03-ND09, 2024-Q1-CAL, 2024-9M-ND09, 2024-Y-ND09,
        2023-01-01..2023-06-30."""
        if self.kind is PeriodKind.CUSTOM:
            return f"{self.start.isoformat()}..{self.end.isoformat()}"
        if self.kind in _UNNUMBERED:
            return f"{self.year}-{self.kind.value}-{self.convention.value}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-M{self.number:02d}-{self.convention.value}"
        return f"{self.year}-{self.kind.value}{self.number}-{self.convention.value}"

    @property
    def label_vi(self) -> str:
        if self.kind is PeriodKind.CUSTOM:
            return f"Từ {format_date_vi(self.start)} đến {format_date_vi(self.end)}"
        if self.kind is PeriodKind.MONTH:
            return f"Tháng {self.number} năm {self.year}"
        if self.kind is PeriodKind.QUARTER:
            assert self.number is not None
            return f"Quý {_ROMAN[self.number]} năm {self.year}"
        if self.kind is PeriodKind.HALF:
            part = "đầu" if self.number == 1 else "cuối"
            return f"6 tháng {part} năm {self.year}"
        if self.kind is PeriodKind.NINE_MONTHS:
            return f"9 tháng đầu năm {self.year}"
        return f"Năm {self.year}"

    @property
    def label_en(self) -> str:
        if self.kind is PeriodKind.CUSTOM:
            return f"From {format_date_vi(self.start)} to {format_date_vi(self.end)}"
        if self.kind is PeriodKind.MONTH:
            assert self.number is not None
            return f"{_MONTHS_EN[self.number - 1]} {self.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"Q{self.number} {self.year}"
        if self.kind is PeriodKind.HALF:
            part = "First" if self.number == 1 else "Second"
            return f"{part} half of {self.year}"
        if self.kind is PeriodKind.NINE_MONTHS:
            return f"First nine months of {self.year}"
        return f"Year {self.year}"

    @property
    def range_vi(self) -> str:
        return f"{format_date_vi(self.start)} – {format_date_vi(self.end)}"

    @property
    def long_label_vi(self) -> str:
        # The range disambiguates the conventions: both say "Năm 2024".
        return f"{self.label_vi} ({self.range_vi})"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def previous(self) -> PeriodSpec:
        """The period just before: same kind and convention; a custom range of equal length.

        Raises PeriodError when that period falls before MIN_YEAR.
        """
        if self.kind is PeriodKind.CUSTOM:
            end = self.start - timedelta(days=1)
            return custom(end - timedelta(days=self.days - 1), end)
        assert self.year is not None
        if self.kind in _UNNUMBERED:
            return _make(self.kind, self.convention, self.year - 1, None)
        assert self.number is not None
        if self.number > 1:
            return _make(self.kind, self.convention, self.year, self.number - 1)
        return _make(self.kind, self.convention, self.year - 1, _PER_YEAR[self.kind])


def _make(kind: PeriodKind, convention: Convention, year: int, number: int | None) -> PeriodSpec:
    convention = Convention(convention)
    if convention is Convention.CUSTOM:
        raise PeriodError("Quy ước RANGE chỉ dùng cho khoảng ngày tùy chọn (custom).")
    _check_year(year)
    _check_number(kind, number)
    start, end = _bounds(kind, convention, year, number)
    return PeriodSpec(kind, convention, year, number, start, end)


def month(year: int, m: int, convention: Convention) -> PeriodSpec:
    return _make(PeriodKind.MONTH, convention, year, m)


def quarter(year: int, q: int, convention: Convention) -> PeriodSpec:
    return _make(PeriodKind.QUARTER, convention, year, q)


def half(year: int, h: int, convention: Convention) -> PeriodSpec:
    """H1 under Decree 09 is the decree's 6-month report (15/12 of year − 1 to 14/06).

    The decree defines no "second half" report; H2 (15/06–14/12) is the symmetric remainder
    of the Decree 09 year, so that H1 + H2 = the year.
    """
    return _make(PeriodKind.HALF, convention, year, h)


def nine_months(year: int, convention: Convention) -> PeriodSpec:
    """The 9 months' report: under Decree 09 15/12 of year − 1 to 14/09, in calendar terms
    01/01–30/09. Its previous period is the 9 months of year − 1."""
    return _make(PeriodKind.NINE_MONTHS, convention, year, None)


def year_period(year: int, convention: Convention) -> PeriodSpec:
    return _make(PeriodKind.YEAR, convention, year, None)


def custom(start: date, end: date) -> PeriodSpec:
    return PeriodSpec(PeriodKind.CUSTOM, Convention.CUSTOM, None, None, start, end)


def year_to_date(spec: PeriodSpec) -> PeriodSpec | None:
    """From the start of `spec`'s reporting year to its end, in its convention (Decree 09:
    15/12 of the year before; calendar: 01/01), as a date range the roll-up tiles from the
    months. None when `spec` already is the whole span (a January, a first quarter, the
    year) or has no reporting year (a date range)."""
    if spec.year is None or spec.kind is PeriodKind.CUSTOM:
        return None
    start = year_period(spec.year, spec.convention).start
    if start == spec.start:
        return None
    return custom(start, spec.end)


_CONV = r"(ND09|CAL)"
_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    (PeriodKind.MONTH, re.compile(rf"(\d{{4}})-M(\d{{1,2}})-{_CONV}", re.IGNORECASE)),
    (PeriodKind.QUARTER, re.compile(rf"(\d{{4}})-Q(\d{{1,2}})-{_CONV}", re.IGNORECASE)),
    (PeriodKind.HALF, re.compile(rf"(\d{{4}})-H(\d{{1,2}})-{_CONV}", re.IGNORECASE)),
    (PeriodKind.NINE_MONTHS, re.compile(rf"(\d{{4}})-9M()-{_CONV}", re.IGNORECASE)),
    (PeriodKind.YEAR, re.compile(rf"(\d{{4}})-Y()-{_CONV}", re.IGNORECASE)),
)
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})")


def _invalid(text: str, reason: str = "") -> PeriodError:
    message = f"Kỳ báo cáo không hợp lệ: '{text}'. {_HINT}"
    return PeriodError(f"{message} ({reason})" if reason else message)


def parse_period_code(text: str) -> PeriodSpec:
    """Parse a code produced by PeriodSpec.code (case-insensitive, spaces trimmed).

    Accepts 2024-M03-ND09 (also M3), 2024-Q1-CAL, 2023-H1-CAL, 2024-9M-ND09, 2024-Y-ND09 and
    2023-01-01..2023-06-30. Raises PeriodError with a Vietnamese message otherwise.
    """
    if not isinstance(text, str):
        raise _invalid(str(text))
    cleaned = text.strip()
    range_match = _RANGE.fullmatch(cleaned)
    if range_match:
        try:
            start = date.fromisoformat(range_match.group(1))
            end = date.fromisoformat(range_match.group(2))
        except ValueError:
            raise _invalid(cleaned, "ngày không tồn tại") from None
        try:
            return custom(start, end)
        except PeriodError as exc:
            raise _invalid(cleaned, str(exc)) from None
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match is None:
            continue
        year = int(match.group(1))
        number = int(match.group(2)) if match.group(2) else None
        convention = Convention(match.group(3).upper())
        try:
            return _make(kind, convention, year, number)
        except PeriodError as exc:
            raise _invalid(cleaned, str(exc)) from None
    raise _invalid(cleaned)


def reporting_period_containing(d: date, kind: PeriodKind, convention: Convention) -> PeriodSpec:
    """The period of this kind and convention that contains day `d`.

    Under Decree 09 a day after the 14th belongs to the next month's period, so 20/12/2024
    is in year 2025.
    """
    kind = PeriodKind(kind)
    convention = Convention(convention)
    if kind is PeriodKind.CUSTOM or convention is Convention.CUSTOM:
        raise PeriodError("Khoảng ngày tùy chọn không có kỳ chứa sẵn một ngày.")
    year, m = d.year, d.month
    if convention is Convention.DECREE09 and d.day > _CUTOFF_DAY:
        year, m = (year + 1, 1) if m == 12 else (year, m + 1)
    if kind is PeriodKind.NINE_MONTHS:
        if m > 9:
            raise PeriodError(f"Ngày {format_date_vi(d)} nằm ngoài kỳ 9 tháng đầu năm.")
        return _make(kind, convention, year, None)
    size = 12 // _PER_YEAR[kind]
    number = None if kind is PeriodKind.YEAR else (m - 1) // size + 1
    return _make(kind, convention, year, number)


def periods_of_year(year: int, kind: PeriodKind, convention: Convention) -> list[PeriodSpec]:
    """All periods of one kind in a year, in order (12 months, 4 quarters, 2 halves, 1 year,
    the one 9 months)."""
    kind = PeriodKind(kind)
    if kind is PeriodKind.CUSTOM:
        raise PeriodError("Khoảng ngày tùy chọn không chia theo năm.")
    if kind in _UNNUMBERED:
        return [_make(kind, convention, year, None)]
    return [_make(kind, convention, year, n) for n in range(1, _PER_YEAR[kind] + 1)]
