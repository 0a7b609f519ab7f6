"""The 766 pre-run's figures, built in Python and carried as JSON for static/js/charts.js:
the units' map coloured by score band (indicators/maps.py draws it), and a unit's total
month by month."""

from __future__ import annotations

import json
from decimal import Decimal
from html import escape

import plotly.graph_objects as go
import plotly.io as pio
from django.urls import reverse
from django.utils.http import urlencode

from indicators import maps
from indicators.domain import index766
from indicators.domain.formatting import format_decimal_vi
from indicators.index766.selectors import Index766Scores, TrendMonth, UnitScore
from indicators.models import Period

BAND_CATEGORIES: dict[str, maps.MapCategory] = {
    band.key: maps.MapCategory(
        key=band.key, label=band.label_vi, colour=band.colour, symbol=band.symbol
    )
    for band in index766.SCORE_BANDS
}


def unit_query(*, period: Period, include_drafts: bool = False) -> str:
    """The query of the unit's 766 page a point opens: the period the map shows."""
    query = {"period": period.code, **({"include_drafts": "1"} if include_drafts else {})}
    return f"?{urlencode(query)}"


def _score(value: Decimal | None) -> str:
    return format_decimal_vi(value) if value is not None else "—"


def score_lines(row: UnitScore) -> tuple[str, ...]:
    """The unit's total and its points per group (HTML, names escaped), under its name
    on hover."""
    lines: list[str] = []
    if row.card is None:
        lines.append("Chưa có số liệu")
    elif row.score_100 is None:
        lines.append("Không tính được điểm (thiếu số liệu)")
    else:
        lines.append(
            f"Tổng: {_score(row.points)} / {_score(row.counted_max)} điểm"
            f" (quy đổi {_score(row.score_100)}/100)"
            + (f" · hạng {row.rank}" if row.rank is not None else "")
        )
        for group in row.groups:
            lines.append(
                f"{escape(group.name_vi)}: {_score(group.points)} / {_score(group.counted_max)}"
            )
    if row.published is not None:
        lines.append(f"Điểm công bố: {_score(row.published)}")
    if row.is_sample:
        lines.append("Số liệu mẫu")
    lines.append("<i>Bấm để mở trang Chỉ số 766 của đơn vị</i>")
    return tuple(lines)


def score_map(scores: Index766Scores, *, include_drafts: bool = False) -> maps.UnitMap:
    """Every unit of the table at its location, coloured and shaped by its score's band."""
    layer = maps.MapLayer(
        title="Chỉ số 766",
        points=[
            maps.MapPoint(
                unit=row.unit,
                category=BAND_CATEGORIES[index766.score_band(row.score_100).key],
                lines=score_lines(row),
                path=reverse("indicators:index766_unit", args=[row.unit.pk]),
            )
            for row in scores.rows
        ],
        query=unit_query(period=scores.period, include_drafts=include_drafts),
    )
    return maps.unit_map([layer], categories=list(BAND_CATEGORIES.values()))


def trend_line(months: list[TrendMonth], *, unit_name: str) -> dict:
    """The unit's score on the 100-point scale month by month (a gap, never zero, where a
    month has no figures or nothing could be scored), points over the maximum on hover."""
    x = [month.period.end.isoformat() for month in months]
    hover = []
    for month in months:
        line = f"<b>{escape(month.period.label_vi)}</b> ({month.period.range_vi})"
        card = month.card
        if card is None:
            hover.append(f"{line}<br>Chưa có số liệu")
        elif card.score_100 is None:
            hover.append(f"{line}<br>Không tính được điểm")
        else:
            hover.append(
                f"{line}<br>{_score(card.score_100)}/100 "
                f"({_score(card.points)} / {_score(card.counted_max)} điểm)"
                f"<br>Bảng điểm {escape(month.version)}"
            )
    figure = go.Figure(
        go.Scatter(
            x=x,
            y=[_float(m.card.score_100 if m.card is not None else None) for m in months],
            mode="lines+markers",
            name=escape(f"Chỉ số 766 — {unit_name}"),
            line={"color": "#0072b2", "width": 3},
            marker={"size": 8},
            connectgaps=False,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    figure.update_layout(
        height=340,
        margin={"l": 40, "r": 10, "t": 20, "b": 60},
        xaxis={"type": "date", "tickformat": "%m/%Y", "dtick": "M1", "fixedrange": True},
        yaxis={"range": [0, 101], "title": {"text": "Điểm /100"}, "fixedrange": True},
        separators=",.",
        showlegend=False,
        template="none",
        font={"family": "system-ui, sans-serif", "size": 12},
    )
    return json.loads(pio.to_json(figure, validate=False))


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
