"""The map beside a page's table: `{% unit_map_for ranking=… matrix=… period=… as m %}`
builds it from what the page already read (no query: each unit's point is a column of the
unit rows the page holds), for templates/indicators/_unit_map.html."""

from __future__ import annotations

from django import template

from indicators import maps
from indicators.models import Period
from indicators.ranking.selectors import Ranking

register = template.Library()


@register.simple_tag
def unit_map_for(
    *, ranking: object = None, matrix: object = None, period: object = None
) -> maps.UnitMap | None:
    """One indicator's ranked units, or units × indicators (one layer per indicator);
    None when the page has neither (an error, no period)."""
    if isinstance(ranking, Ranking):
        rows = [(row.unit, row) for row in ranking.rows]
        layer = maps.status_layer(rows, indicator=ranking.indicator, period=ranking.period)
        return maps.unit_map([layer])
    rows_of = getattr(matrix, "rows", None)
    if rows_of is not None and isinstance(period, Period):
        layers = maps.matrix_layers(rows_of, period=period)
        return maps.unit_map(layers) if layers else None
    return None
