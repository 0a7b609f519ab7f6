from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.core.management import CommandError, call_command

from indicators.models import Target
from tests.base import BaseTestCase
from tests.targets.merged import merged_bong_son_plan


def run(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("compute_targets", *args, "--format", "csv", stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


class ComputeTargetsTestCase(BaseTestCase):
    def test_it_reproduces_the_seed_000_example(self) -> None:
        rows = run("--year", "2025", "--parent", "534", "--dry-run")
        duc_pho = {r["indicator"]: r for r in rows if r["unit_code"] == "534"}
        self.assertEqual(duc_pho["online"]["target"], "100.00")
        self.assertEqual(duc_pho["online"]["branch"], "uplift")
        self.assertEqual(duc_pho["payment"]["baseline"], "85.96")
        self.assertEqual(duc_pho["payment"]["target"], "95.96")
        self.assertEqual(duc_pho["digitization"]["target"], "100.00")
        self.assertEqual(duc_pho["reuse"]["branch"], "no_baseline")
        self.assertEqual(duc_pho["reuse"]["target"], "55.00")

    def test_it_writes_nothing_in_a_dry_run(self) -> None:
        Target.objects.filter(plan__year=2025, unit=self.duc_pho).delete()
        run("--year", "2025", "--parent", "534", "--dry-run")
        self.assertFalse(Target.objects.filter(plan__year=2025, unit=self.duc_pho).exists())
        run("--year", "2025", "--parent", "534")
        target = Target.objects.get(plan__year=2025, unit=self.duc_pho, indicator__code="payment")
        self.assertEqual(target.value, Decimal("95.96"))
        sentence = target.explain()
        self.assertTrue(sentence.startswith("Kết quả năm 2024 đạt 85,96 %"), sentence)
        self.assertIn("(kết quả công bố: Công văn UBND thị xã Đức Phổ", sentence)
        self.assertTrue(
            sentence.endswith("≥ chỉ tiêu Trung ương 85 % → chỉ tiêu 2025 = 85,96 + 10 = 95,96 %"),
            sentence,
        )

    def test_it_keeps_a_manual_override(self) -> None:
        run("--year", "2025", "--parent", "534")
        target = Target.objects.get(plan__year=2025, unit=self.duc_pho, indicator__code="online")
        target.value, target.source, target.reason = Decimal(98), "manual", "Theo chỉ đạo"
        target.save()
        run("--year", "2025", "--parent", "534")
        target.refresh_from_db()
        self.assertEqual(target.value, Decimal(98))
        self.assertIn("Theo chỉ đạo", target.explain())

    def test_it_gives_a_merged_unit_the_ratio_of_sums_of_its_predecessors(self) -> None:
        _new_bong_son, gia_lai, _plan = merged_bong_son_plan()
        rows = run("--year", "2026", "--parent", gia_lai.code, "--dry-run")
        bong_son = next(r for r in rows if r["unit_code"] == "21640")
        # (600 + 900) / (1000 + 1000) = 75 % < 80 % -> the national minimum.
        self.assertEqual(
            (bong_son["baseline"], bong_son["target"], bong_son["branch"]),
            ("75.00", "80.00", "below_minimum"),
        )

    def test_it_fails_in_one_line_without_a_plan_or_unit(self) -> None:
        with self.assertRaisesMessage(CommandError, "Chưa có kế hoạch chỉ tiêu năm 2031"):
            run("--year", "2031", "--parent", "52")
        with self.assertRaisesMessage(CommandError, "Không có đơn vị mã 543"):
            run("--year", "2026", "--parent", "543")  # districts were abolished in 2025
        with self.assertRaisesMessage(CommandError, "Năm không hợp lệ"):
            run("--year", "1800", "--parent", "52")
