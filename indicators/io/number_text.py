"""Numbers written as text, the way Vietnamese documents write them: a dot groups thousands
("14.972"), a comma marks decimals ("83,7"). The appendix reader and the template/CSV reader
each have their own rule, kept side by side here; they differ on purpose (see below)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

# "1.087", "14.972", "-1.234": the appendix reads a signed grouped number, then reports a
# negative count as negative.
GROUPED_INT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
# "1.087", "14.972", no sign: the template/CSV reader takes "-1.234.567" as "not a number"
# (and "-1.234" as the decimal -1,234). Its messages depend on that, so the two rules stay
# apart rather than one regex with a flag.
GROUPED_UNSIGNED_INT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_WHOLE = re.compile(r"^-?\d+$")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_PLAIN_DECIMAL = re.compile(r"^-?\d+([.,]\d+)?$")


def parse_number_text(text: str) -> Decimal | None:
    """The appendix's rule: Vietnamese or plain number text, a trailing "%" allowed ->
    Decimal; None if it is not a number."""
    cleaned = text.strip().replace("\xa0", "").replace(" ", "").rstrip("%")
    if not cleaned:
        return None
    if "," in cleaned:
        # Comma = decimal separator, dots = thousands: "83,7", "1.234,5".
        whole, _, frac = cleaned.rpartition(",")
        if "," in whole or not frac.isdigit():
            return None
        if whole not in ("", "-") and not (GROUPED_INT.match(whole) or _WHOLE.match(whole)):
            return None
        cleaned = whole.replace(".", "") + "." + frac
    elif GROUPED_INT.match(cleaned):
        cleaned = cleaned.replace(".", "")
    elif not _PLAIN_NUMBER.match(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def parse_count_text(text: str) -> Decimal | None:
    """The template/CSV rule: "14.972" (grouped), "3382", "12,0" or "12.0" -> Decimal; None
    if it is not a number. The caller checks sign, whole number and size."""
    cleaned = text.strip().replace("\xa0", "").replace(" ", "")
    if GROUPED_UNSIGNED_INT.match(cleaned):
        return Decimal(cleaned.replace(".", ""))
    if _PLAIN_DECIMAL.match(cleaned):
        try:
            return Decimal(cleaned.replace(",", "."))
        except InvalidOperation:
            return None
    return None


def cell_number(value: object, parse_text: Callable[[str], Decimal | None]) -> Decimal | None:
    """A cell's value as a Decimal: numbers as they are, text through the reader's own rule
    (`parse_text`); a boolean is not a number. None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        return Decimal(str(value))
    return parse_text(str(value))
