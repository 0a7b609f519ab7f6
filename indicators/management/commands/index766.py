from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators.domain import formatting, index766
from indicators.index766.selectors import UnitScore, index766_scores
from indicators.scope import add_scope_arguments, command_scope

COLUMNS = ["unit_code", "unit", "group", "indicator", "ratio", "points", "max_points", "state"]
TOTAL = "total"


class Command(BaseCommand):
    help = (
        "Tính trước Chỉ số 766 (Quyết định 766/QĐ-TTg) của các đơn vị trực thuộc trong một kỳ, "
        "theo bảng điểm áp dụng vào ngày cuối kỳ. Ví dụ: index766 --parent 52 --period "
        "2026-M11-ND09 --format csv. CSV: một dòng cho mỗi đơn vị và chỉ số, rồi một dòng tổng "
        "cho mỗi đơn vị (group và indicator = total, ratio = điểm quy đổi /100, points = điểm "
        "đạt, max_points = điểm tối đa của các chỉ số tính được)."
    )

    def add_arguments(self, parser: Any) -> None:
        add_scope_arguments(parser, parent_help="Mã ĐVHC của đơn vị cấp trên (ví dụ 52, 543).")
        parser.add_argument("--format", choices=["csv", "table"], default="table")
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="Tính cả số liệu nháp (mặc định chỉ số liệu đã nộp, đã duyệt).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scope = command_scope(options)
        assert scope.period is not None  # a stored period is required
        scores = index766_scores(
            parent=scope.parent, period=scope.period, include_drafts=options["include_drafts"]
        )
        if scores.rule_set is None or scores.table is None:
            raise CommandError(
                f"Chưa có bảng điểm Chỉ số 766 nào áp dụng cho kỳ {scope.period.label_vi}."
            )
        machine = options["format"] == "csv"
        number = _plain if machine else _vi
        rows = [r for row in scores.rows for r in _indicator_rows(row, scores.table, number)]
        rows += [_total_row(row, number) for row in scores.rows]
        if machine:
            # CSV is for machines and spreadsheets: dot decimals, states as codes.
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows)
            return
        self.stdout.write(
            f"Chỉ số 766 (tính trước) — {scope.parent} — {scope.period.label_vi} "
            f"({scope.spec.range_vi}) — bảng điểm {scores.rule_set.version}"
        )
        self._table([COLUMNS, *rows])

    def _table(self, rows: list[list[str]]) -> None:
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        numeric = {4, 5, 6}
        for r in rows:
            cells = [
                cell.rjust(width) if i in numeric else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(r, widths, strict=True))
            ]
            self.stdout.write("  ".join(cells).rstrip())


def _plain(value: Decimal | None) -> str:
    return "" if value is None else str(value.quantize(Decimal("0.01")))


def _vi(value: Decimal | None) -> str:
    return "" if value is None else formatting.format_decimal_vi(value)


def _indicator_rows(row: UnitScore, table: index766.RuleTable, number: Any) -> list[list[str]]:
    """One line per indicator; a unit without figures has every count missing."""
    if row.card is not None:
        scores = row.card.scores
    else:
        scores = [
            index766.IndicatorScore(rule=r, state=index766.ScoreState.MISSING_COUNTS)
            for g in sorted(table.groups, key=lambda g: (g.order, g.code))
            for r in sorted(table.rules, key=lambda r: (r.order, r.code))
            if r.group_code == g.code
        ]
    return [
        [
            row.unit.code,
            row.unit.full_name,
            s.rule.group_code,
            s.rule.code,
            number(s.ratio),
            number(s.points),
            number(s.max_points),
            s.state.value,
        ]
        for s in scores
    ]


def _total_row(row: UnitScore, number: Any) -> list[str]:
    computed = row.card is not None and row.card.counted_max > 0
    return [
        row.unit.code,
        row.unit.full_name,
        TOTAL,
        TOTAL,
        number(row.score_100),
        number(row.points) if computed else "",
        number(row.counted_max) if computed else "",
        (index766.ScoreState.COMPUTED if computed else index766.ScoreState.MISSING_COUNTS).value,
    ]
