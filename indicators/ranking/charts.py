"""Plotly figures built in Python. Pages carry the figure as JSON (json_script) and
static/js/charts.js draws it with the local plotly.js: no inline script, no CDN."""

from __future__ import annotations

import json
from html import escape

import plotly.graph_objects as go
import plotly.io as pio

from indicators.domain.formatting import format_int_vi, format_rate_vi
from indicators.domain.status import Status
from indicators.ranking.matrix import Matrix
from indicators.ranking.selectors import Ranking, TrendPoint


def ranking_bar(ranking: Ranking) -> dict:
    """Horizontal bars, best at the top, coloured by status, each target marked."""
    rated = [(r, r.rate) for r in ranking.rows if r.rate is not None]
    rows = [r for r, _rate in rated]
    names = [escape(r.unit.full_name) for r in rows]
    hover = [
        "<br>".join(
            [
                f"<b>{escape(r.unit.full_name)}</b>",
                f"{format_rate_vi(r.rate)} ({format_int_vi(r.numerator or 0)}/"
                f"{format_int_vi(r.denominator or 0)})",
                f"Chỉ tiêu: {format_rate_vi(r.target)}"
                if r.target is not None
                else "Chưa giao chỉ tiêu",
                escape(r.status.label_vi),
            ]
        )
        for r in rows
    ]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=[float(rate) for _r, rate in rated],
            y=names,
            orientation="h",
            marker_color=[r.status.colour for r in rows],
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            text=[format_rate_vi(r.rate) for r in rows],
            textposition="auto",
            name=ranking.indicator.short_vi,
        )
    )
    with_target = [(r, r.target) for r in rows if r.target is not None]
    if with_target:
        figure.add_trace(
            go.Scatter(
                x=[float(target) for _r, target in with_target],
                y=[escape(r.unit.full_name) for r, _target in with_target],
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


def _layout(figure: go.Figure, **extra: object) -> dict:
    layout: dict[str, object] = {
        "separators": ",.",  # Vietnamese: decimal comma, dot for thousands
        "template": "none",
        "plot_bgcolor": "#fff",
        "font": {"family": "system-ui, sans-serif", "size": 12},
    }
    figure.update_layout(**{**layout, **extra})
    return json.loads(pio.to_json(figure, validate=False))


def trend_line(points: list[TrendPoint], *, unit_name: str, indicator_name: str) -> dict:
    """A unit's rate over periods (line with markers) and the target of each period's
    year (dashed line with square markers)."""
    labels = [escape(p.period.label_vi) for p in points]
    name = escape(unit_name)
    hover = [
        "<br>".join(
            [
                f"<b>{name}</b> — {label}",
                f"{format_rate_vi(p.rate)} ({format_int_vi(p.numerator or 0)}/"
                f"{format_int_vi(p.denominator or 0)})",
                f"Chỉ tiêu: {format_rate_vi(p.target)}"
                if p.target is not None
                else "Chưa giao chỉ tiêu",
                *(["Số liệu mẫu"] if p.is_sample else []),
            ]
        )
        for label, p in zip(labels, points, strict=True)
    ]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=[None if p.rate is None else float(p.rate) for p in points],
            mode="lines+markers",
            name=escape(indicator_name),
            line={"color": "#1f4e8c", "width": 3},
            marker={"size": 8},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    if any(p.target is not None for p in points):
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=[None if p.target is None else float(p.target) for p in points],
                mode="lines+markers",
                name="Chỉ tiêu",
                line={"color": "#111", "dash": "dash", "width": 2},
                marker={"symbol": "square", "size": 7},
                customdata=[format_rate_vi(p.target) for p in points],
                hovertemplate="Chỉ tiêu: %{customdata}<extra></extra>",
            )
        )
    return _layout(
        figure,
        height=340,
        margin={"l": 10, "r": 10, "t": 30, "b": 60},
        xaxis={"type": "category", "automargin": True, "fixedrange": True},
        yaxis={"range": [0, 105], "ticksuffix": " %", "fixedrange": True},
        legend={"orientation": "h", "y": -0.25},
    )


# Heat map by status: red 0, blue 1 (no target), green 2; no data stays empty (grey).
_STATUS_Z = {Status.MISSED: 0, Status.NO_TARGET: 1, Status.MET: 2}


def matrix_heatmap(matrix: Matrix, *, colour: str) -> dict:
    """Units × indicators. colour="status": green/red/blue cells; colour="rate": a
    red-to-green scale of the rate. Every cell also carries its symbol and rate as text,
    so the map reads in black and white."""
    columns = [escape(i.short_vi) for i in matrix.indicators]
    units = [escape(r.unit.full_name) for r in matrix.rows]
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for row in matrix.rows:
        z_row: list[float | None] = []
        text_row: list[str] = []
        hover_row: list[str] = []
        for cell in row.cells:
            status = cell.status
            if colour == "rate":
                z_row.append(None if cell.rate is None else float(cell.rate))
            else:
                z_row.append(_STATUS_Z.get(status))
            text_row.append(
                f"{status.symbol} {format_rate_vi(cell.rate, with_unit=False)}"
                if cell.rate is not None
                else status.symbol
            )
            # The unit (y) and the indicator (x) come from the axes' labels in the hover
            # template: written once per row and column, not in every cell's hover.
            hover_row.append(
                "<br>".join(
                    [
                        f"{format_rate_vi(cell.rate)}"
                        + (
                            f" ({format_int_vi(cell.numerator or 0)}/"
                            f"{format_int_vi(cell.denominator or 0)})"
                            if cell.rate is not None
                            else ""
                        ),
                        f"Chỉ tiêu: {format_rate_vi(cell.target)}"
                        if cell.target is not None
                        else "Chưa giao chỉ tiêu",
                        escape(status.label_vi),
                    ]
                )
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    if colour == "rate":
        scale: dict[str, object] = {
            "colorscale": [[0, "#c62828"], [0.5, "#f9a825"], [1, "#1a7f37"]],
            "zmin": 0,
            "zmax": 100,
            "showscale": True,
            "colorbar": {"ticksuffix": " %", "thickness": 12},
        }
    else:
        red, blue, green = Status.MISSED.colour, Status.NO_TARGET.colour, Status.MET.colour
        scale = {
            "colorscale": [
                [0, red],
                [1 / 3, red],
                [1 / 3, blue],
                [2 / 3, blue],
                [2 / 3, green],
                [1, green],
            ],
            "zmin": -0.5,
            "zmax": 2.5,
            "showscale": False,
        }
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=units,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="<b>%{y}</b><br>%{x}<br>%{customdata}<extra></extra>",
            xgap=2,
            ygap=2,
            **scale,
        )
    )
    return _layout(
        figure,
        height=max(320, 28 * len(units) + 120),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"side": "top", "automargin": True, "fixedrange": True},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
        plot_bgcolor="#eeeeee",
    )
