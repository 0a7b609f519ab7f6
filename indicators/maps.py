"""The map of a page's units: one point per unit at its dataset location, coloured and
shaped by a category (met / missed / no data, or whatever another colouring defines).

Offline like every chart here: a Plotly scatter on plain axes (longitude, latitude, equal
distances on both), no tiles, no basemap, no topojson (scattergeo would fetch it from a
CDN). The page carries the figure as JSON and static/js/charts.js draws it; a click on a
point opens the URL in the point's customdata[0] (the chart div says
`data-click="navigate"`).

The figure is sent compact (the summary's map of 135 communes × 9 indicators weighed
479 KB when every point carried its own coordinates, unit name, indicator name, status
label and URL): `figure["units"]` holds each unit's name, page path and coordinates once;
each trace (a layer's category) holds per point only the unit's index and the point's own
hover lines in `customdata`, and in `meta` the hover lines common to its points (`hover`:
literal lines and the indexes of the point's own lines, in order) and the query its
points' paths take (`query`). charts.js expands it into ordinary traces (x, y and
customdata [URL, hover HTML]) before drawing; `expanded` here is the same expansion in
Python, the reference the script follows.

The builder, `unit_map`, knows nothing about indicators: it takes layers of points, each
point a unit, a category, its own hover lines and its page (the layer adding the hover
lines its points share and the URL's query). `status_layer` makes those points
from anything held against a target (ranked rows, matrix and summary cells); a score
colouring makes its own categories (bands of points, say) and points, and calls
`unit_map` the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Protocol

import plotly.graph_objects as go
import plotly.io as pio
from django.urls import reverse
from django.utils.http import urlencode

from indicators.domain.compliance import AgainstTarget
from indicators.domain.formatting import format_int_vi, format_rate_vi
from indicators.domain.status import Status
from indicators.models import Indicator, Period
from units.models import AdministrativeUnit


@dataclass(frozen=True)
class MapCategory:
    """One entry of the legend: how its points look. `symbol` is a Plotly marker symbol;
    every category has its own, so the map reads without colour (colour-blind readers, a
    black-and-white print)."""

    key: str
    label: str
    colour: str
    symbol: str


@dataclass(frozen=True)
class CategoryLabel:
    """In a layer's hover template: the line naming the point's category (its legend
    label), the same for every point of a trace, so it is sent once per trace."""


CATEGORY_LABEL = CategoryLabel()
# A hover template's line: a literal line (HTML), the index of one of the point's own
# lines, or the category's label.
HoverItem = str | int | CategoryLabel


@dataclass(frozen=True)
class MapPoint:
    """A unit on the map. `lines` are the point's own hover lines (HTML, names escaped;
    an empty line is left out) shown under the unit's name, placed by the layer's hover
    template; `path` is the unit's page (a path of this site, the same in every layer of a
    map), opened on click with the layer's query."""

    unit: AdministrativeUnit
    category: MapCategory
    lines: tuple[str, ...]
    path: str


@dataclass
class MapLayer:
    """The points of one colouring (one indicator): a map of several layers shows one at
    a time, chosen from a menu titled by each layer's title. `hover` orders the hover
    lines under the unit's name (lines common to the layer's points are written once per
    trace); None shows the point's own lines as they are. `query` ("?period=…") follows
    each point's path in the URL a click opens."""

    title: str
    points: list[MapPoint] = field(default_factory=list)
    hover: tuple[HoverItem, ...] | None = None
    query: str = ""


@dataclass
class UnitMap:
    """The figure and what the caption says about it."""

    figure: dict
    shown: int  # units with a point on the map (in the first layer)
    without_location: list[str]  # names of the units the dataset gives no point for

    @property
    def is_empty(self) -> bool:
        return self.shown == 0


# ✔ ✘ ○ – (Status.symbol) as marker shapes: a filled circle, a cross, a ring, a dash.
_STATUS_MARKERS = {
    Status.MET: "circle",
    Status.MISSED: "x",
    Status.NO_TARGET: "circle-open",
    Status.NO_DATA: "line-ew-open",
}
STATUS_CATEGORIES: dict[Status, MapCategory] = {
    status: MapCategory(
        key=status.value,
        label=f"{status.symbol} {status.label_vi}",
        colour=status.colour,
        symbol=_STATUS_MARKERS[status],
    )
    for status in (Status.MET, Status.MISSED, Status.NO_TARGET, Status.NO_DATA)
}


class HasLocation(Protocol):
    latitude: float | None
    longitude: float | None


def has_location(unit: HasLocation) -> bool:
    return unit.latitude is not None and unit.longitude is not None


def unit_query(*, period: Period, indicator: Indicator | None) -> str:
    """The query of the unit page a point opens: the period the map shows (and its
    indicator's trend)."""
    query: dict[str, str] = {"period": period.code}
    if indicator is not None:
        query["indicator"] = indicator.code
    return f"?{urlencode(query)}"


def status_lines(against: AgainstTarget) -> tuple[str, str, str]:
    """The unit's own figures as the bars and the heat map show them: the rate with its
    counts (empty without figures), the target, and whether they are sample figures."""
    rate = (
        f"{format_rate_vi(against.rate)} ({format_int_vi(against.numerator or 0)}/"
        f"{format_int_vi(against.denominator or 0)})"
        if against.rate is not None
        else ""
    )
    target = (
        f"Chỉ tiêu: {format_rate_vi(against.target)}"
        if against.target is not None
        else "Chưa giao chỉ tiêu"
    )
    return rate, target, "Số liệu mẫu" if getattr(against, "is_sample", False) else ""


def status_hover_template(indicator: Indicator) -> tuple[HoverItem, ...]:
    """Under the unit's name: the indicator, the rate, the target, the status (the
    category's label), sample or not, and what a click does."""
    return (
        escape(indicator.short_vi),
        0,
        1,
        CATEGORY_LABEL,
        2,
        "<i>Bấm để mở trang đơn vị</i>",
    )


def status_layer(
    items: Iterable[tuple[AdministrativeUnit, AgainstTarget]],
    *,
    indicator: Indicator,
    period: Period,
) -> MapLayer:
    """One indicator's units coloured by their status against the target."""
    return MapLayer(
        title=indicator.short_vi,
        points=[
            MapPoint(
                unit=unit,
                category=STATUS_CATEGORIES[against.status],
                lines=status_lines(against),
                path=reverse("indicators:unit_page", args=[unit.pk]),
            )
            for unit, against in items
        ],
        hover=status_hover_template(indicator),
        query=unit_query(period=period, indicator=indicator),
    )


def hover_text(name: str, lines: Sequence[str], template: Sequence[HoverItem] | None) -> str:
    """A point's hover HTML: the unit's name in bold, then the template's lines (the
    point's own lines where it gives their index), empty lines left out."""
    chosen = (
        lines
        if template is None
        else [
            (lines[item] if item < len(lines) else "") if isinstance(item, int) else str(item)
            for item in template
        ]
    )
    return "<br>".join([f"<b>{name}</b>", *(line for line in chosen if line)])


class MatrixRowLike(Protocol):
    """A row of units × indicators: the ranking's MatrixRow, the summary's UnitRow. Each
    cell is an AgainstTarget with its `indicator`."""

    unit: AdministrativeUnit

    @property
    def cells(self) -> Sequence[AgainstTarget]: ...


def matrix_layers(rows: Iterable[MatrixRowLike], *, period: Period) -> list[MapLayer]:
    """Units × indicators (the ranking's "Tất cả chỉ số", the summary): one layer per
    indicator, in the columns' order. Rows of a parent's own desk are left to the
    table: the desk has no place of its own on the map."""
    kept = [row for row in rows if not getattr(row, "is_desk", False)]
    layers: dict[str, list[tuple[AdministrativeUnit, AgainstTarget]]] = {}
    indicators: dict[str, Indicator] = {}
    for row in kept:
        for cell in row.cells:
            indicator: Indicator = getattr(cell, "indicator")  # noqa: B009 (not on the mixin)
            indicators.setdefault(indicator.code, indicator)
            layers.setdefault(indicator.code, []).append((row.unit, cell))
    return [
        status_layer(items, indicator=indicators[code], period=period)
        for code, items in layers.items()
    ]


def _axis_ranges(points: Sequence[MapPoint]) -> tuple[list[float], list[float], float]:
    """Longitude and latitude ranges with a margin, and the ratio that makes a kilometre
    as long north-south as east-west at the middle latitude."""
    longitudes = [p.unit.longitude for p in points if p.unit.longitude is not None]
    latitudes = [p.unit.latitude for p in points if p.unit.latitude is not None]
    west, east = min(longitudes), max(longitudes)
    south, north = min(latitudes), max(latitudes)
    pad_x = max((east - west) * 0.06, 0.02)
    pad_y = max((north - south) * 0.06, 0.02)
    middle = math.radians((south + north) / 2)
    return [west - pad_x, east + pad_x], [south - pad_y, north + pad_y], 1 / math.cos(middle)


def unit_map(
    layers: Sequence[MapLayer],
    *,
    categories: Sequence[MapCategory] = tuple(STATUS_CATEGORIES.values()),
    title: str = "",
) -> UnitMap:
    """The figure: for each layer one trace per category (in `categories`' order, so the
    legend always reads the same), only the first layer visible; a menu switches layers
    when there are several. Units without a location are left out and named."""
    first = layers[0].points if layers else []
    placed = [p for p in first if has_location(p.unit)]
    missing = [p.unit.full_name for p in first if not has_location(p.unit)]
    figure = go.Figure()
    visibility: list[list[bool]] = []
    units: dict[int, int] = {}  # unit pk → its index in the figure's units
    table: dict[str, list] = {"name": [], "path": [], "x": [], "y": []}
    for number, layer in enumerate(layers):
        traces = 0
        for category in categories:
            points = [
                p for p in layer.points if p.category.key == category.key and has_location(p.unit)
            ]
            if not points:
                continue
            for point in points:
                if point.unit.pk not in units:
                    units[point.unit.pk] = len(units)
                    table["name"].append(escape(point.unit.full_name))
                    table["path"].append(point.path)
                    table["x"].append(point.unit.longitude)
                    table["y"].append(point.unit.latitude)
            figure.add_trace(_trace(category, points, layer, units, visible=number == 0))
            traces += 1
        visibility.append([False] * (len(figure.data) - traces) + [True] * traces)
    total = len(figure.data)
    layout: dict[str, object] = {}
    if len(layers) > 1:
        buttons = [
            {
                "label": escape(layer.title),
                "method": "restyle",
                "args": [{"visible": visible + [False] * (total - len(visible))}],
            }
            for layer, visible in zip(layers, visibility, strict=True)
        ]
        layout["updatemenus"] = [
            {
                "type": "dropdown",
                "buttons": buttons,
                "active": 0,
                "x": 0,
                "xanchor": "left",
                "y": 1.02,
                "yanchor": "bottom",
                "showactive": True,
                "bgcolor": "#fff",
            }
        ]
    axis = {
        "showgrid": False,
        "zeroline": False,
        "showticklabels": False,
        "ticks": "",
        "showline": True,
        "linecolor": "#d0d7de",
        "mirror": True,
    }
    if placed:
        x_range, y_range, ratio = _axis_ranges(placed)
        xaxis = {**axis, "range": x_range, "constrain": "domain"}
        yaxis = {**axis, "range": y_range, "scaleanchor": "x", "scaleratio": ratio}
    else:
        xaxis, yaxis = {**axis, "visible": False}, {**axis, "visible": False}
    figure.update_layout(
        height=520,
        margin={"l": 10, "r": 10, "t": 40 if len(layers) > 1 else 20, "b": 10},
        xaxis=xaxis,
        yaxis=yaxis,
        # Below the map and horizontal: it fits a phone's width.
        legend={
            "orientation": "h",
            "x": 0.5,
            "xanchor": "center",
            "y": -0.01,
            "yanchor": "top",
            **({"title": {"text": escape(title)}} if title else {}),
        },
        showlegend=True,
        dragmode=False,  # a finger dragging over the map scrolls the page
        hovermode="closest",
        separators=",.",
        template="none",
        plot_bgcolor="#f6f8fa",
        font={"family": "system-ui, sans-serif", "size": 12},
        **layout,
    )
    return UnitMap(
        figure={**json.loads(pio.to_json(figure, validate=False)), "units": table},
        shown=len(placed),
        without_location=missing,
    )


def expanded(figure: dict) -> dict:
    """The figure as static/js/charts.js draws it (the same expansion): each trace's
    points at their units' coordinates, customdata [URL, hover HTML]. For reading a map
    in Python (tests); the page sends the compact figure."""
    units = figure.get("units")
    if units is None:
        return figure
    data = []
    for trace in figure["data"]:
        meta = trace.get("meta") or {}
        points = trace.get("customdata") or []
        data.append(
            {
                **trace,
                "x": [units["x"][p[0]] for p in points],
                "y": [units["y"][p[0]] for p in points],
                "customdata": [
                    [
                        units["path"][p[0]] + meta.get("query", ""),
                        hover_text(units["name"][p[0]], p[1:], meta.get("hover")),
                    ]
                    for p in points
                ],
            }
        )
    return {key: value for key, value in figure.items() if key != "units"} | {"data": data}


def _compact_lines(lines: Sequence[str]) -> list[str]:
    # Trailing empty lines (no sample flag, say) need not travel.
    kept = list(lines)
    while kept and not kept[-1]:
        kept.pop()
    return kept


def _trace(
    category: MapCategory,
    points: Sequence[MapPoint],
    layer: MapLayer,
    units: dict[int, int],
    *,
    visible: bool,
) -> go.Scatter:
    # Rings and dashes are drawn by their line alone; filled shapes get a thin rim (dark
    # around circles, white around crosses) so that neighbouring points stay apart.
    if category.symbol.endswith("-open"):
        line = {"width": 2.5, "color": category.colour}
    elif category.symbol.startswith(("x", "cross")):
        line = {"width": 1, "color": "#ffffff"}
    else:
        line = {"width": 1, "color": "#24292f"}
    meta: dict[str, object] = {"category": category.key, "query": layer.query}
    if layer.hover is not None:
        meta["hover"] = [
            escape(category.label) if item is CATEGORY_LABEL else item for item in layer.hover
        ]
    # x, y and customdata [URL, hover] are filled by charts.js from the figure's units
    # and these indexes and lines (see the module's docstring).
    return go.Scatter(
        mode="markers",
        name=escape(category.label),
        legendgroup=category.key,
        visible=visible,
        marker={"symbol": category.symbol, "size": 12, "color": category.colour, "line": line},
        customdata=[[units[p.unit.pk], *_compact_lines(p.lines)] for p in points],
        hovertemplate="%{customdata[1]}<extra></extra>",
        meta=meta,
    )
