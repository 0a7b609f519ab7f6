from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from indicators import benchmarks
from indicators.domain.formatting import format_int_vi
from indicators.management.commands.generate_figures import scope_provinces
from units.models import AdministrativeUnit, Structure, UnitLevel


def _ms(value: float) -> str:
    """1.268 ms, 0,7 ms: Vietnamese numbers, a decimal under 10."""
    if value < 10:
        return f"{value:.1f}".replace(".", ",")
    return format_int_vi(round(value))


class Command(BaseCommand):
    help = (
        "Đo tốc độ các trang của issue 14 trên cơ sở dữ liệu đang trỏ tới: dùng lại (hoặc "
        "sinh, như generate_figures) số liệu mẫu 2024 và 2026, rồi với mỗi trường hợp in thời "
        "gian trang (trung vị, test client trong tiến trình), thời gian câu SQL trần trả về cùng "
        "các số (một SUM … GROUP BY nối với đơn vị), tỷ lệ hai thời gian, số truy vấn, kích "
        "thước trang và mục tiêu nào đạt; sau đó nhập tệp một tháng và tính chỉ tiêu một năm "
        "(ghi rồi hoàn tác). Chỉ in số đo, không khẳng định gì."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scope", default="national", help="national hoặc province:MÃ.")
        parser.add_argument("--repeat", type=int, default=5, help="Số lần đo mỗi trường hợp.")
        parser.add_argument(
            "--rebuild", action="store_true", help="Sinh lại số liệu mẫu còn thiếu dù đã có."
        )
        parser.add_argument("--no-batch", action="store_true", help="Không đo nhập tệp, chỉ tiêu.")
        parser.add_argument(
            "--import-rows",
            type=int,
            default=10_000,
            help="Số dòng của tệp nhập thử (mặc định 10.000, một tháng cả nước).",
        )
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="Tính cả số liệu nháp (mặc định chỉ số liệu đã nộp, đã duyệt).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        repeat: int = options["repeat"]
        if repeat < 1:
            raise CommandError("--repeat phải ≥ 1.")
        if not AdministrativeUnit.objects.exists():
            raise CommandError("Chưa có đơn vị hành chính: hãy chạy 'manage.py load_units' trước.")
        provinces = scope_provinces(options["scope"])
        benchmarks.ensure_data(
            provinces=provinces, rebuild=options["rebuild"], out=self.stdout.write
        )
        cases = benchmarks.build_cases(
            provinces=provinces, include_drafts=options["include_drafts"]
        )
        self.stdout.write(
            f"Cơ sở dữ liệu: {connection.vendor}; trung vị của {repeat} lần; mục tiêu: "
            f"tỉnh < {benchmarks.GOAL_PROVINCE_MS:g} ms (một chỉ số < "
            f"{benchmarks.GOAL_ONE_INDICATOR_MS:g} ms), cả nước < "
            f"{benchmarks.GOAL_COUNTRY_MS:g} ms, ≤ {benchmarks.GOAL_RATIO:g}× SQL trần từ "
            f"{benchmarks.RATIO_FROM_UNITS} đơn vị."
        )
        self.stdout.write(
            "| trang | phạm vi | đơn vị | trang ms | truy vấn | KB | SQL trần ms | tỷ lệ "
            "| mục tiêu |"
        )
        self.stdout.write("|---|---|--:|--:|--:|--:|--:|--:|---|")
        for case in cases:
            found = benchmarks.measure(case, repeat=repeat)
            goals = ", ".join(f"{name} {'đạt' if met else 'chưa đạt'}" for name, met in found.goals)
            status = "" if found.status == 200 else f" (HTTP {found.status})"
            ratio = f"{found.ratio:.0f}×" if found.ratio >= 10 else f"{found.ratio:.1f}×"
            self.stdout.write(
                f"| {case.page}{status} | {case.scope} | {format_int_vi(case.units)} | "
                f"{_ms(found.page_ms)} | {found.queries} | {format_int_vi(found.size // 1024)} | "
                f"{_ms(found.bare_ms)} | {ratio.replace('.', ',')} | {goals} |"
            )
        if options["no_batch"]:
            return
        batch = [benchmarks.measure_targets(provinces=provinces)]
        codes = benchmarks.PROVINCE_UNITS if provinces else benchmarks.NATIONAL_UNITS
        parent = AdministrativeUnit.objects.filter(
            level=UnitLevel.PROVINCE, structure=Structure.REFORM_2025, code=codes["reform"]
        ).first()
        if parent is not None:
            user = benchmarks.staff_of(parent)
            batch.append(benchmarks.measure_import(parent=parent, user=user))
        batch.append(benchmarks.measure_import_rows(rows=options["import_rows"]))
        self.stdout.write("| việc | dòng | giây | truy vấn | mục tiêu |")
        self.stdout.write("|---|--:|--:|--:|---|")
        for item in batch:
            if item is None:
                continue
            seconds = f"{item.seconds:.1f}".replace(".", ",")
            met = "đạt" if item.met else "chưa đạt"
            self.stdout.write(
                f"| {item.name} | {format_int_vi(item.rows)} | {seconds} | {item.queries} | "
                f"< {item.goal_s:g} s {met} |"
            )
