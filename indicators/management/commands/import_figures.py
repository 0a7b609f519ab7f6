"""import_figures FILE --parent GSO_CODE --period PERIOD [--dry-run] [--user USERNAME]

The same reading, matching and checks as the web import (indicators/imports.py), with a
per-cell report on stdout. Exit codes: 0 the file is clean (no errors; warnings allowed)
and, without --dry-run, committed; 1 the file has errors or was refused (nothing written);
2 bad arguments. The period row is created only when something is committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators.figures.services import FiguresError
from indicators.io.analysis import figures_import_analyse
from indicators.io.records import ImportAnalysis, ImportRefused
from indicators.io.services import figures_import_apply
from indicators.scope import add_scope_arguments, command_scope
from units.models import User

ACTIONS = {"create": "tạo mới", "replace": "thay thế", "unchanged": "không đổi"}


class Command(BaseCommand):
    help = (
        "Nhập số liệu từ tệp Phụ lục, mẫu nhập của cổng hoặc bảng số liệu (.xlsx, .xls, .ods "
        "hoặc CSV). "
        "Ví dụ: import_figures phu-luc.xlsx --parent 543 --period 2023-H1-CAL --dry-run"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Đường dẫn tệp .xlsx, .xls, .ods hoặc .csv.")
        add_scope_arguments(parser, parent_help="Mã ĐVHC của đơn vị cấp trên.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra và in báo cáo, không ghi."
        )
        parser.add_argument(
            "--user",
            help="Nhập với quyền và tên của người dùng này (mặc định: quyền quản trị máy chủ, "
            "lịch sử không ghi người).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        # The period need not hold figures yet: the import is what stores the first ones.
        scope = command_scope(options, require_stored_period=False, returncode=2)
        parent, spec = scope.parent, scope.spec
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng {options['user']!r}.", returncode=2)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                f"Không đọc được tệp {path}: {error.strerror}.", returncode=2
            ) from None
        period = scope.period
        try:
            analysis = figures_import_analyse(
                data=data, filename=path.name, parent=parent, spec=spec, period=period, user=user
            )
        except ImportRefused as error:
            raise CommandError(f"{path.name}: {error}", returncode=1) from error

        self._report(analysis)
        if not analysis.ok:
            raise CommandError(
                f"{len(analysis.errors)} lỗi, {len(analysis.warnings)} cảnh báo; không ghi gì.",
                returncode=1,
            )
        if options["dry_run"]:
            self.stdout.write(
                f"Tệp hợp lệ ({len(analysis.warnings)} cảnh báo); --dry-run: không ghi gì."
            )
            return
        try:
            result = figures_import_apply(
                analysis=analysis, user=user, source=f"Nhập từ tệp {path.name} (dòng lệnh)"
            )
        except (ImportRefused, FiguresError) as error:
            raise CommandError(f"Không ghi được, đã hủy toàn bộ: {error}", returncode=1) from error
        self.stdout.write(
            f"Đã ghi kỳ {result.period.code}: {result.created} tạo mới, {result.replaced} thay "
            f"thế, {result.unchanged} không đổi."
        )

    def _report(self, analysis: ImportAnalysis) -> None:
        out = self.stdout
        out.write(
            f"{analysis.parent.full_name} · {analysis.spec.long_label_vi} · "
            f"{len(analysis.rows)} dòng đơn vị"
        )
        for record in analysis.rows:
            target = f"{record.unit.full_name} ({record.unit.code})" if record.unit else "—"
            action = ACTIONS.get(record.action, "lỗi")
            name = record.label or record.gso_code
            out.write(f"  {record.sheet}!dòng {record.row}: {name} → {target}: {action}")
        for problem in analysis.problems:
            level = "LỖI" if problem.severity == "error" else "cảnh báo"
            out.write(f"{problem.location}: [{level}] {problem.message}")
