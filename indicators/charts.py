"""Plotly figures built in Python. Pages carry the figure as JSON (json_script) and
static/js/charts.js draws it with the local plotly.js: no inline script, no CDN."""

from __future__ import annotations

import json
from html import escape

import plotly.graph_objects as go
import plotly.io as pio

from indicators.domain.formatting import format_int_vi, format_rate_vi
from indicators.selectors import Ranking

STATUS_COLOURS = {
    "met": "#1a7f37",
    "missed": "#c62828",
    "no_target": "#5470c6",
    "no_data": "#9e9e9e",
}


def ranking_bar(ranking: Ranking, *, status_labels: dict[str, str]) -> dict:
    """Horizontal bars, best at the top, coloured by status, each target marked."""
    rows = [r for r in ranking.rows if r.rate is not None]
    names = [escape(r.unit.full_name) for r in rows]
    hover = [
        "<br>".join(
            [
                f"<b>{escape(r.unit.full_name)}</b>",
                f"{format_rate_vi(r.rate)} ({format_int_vi(r.numerator)}/"
                f"{format_int_vi(r.denominator)})",
                f"Chỉ tiêu: {format_rate_vi(r.target)}"
                if r.target is not None
                else "Chưa giao chỉ tiêu",
                escape(status_labels[r.status]),
            ]
        )
        for r in rows
    ]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=[float(r.rate) for r in rows],
            y=names,
            orientation="h",
            marker_color=[STATUS_COLOURS[r.status] for r in rows],
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            text=[format_rate_vi(r.rate) for r in rows],
            textposition="auto",
            name=ranking.indicator.short_vi,
        )
    )
    with_target = [r for r in rows if r.target is not None]
    if with_target:
        figure.add_trace(
            go.Scatter(
                x=[float(r.target) for r in with_target],
                y=[escape(r.unit.full_name) for r in with_target],
                mode="markers",
                marker={
                    "symbol": "line-ns-open",
                    "size": 18,
                    "color": "#111",
                    "line": {"width": 3},
                },
                name="Chỉ tiêu",
                hovertemplate="Chỉ tiêu: %{x:.2f} %<extra></extra>",
            )
        )
    figure.update_layout(
        height=max(320, 26 * len(rows) + 90),
        margin={"l": 10, "r": 10, "t": 30, "b": 30},
        xaxis={"range": [0, 105], "ticksuffix": " %", "fixedrange": True},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
        separators=",.",  # Vietnamese: decimal comma, dot for thousands
        showlegend=False,
        template="none",  # the default template adds ~10 kB of unused styling per chart
        plot_bgcolor="#fff",
        font={"family": "system-ui, sans-serif", "size": 12},
    )
    return json.loads(pio.to_json(figure, validate=False))
