"""Template filters of the 766 pre-run: scores written the Vietnamese way ("83,66")."""

from __future__ import annotations

from decimal import Decimal

from django import template

from indicators.domain.formatting import format_decimal_vi

register = template.Library()


@register.filter
def score(value: Decimal | None) -> str:
    """Decimal("83.664") → "83,66"; None → "—" (not scored)."""
    return format_decimal_vi(value) if value is not None else "—"
