from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators.domain.formatting import format_trimmed_vi
from indicators.models import PlanMinimum, TargetPlan, TierTarget
from indicators.targets import services
from units.selectors import AmbiguousUnit, UnitNotFound, unit_by_code, unit_by_code_during

EVER = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))


def _minimum(text: str) -> tuple[str, str]:
    code, sep, value = text.partition("=")
    if not sep or not code.strip() or not value.strip():
        raise argparse.ArgumentTypeError(
            f"--minimum «{text}» phải có dạng MÃ_CHỈ_SỐ=GIÁ_TRỊ, ví dụ online=80."
        )
    return code.strip(), value.strip()


def _date(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"--decision-date «{text}» phải là ngày dạng DD/MM/YYYY, ví dụ 15/01/2026."
        ) from error


def _decimal_text(text: str) -> str:
    return text.strip()


class Command(BaseCommand):
    help = (
        "Tạo kế hoạch chỉ tiêu năm YEAR của đơn vị ISSUER (mã ĐVHC đọc theo ngày 01/01 của "
        "năm). Không có --minimum: áp dụng danh mục chỉ tiêu tối thiểu mới nhất của Trung "
        "ương đến năm đó; có --minimum: đó là toàn bộ danh mục của kế hoạch. --copy-from "
        "sao chép tên (đổi năm), nguyên tắc, mức tăng, chỉ tiêu tối thiểu và chỉ tiêu theo cấp "
        "của một kế hoạch khác; các tham số khác ghi đè. In mã kế hoạch mới ở dòng đầu."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--issuer", required=True, help="Mã ĐVHC của cơ quan ban hành.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--title", default="")
        parser.add_argument("--decision-number", default="")
        parser.add_argument("--decision-date", type=_date, default=None, help="DD/MM/YYYY")
        parser.add_argument(
            "--rule",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Áp dụng nguyên tắc Phổ Ninh (mặc định: có, hoặc như kế hoạch sao chép).",
        )
        parser.add_argument("--uplift", type=_decimal_text, default=None, help="Ví dụ 10")
        parser.add_argument("--uplift-mode", choices=["points", "relative"], default=None)
        parser.add_argument(
            "--minimum",
            type=_minimum,
            action="append",
            default=None,
            metavar="INDICATOR=VALUE",
            help="Chỉ tiêu tối thiểu, ví dụ --minimum online=80 --minimum payment=85.",
        )
        parser.add_argument("--copy-from", type=int, default=None, metavar="PLAN_ID")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        first, last = services.plan_year_range()
        if not first <= year <= last:
            raise CommandError(f"Năm kế hoạch {year} không hợp lệ: phải từ {first} đến {last}.")
        try:
            issuer = unit_by_code(options["issuer"], on=dt.date(year, 1, 1))
        except UnitNotFound as error:
            # A unit that had the code at another time (a district after 2025): the service
            # then says when it existed.
            try:
                issuer = unit_by_code_during(options["issuer"], start=EVER[0], end=EVER[1])
            except (UnitNotFound, AmbiguousUnit):
                raise CommandError(f"--issuer: {error}.") from error
        except AmbiguousUnit as error:
            raise CommandError(f"--issuer: {error}.") from error
        copy_from = None
        if options["copy_from"] is not None:
            copy_from = TargetPlan.objects.filter(pk=options["copy_from"]).first()
            if copy_from is None:
                raise CommandError(f"--copy-from: không có kế hoạch mã {options['copy_from']}.")
        try:
            uplift = None
            if options["uplift"] is not None:
                uplift = services.decimal_from_text(options["uplift"], field="uplift")
            minimums = None
            if options["minimum"] is not None:
                minimums = services.minimums_from_codes(dict(options["minimum"]))
            plan = services.plan_create(
                issuer=issuer,
                year=year,
                title=options["title"],
                decision_number=options["decision_number"],
                decision_date=options["decision_date"],
                applies_rule=options["rule"],
                uplift=uplift,
                uplift_mode=options["uplift_mode"],
                minimums=minimums,
                copy_from=copy_from,
                user=None,
            )
        except services.PlanError as error:
            raise CommandError(error.message) from error
        self.stdout.write(str(plan.pk))
        self.stdout.write(self._summary(plan))

    @staticmethod
    def _summary(plan: TargetPlan) -> str:
        minimums = PlanMinimum.objects.filter(plan=plan).select_related("indicator")
        listed = ", ".join(
            f"{m.indicator.code} {format_trimmed_vi(m.value)}"
            for m in minimums.order_by("indicator__order")
        )
        tiers = TierTarget.objects.filter(plan=plan).count()
        if plan.applies_rule:
            unit = "điểm phần trăm" if plan.uplift_mode == "points" else "% tương đối"
            how = f"nguyên tắc Phổ Ninh, tăng {format_trimmed_vi(plan.uplift)} {unit}"
        else:
            how = "không áp dụng nguyên tắc Phổ Ninh"
        return (
            f"Đã tạo kế hoạch {plan.pk} «{plan.title}» năm {plan.year} của "
            f"{plan.issuer_label}: {how}; tối thiểu {listed or 'không có'}; "
            f"{tiers} chỉ tiêu theo cấp."
        )
