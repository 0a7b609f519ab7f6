from __future__ import annotations

import csv
import io

from django.core.management import CommandError, call_command

from tests.base import BaseTestCase


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("ranking", *args, stdout=out)
    return out.getvalue()


class RankingCommandTestCase(BaseTestCase):
    def test_it_prints_the_ranking_of_hoai_nhons_h1_2023_dispatch_as_csv(self) -> None:
        output = run(
            "--parent", "543", "--period", "2023-H1-CAL", "--indicator", "online", "--format", "csv"
        )
        rows = list(csv.DictReader(io.StringIO(output)))
        self.assertEqual(
            list(rows[0]),
            ["rank", "code", "name", "numerator", "denominator", "rate", "target", "status"],
        )
        self.assertEqual(len(rows), 18)  # 17 communes + the total row
        first = rows[0]
        self.assertEqual(
            (first["rank"], first["code"], first["name"]), ("1", "21685", "Phường Hoài Đức")
        )
        self.assertEqual(
            (first["numerator"], first["denominator"], first["rate"]), ("783", "839", "93.33")
        )
        self.assertEqual((first["target"], first["status"]), ("70.00", "Đạt"))
        self.assertEqual(rows[-1]["rate"], "66.73")  # Tổng số cấp xã, ratio of sums

    def test_it_prints_a_table_in_vietnamese_formats(self) -> None:
        output = run(
            "--parent", "543", "--period", "2023-01-01..2023-06-30", "--indicator", "digitization"
        )
        self.assertIn("6 tháng đầu năm 2023", output)
        self.assertIn("99,87", output)  # Hoài Hảo 744/745, printed 99,9 in the dispatch
        self.assertIn("1.071", output)

    def test_it_fails_in_one_line_on_bad_arguments(self) -> None:
        cases = [
            (
                ["--parent", "99999", "--period", "2023-H1-CAL", "--indicator", "online"],
                "Không có đơn vị mã 99999",
            ),
            (
                ["--parent", "543", "--period", "2023-13", "--indicator", "online"],
                "Kỳ báo cáo không hợp lệ",
            ),
            (["--parent", "543", "--period", "2023-H1-CAL", "--indicator", "speed"], "speed"),
            (
                ["--parent", "543", "--period", "2019-Y-ND09", "--indicator", "online"],
                "Chưa có số liệu cho kỳ",
            ),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                run(*args)

    def test_it_reads_codes_as_of_the_period(self) -> None:
        # Bình Định (52) in 2023; the ranking is of its legacy districts, Hoài Nhơn among them.
        output = run(
            "--parent", "52", "--period", "2023-H1-CAL", "--indicator", "online", "--format", "csv"
        )
        codes = [row["code"] for row in csv.DictReader(io.StringIO(output))]
        self.assertIn("543", codes)

    def test_it_names_the_statuses_as_the_pages_and_downloads_do(self) -> None:
        # Bình Định's districts in H1 2023: Hoài Nhơn has no on-time target, the others no
        # figures.
        output = run(
            "--parent", "52", "--period", "2023-H1-CAL", "--indicator", "on_time", "--format", "csv"
        )
        statuses = {row["code"]: row["status"] for row in csv.DictReader(io.StringIO(output))}
        self.assertEqual(statuses["543"], "Chưa giao chỉ tiêu")
        self.assertEqual(statuses["540"], "Không có số liệu")
