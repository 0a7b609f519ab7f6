"""The unit page's trend chart (Plotly JSON for static/js/charts.js)."""

from __future__ import annotations

import json
from html import escape

import plotly.graph_objects as go
import plotly.io as pio

from indicators.domain.formatting import format_rate_vi
from indicators.models import Indicator
from indicators.summary.selectors import UnitHistoryRow


def unit_trend(rows: list[UnitHistoryRow], indicator: Indicator) -> dict:
    """The unit's rate over its periods (oldest first) with the target of each year. Only
    periods like the latest one (same kind and convention): a quarter next to a year would
    read as a jump."""
    latest = rows[0].period
    index = next(i for i, cell in enumerate(rows[0].cells) if cell.indicator == indicator)
    points = [
        (row.period, row.cells[index])
        for row in reversed(rows)
        if (row.period.kind, row.period.convention) == (latest.kind, latest.convention)
    ]
    labels = [escape(period.label_vi) for period, _cell in points]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=[float(c.rate) if c.rate is not None else None for _p, c in points],
            mode="lines+markers",
            name=indicator.short_vi,
            customdata=[format_rate_vi(c.rate) for _p, c in points],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
            line={"color": "#1f4e8c", "width": 3},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=[float(c.target) if c.target is not None else None for _p, c in points],
            mode="lines+markers",
            name="Chỉ tiêu",
            line={"color": "#c62828", "dash": "dash"},
            customdata=[format_rate_vi(c.target) for _p, c in points],
            hovertemplate="Chỉ tiêu: %{customdata}<extra></extra>",
        )
    )
    figure.update_layout(
        height=320,
        margin={"l": 40, "r": 10, "t": 20, "b": 80},
        yaxis={"range": [0, 105], "ticksuffix": " %"},
        separators=",.",
        legend={"orientation": "h", "y": -0.35},
        template="none",
        font={"family": "system-ui, sans-serif", "size": 12},
    )
    return json.loads(pio.to_json(figure, validate=False))
