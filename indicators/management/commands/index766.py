from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators.index766 import downloads
from indicators.index766.downloads import COLUMNS
from indicators.index766.selectors import index766_scores
from indicators.scope import add_scope_arguments, command_scope


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
        rows = downloads.table_rows(scores, machine=machine)
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
