from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators.demo import DEMO_TODAY, scale_figures_generate
from indicators.domain import periods
from units.models import AdministrativeUnit, UnitLevel

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month(text: str, option: str) -> tuple[int, int]:
    found = MONTH.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise CommandError(f"{option}: «{text}» không phải tháng dạng NĂM-THÁNG (ví dụ 2024-01).")
    year, number = int(found.group(1)), int(found.group(2))
    if not periods.MIN_YEAR <= year <= DEMO_TODAY.year:
        raise CommandError(
            f"{option}: năm {year} phải từ {periods.MIN_YEAR} đến {DEMO_TODAY.year}."
        )
    return year, number


class Command(BaseCommand):
    help = (
        "Sinh số liệu mẫu (is_sample, đã duyệt) theo tháng Nghị định 09 cho mọi đơn vị báo cáo "
        "(bộ phận một cửa cấp huyện, cấp xã) tồn tại trong từng tháng, theo cơ cấu có hiệu lực "
        "khi tháng kết thúc, cùng kế hoạch chỉ tiêu mẫu của từng tỉnh cho mỗi năm: để đo tốc "
        "độ trên cả nước (manage.py benchmark). Cùng --seed cho cùng số liệu; chạy lại bỏ qua "
        "các đơn vị-kỳ đã có số liệu (không ghi đè)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--scope",
            default="national",
            help="national (cả nước) hoặc province:MÃ[,MÃ…] (ví dụ province:52: Bình Định "
            "trước 07/2025 và Gia Lai sau đó).",
        )
        parser.add_argument("--from", dest="first", required=True, help="Tháng đầu, ví dụ 2024-01.")
        parser.add_argument("--to", dest="last", required=True, help="Tháng cuối, ví dụ 2024-12.")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--no-targets", action="store_true", help="Không tạo kế hoạch mẫu.")

    def handle(self, *args: Any, **options: Any) -> None:
        provinces = scope_provinces(options["scope"])
        first, last = _month(options["first"], "--from"), _month(options["last"], "--to")
        if first > last:
            raise CommandError("--from phải không sau --to.")
        if not AdministrativeUnit.objects.exists():
            raise CommandError("Chưa có đơn vị hành chính: hãy chạy 'manage.py load_units' trước.")
        report = scale_figures_generate(
            first=first,
            last=last,
            provinces=provinces,
            seed=options["seed"],
            targets=not options["no_targets"],
        )
        self.stdout.write(
            f"{report.months} tháng: {report.figures} dòng số liệu mẫu mới, {report.skipped} "
            f"đơn vị-kỳ đã có số liệu (bỏ qua), {report.warned} dòng còn cảnh báo; "
            f"{report.plans} kế hoạch mẫu, {report.targets} "
            f"chỉ tiêu ({report.seconds:.1f} giây)."
        )


def scope_provinces(scope: str) -> list[str] | None:
    """national -> None (the whole country); province:52,38 -> ["52", "38"]."""
    scope = scope.strip().lower()
    if scope == "national":
        return None
    if scope.startswith("province:"):
        codes = [
            code.strip().zfill(2) for code in scope.split(":", 1)[1].split(",") if code.strip()
        ]
        known = set(
            AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code__in=codes).values_list(
                "code", flat=True
            )
        )
        missing = [code for code in codes if code not in known]
        if not codes or missing:
            raise CommandError(f"--scope: không có tỉnh mã {', '.join(missing) or '(trống)'}.")
        return codes
    raise CommandError(f"--scope: «{scope}» phải là national hoặc province:MÃ.")
