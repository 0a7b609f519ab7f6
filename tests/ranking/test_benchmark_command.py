from __future__ import annotations

import io

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from indicators.benchmarks import LEGACY_RANGE, counting_queries
from indicators.demo import scale_figures_generate
from tests.base import BaseTestCase
from units.models import User


class BenchmarkCommandTestCase(BaseTestCase):
    def test_it_prints_every_case_with_its_ratio_and_query_count(self) -> None:
        # The command reuses a range of the sample when its first and last months are there:
        # of the 2024 range only those two are made here (not all twelve), and it builds the
        # 2026 range itself. Both ways of getting the data run, for half the building.
        first, last = LEGACY_RANGE
        scale_figures_generate(first=first, last=first, provinces=["52"], targets=False)
        scale_figures_generate(first=last, last=last, provinces=["52"])
        out = io.StringIO()
        call_command(
            "benchmark", "--scope", "province:52", "--repeat", "1", "--no-batch", stdout=out
        )
        self.assertIn("Dùng lại số liệu mẫu 2024-M01-ND09 … 2024-M12-ND09.", out.getvalue())
        self.assertIn("Sinh số liệu mẫu 2026-M01-ND09 … 2026-M11-ND09: ", out.getvalue())
        lines = [row for row in out.getvalue().splitlines() if row.startswith("| /")]
        pages = {line.split(" | ")[0].strip("| ") for line in lines}
        self.assertTrue(
            {"/xep-hang/ một chỉ số", "/tong-hop/", "/cong-van/", "/tong-hop/ cả nước"} <= pages,
            pages,
        )
        for line in lines:
            self.assertNotIn("HTTP", line)  # every page answered 200
            self.assertRegex(line, r"\| \d[\d.]*(,\d)?× \|")  # the ratio to the bare SQL
        # The query count printed is what the same page runs for the same user.
        line = next(row for row in lines if "/xep-hang/ một chỉ số |" in row)
        printed = int(line.split(" | ")[4])
        client = Client()
        client.force_login(User.objects.get(username="benchmark.legacy.52"))
        url = "/xep-hang/?parent=543&period=2024-Y-ND09&indicator=online"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(client.get(url).status_code, 200)
        self.assertEqual(printed, len(queries))

    def test_it_counts_every_query_past_the_9000_django_keeps(self) -> None:
        with counting_queries() as counter, connection.cursor() as cursor:
            for _ in range(9100):
                cursor.execute("SELECT 1")
        self.assertEqual(counter.count, 9100)
