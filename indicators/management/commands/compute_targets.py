from __future__ import annotations

import csv
import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators.domain import formatting, rules
from indicators.models import TargetPlan
from indicators.targets import services
from units.models import AdministrativeUnit
from units.selectors import (
    COUNTRY_CODE,
    AmbiguousUnit,
    UnitNotFound,
    is_country,
    the_country,
    unit_by_code,
)

BRANCH_VI = {
    rules.Branch.BELOW_MINIMUM: "a) thấp hơn chỉ tiêu TW → bằng chỉ tiêu TW",
    rules.Branch.UPLIFT: "b) đạt chỉ tiêu TW → kết quả + mức tăng",
    rules.Branch.NO_BASELINE: "chưa có kết quả năm trước → bằng chỉ tiêu TW",
}
COLUMNS = [
    "unit_code",
    "unit",
    "indicator",
    "baseline",
    "national_minimum",
    "target",
    "branch",
    "baseline_note",  # which periods of which units last year's result adds up
]


def plan_for(parent: AdministrativeUnit, year: int) -> TargetPlan:
    """The active rule plan of `year` issued closest to `parent` (itself, then ancestors,
    then the central government)."""
    # The parent itself first; the whole country has no issuer row but the centre's.
    issuers = [] if is_country(parent) else list(reversed(parent.ancestor_ids()))
    plans = {
        p.issuer_id: p
        for p in TargetPlan.objects.filter(
            year=year, is_active=True, applies_rule=True, issuer_id__in=issuers
        )
    }
    for issuer_id in issuers:
        if issuer_id in plans:
            return plans[issuer_id]
    central = TargetPlan.objects.filter(
        year=year, is_active=True, applies_rule=True, issuer__isnull=True
    ).first()
    if central is None:
        raise CommandError(
            f"Chưa có kế hoạch chỉ tiêu năm {year} áp dụng nguyên tắc cho {parent} hoặc cấp trên."
        )
    return central


class Command(BaseCommand):
    help = (
        "Tính chỉ tiêu năm YEAR theo nguyên tắc Phổ Ninh cho đơn vị PARENT và các đơn vị "
        "trực thuộc: bằng chỉ tiêu Trung ương nếu kết quả năm trước thấp hơn, ngược lại bằng "
        "kết quả năm trước + mức tăng (tối đa 100 %). --dry-run chỉ in, không ghi."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--parent",
            required=True,
            help=(
                "Mã ĐVHC (đọc theo ngày 01/01 của năm); VN: mọi đơn vị của cả nước trong năm "
                "(tỉnh, huyện, xã), theo kế hoạch của Trung ương."
            ),
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="Kết quả năm trước gồm cả số liệu nháp (mặc định chỉ số liệu đã nộp, đã duyệt).",
        )
        parser.add_argument("--format", choices=["csv", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError(f"Năm không hợp lệ: {year} (phải từ 2000 đến 2100).")
        code = options["parent"].strip()
        try:
            parent = (
                the_country()
                if code.upper() == COUNTRY_CODE
                else unit_by_code(code, on=dt.date(year, 1, 1))
            )
        except (UnitNotFound, AmbiguousUnit) as error:
            raise CommandError(str(error)) from error
        plan = plan_for(parent, year)
        began = time.monotonic()
        if options["dry_run"]:
            computed = services.targets_compute(
                plan=plan, parent=parent, include_drafts=options["include_drafts"]
            )
        else:
            computed = services.targets_apply(
                plan=plan, parent=parent, include_drafts=options["include_drafts"]
            )
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            for item in computed:
                d = item.decision
                writer.writerow(
                    [
                        item.unit.code,
                        item.unit.full_name,
                        item.indicator.code,
                        "" if d.baseline is None else str(d.baseline),
                        str(d.national_minimum),
                        str(d.target),
                        d.branch.value,
                        item.baseline_note,
                    ]
                )
            return
        self.stdout.write(f"{plan} — {plan.issuer_label}; tăng {plan.uplift} ({plan.uplift_mode})")
        for item in computed:
            d = item.decision
            baseline = "—" if d.baseline is None else formatting.format_rate_vi(d.baseline)
            self.stdout.write(
                f"{item.unit.code:>5} {item.unit.full_name:<28} {item.indicator.code:<13} "
                f"KQ {baseline:>9}  TW {formatting.format_rate_vi(d.national_minimum):>9}  "
                f"CT {formatting.format_rate_vi(d.target):>9}  {BRANCH_VI[d.branch]}"
            )
        verb = "Chưa ghi (--dry-run)." if options["dry_run"] else "Đã ghi chỉ tiêu."
        seconds = time.monotonic() - began
        self.stdout.write(f"{len(computed)} chỉ tiêu. {verb} ({seconds:.1f} giây)")
