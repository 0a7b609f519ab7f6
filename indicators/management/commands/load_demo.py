from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators.demo import demo_load
from units.models import AdministrativeUnit


class Command(BaseCommand):
    help = (
        "Nạp số liệu thật từ các văn bản nguồn (Hoài Nhơn 6 tháng đầu năm 2023, kết quả "
        "Đức Phổ 2024, chỉ tiêu Trung ương 2025, chỉ tiêu Bình Định/Hoài Nhơn 2023), số liệu "
        "mẫu theo tháng có gắn nhãn (Gia Lai, Bình Định, Quảng Ngãi đến tháng hiện tại), kế "
        "hoạch mẫu 2026 của tỉnh Gia Lai và tài khoản demo. Chạy lại nhiều lần không tạo "
        "bản ghi trùng."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-sample", action="store_true", help="Không sinh số liệu mẫu.")
        parser.add_argument("--no-users", action="store_true", help="Không tạo tài khoản demo.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not AdministrativeUnit.objects.exists():
            raise CommandError("Chưa có đơn vị hành chính: hãy chạy 'manage.py load_units' trước.")
        report = demo_load(sample=not options["no_sample"], users=not options["no_users"])
        self.stdout.write(
            f"Số liệu thật: {report.figures_real} đơn vị-kỳ; kết quả công bố: {report.published}; "
            f"số liệu mẫu mới: {report.figures_sample}; chỉ tiêu ghi: {report.targets} "
            f"({report.seconds:.1f} giây)."
        )
        if report.users:
            self.stdout.write("Tài khoản demo (tên đăng nhập / mật khẩu — vai trò, đơn vị):")
            for username, password, label in report.users:
                self.stdout.write(f"  {username} / {password} — {label}")
