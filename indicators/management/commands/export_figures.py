"""export_figures --parent GSO_CODE --period PERIOD --format xlsx|csv --output FILE"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators.io import exports
from indicators.scope import add_scope_arguments, command_scope


class Command(BaseCommand):
    help = (
        "Xuất số liệu đã lưu: bảng Phụ lục (.xlsx, bố cục chính thức) hoặc CSV. "
        "Ví dụ: export_figures --parent 543 --period 2023-H1-CAL --format xlsx --output pl.xlsx"
    )

    def add_arguments(self, parser: Any) -> None:
        add_scope_arguments(parser, parent_help="Mã ĐVHC của đơn vị cấp trên.")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", required=True, help="Tệp kết quả ('-' = stdout, CSV).")
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="Tính cả số liệu nháp (mặc định chỉ số liệu đã nộp, đã duyệt).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scope = command_scope(options)
        parent, period = scope.parent, scope.period
        assert period is not None  # a stored period is required
        export = (
            exports.figures_export_xlsx
            if options["format"] == "xlsx"
            else exports.figures_export_csv
        )
        content = export(parent=parent, period=period, include_drafts=options["include_drafts"])
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
