from __future__ import annotations

import io

from django.core.management import call_command

from tests.base import BaseTestCase


class BenchmarkCommandTestCase(BaseTestCase):
    def test_it_prints_timings_and_query_counts_per_parent(self) -> None:
        out = io.StringIO()
        call_command("benchmark", "--repeat", "2", stdout=out)
        line = next(row for row in out.getvalue().splitlines() if "Thị xã Hoài Nhơn" in row)
        cells = line.split()
        # name…, period code, children, queries, median ms, p95 ms
        self.assertEqual(cells[-5:-2], ["2023-H1-CAL", "17", "3"])
        self.assertGreater(float(cells[-2]), 0)
