from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators.domain import formatting, formulas
from indicators.models import Indicator, Period
from indicators.ranking.selectors import (
    Ranking,
    communes_ranking,
    provinces_ranking,
    ranking_for,
)
from indicators.scope import PERIOD_HELP, command_scope
from units.models import AdministrativeUnit, UnitLevel
from units.selectors import COUNTRY_CODE, is_country

COLUMNS = ["rank", "code", "name", "numerator", "denominator", "rate", "target", "status"]


class Command(BaseCommand):
    help = (
        "In bảng xếp hạng các đơn vị trực thuộc theo một chỉ số trong một kỳ. "
        "Ví dụ: ranking --parent 543 --period 2023-H1-CAL --indicator online --format table. "
        "Không có --parent: các tỉnh của cả nước (--level commune: mọi xã của cả nước)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--parent",
            default=COUNTRY_CODE,
            help=f"Mã ĐVHC của đơn vị cấp trên; bỏ trống hoặc {COUNTRY_CODE}: cả nước.",
        )
        parser.add_argument("--period", required=True, help=PERIOD_HELP)
        parser.add_argument(
            "--level",
            choices=[UnitLevel.COMMUNE],
            help="Cả nước: xếp hạng mọi xã thay cho các tỉnh.",
        )
        parser.add_argument(
            "--indicator",
            required=True,
            help=f"Mã chỉ số: {', '.join(formulas.INDICATORS_BY_CODE)}.",
        )
        parser.add_argument("--format", choices=["csv", "table"], default="table")
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="Tính cả số liệu nháp (mặc định chỉ số liệu đã nộp, đã duyệt).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            definition = formulas.get_indicator(options["indicator"])
        except formulas.UnknownIndicator as error:
            raise CommandError(str(error)) from error
        scope = command_scope(options, country=True)
        parent, period = scope.parent, scope.period
        assert period is not None  # a stored period is required
        indicator = Indicator.objects.get(code=definition.code)
        result = self._ranking(
            parent,
            period,
            indicator,
            level=options.get("level"),
            include_drafts=options["include_drafts"],
        )
        machine = options["format"] == "csv"
        number = str if machine else formatting.format_int_vi
        percent = (
            (lambda v: str(formulas.round_rate(v)))
            if machine
            else (lambda v: formatting.format_rate_vi(v, with_unit=False))
        )
        rows = [
            [
                str(row.rank or ""),
                row.unit.code,
                row.unit.full_name,
                _or_blank(row.numerator, number),
                _or_blank(row.denominator, number),
                _or_blank(row.rate, percent),
                _or_blank(row.target, percent),
                row.status.label_vi,
            ]
            for row in result.rows
        ]
        total = result.children_total
        rows.append(
            [
                "",
                "",
                f"Tổng số ({len(result.rows)} đơn vị)",
                _or_blank(total.numerator, number),
                _or_blank(total.denominator, number),
                _or_blank(total.rate, percent),
                "",
                "",
            ]
        )
        if machine:
            # CSV is for machines and spreadsheets: plain integers and dot decimals.
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows)
            return
        heading = f"{indicator.name_vi} — {parent} — {period.label_vi} ({scope.spec.range_vi})"
        self.stdout.write(heading)
        self._table([COLUMNS, *rows])

    def _ranking(
        self,
        parent: AdministrativeUnit,
        period: Period,
        indicator: Indicator,
        *,
        level: str | None,
        include_drafts: bool,
    ) -> Ranking:
        if not is_country(parent):
            if level:
                raise CommandError("--level chỉ dùng khi xếp hạng cả nước (không có --parent).")
            return ranking_for(
                parent=parent, period=period, indicator=indicator, include_drafts=include_drafts
            )
        if include_drafts:
            raise CommandError("--include-drafts chưa dùng được khi xếp hạng cả nước.")
        if level == UnitLevel.COMMUNE:
            return communes_ranking(period=period, indicator=indicator, page=None)
        return provinces_ranking(period=period, indicator=indicator)

    def _table(self, rows: list[list[str]]) -> None:
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        numeric = {0, 3, 4, 5, 6}
        for r in rows:
            cells = [
                cell.rjust(width) if i in numeric else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(r, widths, strict=True))
            ]
            self.stdout.write("  ".join(cells).rstrip())


def _or_blank(value: Any, render: Callable[[Any], str]) -> str:
    return "" if value is None else render(value)
