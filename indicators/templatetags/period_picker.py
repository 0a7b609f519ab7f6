"""{% period_picker %}: the period picker of every page that takes a period."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from indicators.domain.periods import PeriodSpec
from indicators.models import Period
from indicators.picker import NUMBERS, PeriodPickerForm, kept_query
from indicators.selectors import ReportCount

register = template.Library()


@register.inclusion_tag("indicators/_period_picker.html", takes_context=True)
def period_picker(
    context: template.Context,
    period: Period | PeriodSpec | None = None,
    periods: Any = None,
    reported: ReportCount | None = None,
    is_default: bool = False,
) -> dict[str, object]:
    """The picker set to `period` (a stored period, or a period read from the URL), the
    periods with figures as quick choices, and how many units are in for it. Submits to
    the current page, keeping its other parameters."""
    request = context["request"]
    # A page that could not read its period passes nothing usable (the template's "").
    spec = period.spec if isinstance(period, Period) else period
    spec = spec if isinstance(spec, PeriodSpec) else None
    form = PeriodPickerForm(initial=PeriodPickerForm.initial_for(spec, today=timezone.localdate()))
    quick = list(periods) if periods is not None else []
    return {
        "form": form,
        "code": spec.code if spec is not None else "",
        "label": str(period) if isinstance(period, Period) else spec.long_label_vi if spec else "",
        "unlisted": spec is not None and all(p.code != spec.code for p in quick),
        "periods": quick,
        "reported": reported,
        "is_default": is_default,
        "keep": kept_query(request.GET),
        "numbers": NUMBERS,
    }
