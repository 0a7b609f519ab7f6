from __future__ import annotations

import statistics
import time
from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, Period, UnitFigures
from indicators.ranking import selectors
from units.models import AdministrativeUnit


class Command(BaseCommand):
    help = (
        "Đo tốc độ bảng xếp hạng trên dữ liệu đang có: với mỗi đơn vị cấp trên có số liệu, "
        "chạy selectors.ranking_for nhiều lần và in thời gian (trung vị, p95) và số truy vấn. "
        "Chỉ in số liệu, không khẳng định gì: tốc độ không được kiểm tra bằng test."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--indicator", default="online")
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="Tính cả số liệu nháp (mặc định chỉ số liệu đã nộp, đã duyệt).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        repeat: int = options["repeat"]
        if repeat < 1:
            raise CommandError("--repeat phải ≥ 1.")
        indicator = Indicator.objects.get(code=options["indicator"])
        cases = (
            UnitFigures.objects.filter(unit__parent__isnull=False)
            .values_list("unit__parent_id", "period_id")
            .distinct()
            .order_by("unit__parent_id", "period_id")
        )
        # One case per parent: the first period in which its children reported.
        chosen: dict[int, int] = {}
        for parent_id, period_id in cases:
            # unit__parent__isnull=False above: a parent_id is never None here.
            chosen.setdefault(cast(int, parent_id), period_id)
        parents = AdministrativeUnit.objects.in_bulk(list(chosen))
        periods = Period.objects.in_bulk(list(set(chosen.values())))
        self.stdout.write(
            f"{'đơn vị':<32} {'kỳ':<14} {'số con':>6} {'truy vấn':>8} "
            f"{'trung vị ms':>11} {'p95 ms':>8}"
        )
        for parent_id, period_id in sorted(chosen.items(), key=lambda kv: parents[kv[0]].path):
            parent, period = parents[parent_id], periods[period_id]
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    result = selectors.ranking_for(
                        parent=parent,
                        period=period,
                        indicator=indicator,
                        include_drafts=options["include_drafts"],
                    )
                    timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
            self.stdout.write(
                f"{parent.full_name[:32]:<32} {period.code:<14} {len(result.rows):>6} "
                f"{len(queries):>8} {statistics.median(timings):>11.1f} {p95:>8.1f}"
            )
