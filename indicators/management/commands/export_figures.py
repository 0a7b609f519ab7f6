"""export_figures --parent GSO_CODE --period PERIOD --format xlsx|csv --output FILE"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators.domain import periods
from indicators.io import exports
from indicators.selectors import period_for_spec
from units.selectors import AmbiguousUnit, UnitNotFound, unit_by_code_during


class Command(BaseCommand):
    help = (
        "Xuất số liệu đã lưu: bảng Phụ lục (.xlsx, bố cục chính thức) hoặc CSV. "
        "Ví dụ: export_figures --parent 543 --period 2023-H1-CAL --format xlsx --output pl.xlsx"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--parent", required=True, help="Mã ĐVHC của đơn vị cấp trên.")
        parser.add_argument("--period", required=True, help="Mã kỳ, ví dụ 2023-H1-CAL.")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", required=True, help="Tệp kết quả ('-' = stdout, CSV).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spec = periods.parse_period_code(options["period"])
            parent = unit_by_code_during(options["parent"], start=spec.start, end=spec.end)
        except (periods.PeriodError, UnitNotFound, AmbiguousUnit) as error:
            raise CommandError(str(error)) from error
        period = period_for_spec(spec)
        if period is None:
            raise CommandError(f"Chưa có số liệu cho kỳ {spec.long_label_vi}.")
        if options["format"] == "xlsx":
            content = exports.figures_export_xlsx(parent=parent, period=period)
        else:
            content = exports.figures_export_csv(parent=parent, period=period)
        if options["output"] == "-":
            if options["format"] == "xlsx":
                raise CommandError("Tệp .xlsx cần --output là đường dẫn tệp.")
            self.stdout.write(content.decode("utf-8-sig"), ending="")
            return
        try:
            Path(options["output"]).write_bytes(content)
        except OSError as error:
            raise CommandError(f"Không ghi được {options['output']}: {error.strerror}.") from None
        self.stdout.write(f"Đã xuất {parent.full_name}, {period.label_vi} → {options['output']}")
