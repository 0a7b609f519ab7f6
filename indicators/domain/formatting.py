"""Vietnamese number and date formatting for the CLI and generated documents.

Templates use Django's l10n instead; these functions exist so that text produced outside
a request (dispatch drafts, management commands) writes "1.087" and "83,66 %" the way the
published documents do, independent of the process locale.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "NO_DATA",
    "format_date_vi",
    "format_decimal_vi",
    "format_int_vi",
    "format_points_vi",
    "format_rate_vi",
    "format_trimmed_en",
    "format_trimmed_vi",
    "parse_count",
]

# Shown where a rate has no data (zero or missing denominator); never "0 %".
NO_DATA = "—"
# U+2212: the documents' typographic minus, so "−6,06" lines up with "+13,33".
_MINUS = "\u2212"


def _group(digits: str) -> str:
    """Insert "." as the thousands separator into a string of digits."""
    return f"{int(digits):,}".replace(",", ".")


def _quantize(value: Decimal, places: int) -> Decimal:
    # Half up like the published tables; Python's default (half even) would print 36,65
    # as "36,6" where the documents write "36,7".
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _unsigned(value: Decimal, places: int) -> str:
    """|value| with grouped integer part and a decimal comma, exactly `places` decimals."""
    text = f"{abs(_quantize(value, places)):f}"
    whole, _, frac = text.partition(".")
    return _group(whole) + ("," + frac if places > 0 else "")


def format_int_vi(value: int) -> str:
    """1087 → "1.087"."""
    sign = "-" if value < 0 else ""
    return sign + _group(str(abs(value)))


def format_decimal_vi(value: Decimal, places: int = 2) -> str:
    """Decimal("95.96") → "95,96"; always exactly `places` decimals (nothing trimmed)."""
    negative = _quantize(value, places) < 0
    return ("-" if negative else "") + _unsigned(value, places)


def format_rate_vi(value: Decimal | None, places: int = 2, with_unit: bool = True) -> str:
    """Decimal("83.66") → "83,66 %"; None → "—" (no data)."""
    if value is None:
        return NO_DATA
    text = format_decimal_vi(value, places)
    return text + " %" if with_unit else text


def format_points_vi(value: Decimal | None, places: int = 2) -> str:
    """Gap in percentage points with the sign always shown: "+13,33", "−6,06", "+0,00"."""
    if value is None:
        return NO_DATA
    negative = _quantize(value, places) < 0
    return (_MINUS if negative else "+") + _unsigned(value, places)


def format_trimmed_vi(value: Decimal, max_places: int = 2) -> str:
    """Up to `max_places` decimals without trailing zeros, as prose writes them.

    Decimal("85.00") → "85", Decimal("70.50") → "70,5", Decimal("95.96") → "95,96".
    """
    rounded = _quantize(value, max_places)
    text = format_decimal_vi(rounded, max_places)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return "0" if text in ("-0", "") else text


def format_trimmed_en(value: Decimal, max_places: int = 2) -> str:
    """English counterpart of format_trimmed_vi: 85.00 → "85", 1178.10 → "1,178.1"."""
    vi = format_trimmed_vi(value, max_places)
    return vi.replace(".", "\0").replace(",", ".").replace("\0", ",")


def format_date_vi(value: date) -> str:
    """date(2025, 2, 14) → "14/02/2025"."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


# A count as people type it: "1087", "1.087" (Vietnamese), "1,087" (English) or "1 087";
# grouping must be in threes with one separator throughout.
_COUNT_TEXT = re.compile(
    r"^-?(?:\d+|\d{1,3}(?P<sep>[.,\u00a0 ])\d{3}(?:(?P=sep)\d{3})*)$", re.ASCII
)


def parse_count(text: str) -> int:
    """The whole number in ``text`` (negative kept, for the caller to refuse with its own
    message); ValueError for anything else.

    Stricter than stripping separators: "1.5" or "1,5" is a decimal (or a typo for
    1.500), never 15, so it is refused rather than silently read as another number."""
    cleaned = text.strip()
    if not _COUNT_TEXT.match(cleaned):
        raise ValueError(text)
    value = int(re.sub(r"\D", "", cleaned, flags=re.ASCII))
    return -value if cleaned.startswith("-") else value
