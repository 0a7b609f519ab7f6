"""Display filters in the active language's number format (1.087 / 83,66 % in Vietnamese),
a status's symbol and label in the active language, and a chart's JSON for its script
element."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from indicators.domain.status import Status

register = template.Library()

NO_DATA = "—"


def _rounded(value: Decimal, places: int) -> Decimal:
    # Published documents round half up; Python's default would round half to even.
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=16_384)
def _number(value: Decimal | int, places: int, grouping: bool, language: str | None) -> str:
    """number_format in the active language, once per value: a table of 547 communes × 9
    indicators prints some 10.000 rates, and number_format looks its formats up on every
    call (0,8 s of such a page). The language is part of the key: formats follow it."""
    return number_format(value, places, use_l10n=True, force_grouping=grouping)


def _formatted(value: Decimal | int, places: int, *, grouping: bool = False) -> str:
    return _number(value, places, grouping, get_language())


@register.filter
def rate(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return NO_DATA
    return f"{_formatted(_rounded(value, places), places)} %"


@register.filter
def target(value: Decimal | None) -> str:
    """A target as the decision wrote it: 70 %, 95,96 %."""
    if value is None:
        return NO_DATA
    value = _rounded(value, 2)
    places = 0 if value == value.to_integral_value() else 2
    return f"{_formatted(value, places)} %"


@register.filter
def points(value: Decimal | None) -> str:
    """Signed difference in percentage points: +23,33 / −6,06."""
    if value is None:
        return NO_DATA
    value = _rounded(value, 2)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{_formatted(abs(value), 2)}"


@register.filter
def count(value: int | None) -> str:
    if value is None:
        return NO_DATA
    return _formatted(value, 0, grouping=True)


@register.filter
def get(mapping: dict, key: str) -> object:
    """{{ previous_counts|get:field.name }}: templates cannot index by a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def status_symbol(status: str) -> str:
    """{{ cell.status|status_symbol }}: ✔ ✘ ○ –."""
    return Status(status).symbol


@register.filter
def status_label(status: str) -> str:
    """{{ cell.status|status_label }}: "Đạt" / "Met" in the active language."""
    return _status_label(status, get_language())


@lru_cache(maxsize=64)
def _status_label(status: str, language: str | None) -> str:
    # Four labels, printed once per cell of a table: translated once per language.
    return gettext(Status(status).label_vi)


@register.simple_tag
def status_legend() -> str:
    """✔ Đạt · ✘ Chưa đạt · ○ Chưa giao chỉ tiêu · – Không có số liệu (active language)."""
    return " · ".join(f"{status.symbol} {gettext(status.label_vi)}" for status in Status)


# As Django's json_script: "<", ">" and "&" written as escapes, so nothing in the data can
# close the script element or open a comment.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def figure_json(value: object, element_id: str) -> SafeString:
    """{{ figure|figure_json:"unit-map-data" }}: Django's json_script without its weight,
    no blank after "," and ":" and letters as themselves (UTF-8) rather than as \\uXXXX
    escapes, which made a Vietnamese hover line up to six times its length. The element
    is data (type="application/json", parsed by charts.js), never run as script, so the
    CSP holds."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(text.translate(_SCRIPT_ESCAPES)),  # escaped just above
    )
