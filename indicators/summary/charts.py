"""The unit page's trend chart (Plotly JSON for static/js/charts.js)."""

from __future__ import annotations

import json
from decimal import Decimal
from html import escape

import plotly.graph_objects as go
import plotly.io as pio

from indicators.domain.formatting import format_int_vi, format_rate_vi
from indicators.models import Indicator
from indicators.summary.selectors import UnitTrend
from units.models import REFORM_START

# One colour per chosen indicator; its target step is drawn dashed in the same colour.
COLOURS = ("#1f4e8c", "#2e7d32", "#e65100", "#6a1b9a", "#00838f", "#ad1457", "#5d4037")
REFORM_LABEL = "Sắp xếp ĐVHC 01/07/2025"


def unit_trend(trend: UnitTrend, indicators: list[Indicator]) -> dict:
    """The unit's months (the last 24 Decree 09 months), one line per chosen indicator, the
    target of each year as a step, and the 01/07/2025 reform as a vertical line. Months
    without data are gaps (None), never zero; months summed from the predecessors of a
    merged unit are drawn with open markers and say so on hover."""
    months = trend.months
    # Each month sits at its closing day (the 14th): the reform line falls between
    # 2025-M06 (14/06) and 2025-M07 (14/07), the first month of the new communes.
    x = [month.period.end.isoformat() for month in months]
    predecessors = ", ".join(escape(u.full_name) for u in trend.predecessors)
    figure = go.Figure()
    for number, indicator in enumerate(indicators):
        colour = COLOURS[number % len(COLOURS)]
        hover = []
        for month in months:
            parts = month.parts.get(indicator.code)
            line = f"<b>{escape(month.period.label_vi)}</b> ({month.period.range_vi})"
            if parts is None:
                hover.append(f"{line}<br>Chưa có số liệu")
                continue
            shown = format_rate_vi(month.rate(indicator.code))
            text = (
                f"{line}<br>{escape(indicator.short_vi)}: {shown}"
                f" ({format_int_vi(parts[0])}/{format_int_vi(parts[1])})"
            )
            if month.from_predecessors:
                text += f"<br>Tổng các đơn vị trước sắp xếp: {predecessors}"
            hover.append(text)
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[_float(month.rate(indicator.code)) for month in months],
                mode="lines+markers",
                name=escape(indicator.short_vi),
                line={"color": colour, "width": 3},
                marker={
                    "size": 7,
                    "symbol": [
                        "circle-open" if month.from_predecessors else "circle" for month in months
                    ],
                },
                connectgaps=False,
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
        if any(indicator.code in month.targets for month in months):
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=[_float(month.targets.get(indicator.code)) for month in months],
                    mode="lines",
                    line={"color": colour, "dash": "dash", "width": 2, "shape": "hv"},
                    name=f"Chỉ tiêu {escape(indicator.short_vi)}",
                    connectgaps=False,
                    customdata=[
                        format_rate_vi(month.targets.get(indicator.code)) for month in months
                    ],
                    hovertemplate="Chỉ tiêu năm: %{customdata}<extra></extra>",
                )
            )
    reform = REFORM_START.isoformat()
    shapes, annotations = [], []
    if months and months[0].period.start <= REFORM_START <= months[-1].period.end:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": reform,
                "x1": reform,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#555", "width": 2, "dash": "dot"},
            }
        )
        annotations.append(
            {
                "x": reform,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": REFORM_LABEL,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
                "font": {"size": 11, "color": "#555"},
            }
        )
    figure.update_layout(
        height=360,
        margin={"l": 40, "r": 10, "t": 30, "b": 80},
        xaxis={"type": "date", "tickformat": "%m/%Y", "dtick": "M3", "fixedrange": True},
        yaxis={"range": [0, 105], "ticksuffix": " %", "fixedrange": True},
        separators=",.",
        legend={"orientation": "h", "y": -0.25},
        shapes=shapes,
        annotations=annotations,
        template="none",
        font={"family": "system-ui, sans-serif", "size": 12},
    )
    return json.loads(pio.to_json(figure, validate=False))


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
