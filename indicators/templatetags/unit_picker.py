"""{% unit_picker %}: the parent picker of the pages that take ?parent= (ranking, summary,
figures list, dispatch)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from indicators.selectors import PARENT_SELECT_MAX

register = template.Library()


@register.inclusion_tag("indicators/_unit_picker.html", takes_context=True)
def unit_picker(
    context: template.Context,
    parents: Any = None,
    parent: Any = None,
    typed: Any = "",
    label: str = "",
) -> dict[str, object]:
    """A <select> of `parents` (a queryset, read with a LIMIT) when they are at most
    PARENT_SELECT_MAX; otherwise a text box for a GSO code, which static/js/unit-search.js
    turns into a search by name ("hoai nhon"), so that nobody downloads ~10.800 options on
    every page. `typed` is the code the URL gave when the page could not read it."""
    units = list(parents[: PARENT_SELECT_MAX + 1]) if isinstance(parents, QuerySet | list) else []
    perms = context.get("portal_perms")
    period = context.get("period")
    chosen = getattr(parent, "code", "") if parent else ""
    return {
        "units": units,
        "searchable": len(units) > PARENT_SELECT_MAX,
        "parent": parent or None,
        "code": chosen or (typed or ""),
        "label": label,
        "sees_country": bool(perms and perms.sees_country),
        "country_code": getattr(perms, "country_code", ""),
        "period_code": getattr(period, "code", ""),
    }
