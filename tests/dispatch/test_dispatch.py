"""The drafted dispatch: seed 004 (Hoài Nhơn, 6 tháng đầu năm 2023) is the oracle. The
numbers come from its appendix; its prose has typos (Tam Quan Nam twice, Hoài Châu Bắc
and Hoài Thanh Tây missing), so the expected text is the corrected version."""

from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import cast

import docx
import openpyxl
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.dispatch.drafting import dispatch_build, dispatch_text
from indicators.dispatch.renderers import dispatch_docx
from indicators.dispatch.selectors import dispatch_data
from indicators.domain.formatting import format_rate_vi
from indicators.domain.formulas import rate, round_rate
from indicators.models import Period, UnitFigures
from tests.base import BaseTestCase
from units.models import AdministrativeUnit

URL = "/cong-van/"
DOCX_URL = "/cong-van/tai-docx/"
XLSX_URL = "/cong-van/tai-xlsx/"
H1 = {"parent": "543", "period": "2023-H1-CAL"}

ONLINE_MET = [
    "Hoài Đức 93,33%",
    "Tam Quan 91,82%",
    "Hoài Sơn 90,93%",
    "Hoài Châu 87,41%",
    "Tam Quan Nam 79,38%",
    "Hoài Mỹ 77,62%",
    "Hoài Hảo 75,97%",
    "Tam Quan Bắc 75,32%",
    "Hoài Châu Bắc 71,27%",
    "Hoài Phú 71,00%",
]
ONLINE_MISSED_ABOVE_50 = [
    "Hoài Thanh: 63,94%",
    "Bồng Sơn: 61,72%",
    "Hoài Tân: 53,40%",
    "Hoài Xuân: 52,79%",
    "Hoài Thanh Tây: 52,02%",
]
ONLINE_UNDER_50 = ["Hoài Hải: 45,54%", "Hoài Hương: 37,01%"]


def seed_rows() -> list[dict[str, str]]:
    path = Path(settings.BASE_DIR) / "fixtures" / "hoai_nhon_2023_h1.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class DispatchTextTestCase(BaseTestCase):
    def draft(self, parent: AdministrativeUnit | None = None, period: str = "2023-H1-CAL"):
        data = dispatch_data(
            parent=parent or self.hoai_nhon, period=Period.objects.get(code=period)
        )
        return dispatch_build(data)

    def section(self, heading_part: str) -> str:
        draft = self.draft()
        for section in draft.sections:
            if heading_part in section.heading:
                return "\n".join([section.heading, section.targets, *section.paragraphs])
        self.fail(f"no section {heading_part!r}")

    def test_it_writes_the_online_paragraph_of_seed_004(self) -> None:
        text = self.section("hồ sơ trực tuyến")
        self.assertIn(
            "(Chỉ tiêu tỉnh giao: 50%, chỉ tiêu thị xã giao: cấp huyện 25%, cấp xã 70%)", text
        )
        self.assertIn(
            "bình quân toàn thị xã là 46,92%, trong đó cấp huyện đạt 19,82% "
            "(chưa đạt chỉ tiêu tỉnh và thị xã giao), bình quân cấp xã đạt 66,73%.",
            text,
        )
        self.assertIn(
            "Toàn thị xã có 10/17 đơn vị xã, phường đạt vượt chỉ tiêu của thị xã giao gồm: "
            + "; ".join(ONLINE_MET)
            + ".",
            text,
        )
        self.assertIn("Có 7 xã, phường chưa đạt chỉ tiêu của thị xã giao", text)
        self.assertIn(
            "có 5 xã, phường đạt từ 50% trở lên gồm: " + "; ".join(ONLINE_MISSED_ABOVE_50), text
        )
        self.assertIn("Có 02 đơn vị dưới 50% là " + "; ".join(ONLINE_UNDER_50), text)
        self.assertIn("(dưới mức chỉ tiêu tỉnh giao: 50%)", text)
        # Every commune named exactly once (the seed lists Tam Quan Nam twice).
        names = [item.split(" 9")[0] for item in ONLINE_MET]
        self.assertEqual(text.count("Tam Quan Nam"), 1)
        self.assertTrue(all(name.split(" ")[0] in text for name in names))

    def test_it_counts_digitization_against_the_province_targets(self) -> None:
        # Oracle straight from the appendix counts: (partial + full) / received ≥ 55 %.
        communes = [r for r in seed_rows() if r["level"] == "commune"]
        met = [
            r
            for r in communes
            # Every seed commune received dossiers: rate() is not None.
            if round_rate(
                cast(
                    Decimal,
                    rate(
                        int(r["digitized_partial"]) + int(r["digitized_full"]), int(r["received"])
                    ),
                )
            )
            >= Decimal(55)
        ]
        self.assertEqual(len(met), 12)  # "Toàn thị xã có 12 xã, phường đạt chỉ tiêu"
        text = self.section("số hóa hồ sơ")
        self.assertIn("(Chỉ tiêu tỉnh giao: cấp huyện 60%, cấp xã 55%)", text)
        self.assertIn(f"có {len(met)}/17 đơn vị xã, phường đạt vượt chỉ tiêu của tỉnh giao", text)
        self.assertIn("Có 5 xã, phường chưa đạt chỉ tiêu của tỉnh giao", text)
        self.assertIn("bình quân toàn thị xã là 54,37%", text)
        self.assertIn("cấp huyện đạt 36,59% (chưa đạt chỉ tiêu tỉnh giao)", text)
        self.assertIn("bình quân cấp xã đạt 67,37%", text)
        for row in communes:
            value = rate(
                int(row["digitized_partial"]) + int(row["digitized_full"]), int(row["received"])
            )
            short = row["unit_name"].split(" ", 2)[2]  # "UBND phường Hoài Đức" -> "Hoài Đức"
            shown = format_rate_vi(value, with_unit=False) + "%"
            self.assertRegex(text, rf"{short}:? {shown}")
        # No floor above the province in 2023: no "dưới mức" sentence.
        self.assertNotIn("dưới mức", text)

    def test_it_skips_indicators_without_figures_or_published_rates_in_one_line(self) -> None:
        draft = self.draft()
        headings = [s.heading for s in draft.sections]
        # Payment has published rates (no counts): a section, marked as published.
        payment = next(s for s in draft.sections if "thanh toán" in s.heading)
        self.assertTrue(payment.published)
        self.assertTrue(draft.no_data_line.startswith("Các chỉ số chưa có số liệu trong kỳ:"))
        self.assertNotIn("Tỷ lệ thanh toán trực tuyến", draft.no_data_line)
        self.assertIn("Mức độ hài lòng", draft.no_data_line)
        # Numbered 1, 2, 3… over the indicators that have figures or published rates.
        self.assertEqual([h.split(".")[0] for h in headings], [str(i) for i in range(1, 8)])

    def test_it_uses_the_province_floor_for_payment(self) -> None:
        # Payment counts are not in the seed appendix: give three communes some, enough to
        # exercise "dưới mức chỉ tiêu tỉnh giao: 35%".
        period = Period.objects.get(code="2023-H1-CAL")
        figures = UnitFigures.objects.filter(period=period, unit__parent=self.hoai_nhon)
        by_name = {f.unit.name: f for f in figures.select_related("unit")}
        for name, (online, total) in {
            "Hoài Tân": (96, 100),
            "Hoài Phú": (50, 100),
            "Hoài Hương": (31, 100),
        }.items():
            UnitFigures.objects.filter(pk=by_name[name].pk).update(
                payments_online=online, payments_total=total
            )
        text = self.section("thanh toán")
        self.assertIn(
            "(Chỉ tiêu tỉnh giao: 35%, chỉ tiêu thị xã giao: cấp huyện 60%, cấp xã 55%)", text
        )
        self.assertIn(
            "có 1/17 đơn vị xã, phường đạt vượt chỉ tiêu của thị xã giao gồm: Hoài Tân 96,00%.",
            text,
        )
        self.assertIn("Có 2 xã, phường chưa đạt chỉ tiêu của thị xã giao", text)
        self.assertIn(
            "Có 01 đơn vị dưới 35% là Hoài Hương: 31,00% (dưới mức chỉ tiêu tỉnh giao: 35%)", text
        )
        self.assertIn("Có 14 đơn vị chưa có số liệu", text)

    def test_it_builds_a_province_dispatch_with_the_right_words(self) -> None:
        binh_dinh = self.hoai_nhon.parent
        draft = self.draft(binh_dinh)
        text = dispatch_text(draft)
        self.assertIn("TỈNH BÌNH ĐỊNH", text)
        self.assertIn("Ủy ban nhân dân các huyện, thị xã, thành phố.", text)
        self.assertIn("bình quân toàn tỉnh là", text)

    def test_it_writes_a_docx_with_the_unit_lists(self) -> None:
        content = dispatch_docx(self.draft())
        document = docx.Document(io.BytesIO(content))
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("THỊ XÃ HOÀI NHƠN", document.tables[0].cell(0, 0).text)
        self.assertIn("Kính gửi:", text)
        self.assertIn("; ".join(ONLINE_MET), text)
        self.assertIn("; ".join(ONLINE_UNDER_50), text)
        heading = next(p for p in document.paragraphs if p.text.startswith("1. "))
        self.assertTrue(heading.runs[0].bold)
        self.assertFalse(heading.runs[1].bold)

    def test_it_keeps_a_formula_like_name_as_plain_text(self) -> None:
        AdministrativeUnit.objects.filter(pk=self.hoai_duc.pk).update(
            name='=HYPERLINK("http://x.example","Hoài Đức")'
        )
        content = dispatch_docx(self.draft())
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
        self.assertIn('=HYPERLINK("http://x.example","Hoài Đức") 93,33%', text)

    def test_it_drops_control_characters_from_the_docx(self) -> None:
        AdministrativeUnit.objects.filter(pk=self.hoai_duc.pk).update(name="Hoài\x01 Đức\x0b")
        content = dispatch_docx(self.draft())
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
        self.assertIn("Hoài Đức 93,33%", text)

    def test_it_reads_in_a_number_of_queries_independent_of_the_units(self) -> None:
        period = Period.objects.get(code="2023-H1-CAL")
        # Đức Phổ has 15 communes in 2023, Hoài Nhơn 17; give Đức Phổ some figures too.
        for unit in AdministrativeUnit.objects.filter(parent=self.duc_pho)[:3]:
            UnitFigures.objects.create(
                unit=unit,
                period=period,
                received=100,
                received_online=60,
                resolved=90,
                resolved_on_time=90,
                resolved_late=0,
            )
        counts = []
        for parent in (self.hoai_nhon, self.duc_pho):
            with CaptureQueriesContext(connection) as queries:
                dispatch_build(dispatch_data(parent=parent, period=period))
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
        self.assertLess(counts[0], 40)


class DispatchCommandTestCase(BaseTestCase):
    def test_it_prints_the_draft(self) -> None:
        out = io.StringIO()
        call_command("draft_dispatch", "--parent", "543", "--period", "2023-H1-CAL", stdout=out)
        self.assertIn("10/17", out.getvalue())
        self.assertIn("Hoài Đức 93,33%", out.getvalue())

    def test_it_writes_the_docx_and_the_appendix(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "cv.docx"
            call_command(
                "draft_dispatch",
                "--parent",
                "543",
                "--period",
                "2023-H1-CAL",
                "--output",
                str(path),
                stdout=io.StringIO(),
            )
            text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
            self.assertIn("Hoài Đức 93,33%", text)
            xlsx = Path(folder) / "pl.xlsx"
            call_command(
                "draft_dispatch",
                "--parent",
                "543",
                "--period",
                "2023-H1-CAL",
                "--output",
                str(xlsx),
                stdout=io.StringIO(),
            )
            sheet = openpyxl.load_workbook(xlsx).active
            assert sheet is not None
            self.assertEqual(sheet.title, "Phụ lục")

    def test_it_writes_both_in_one_call(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            docx_path, xlsx_path = Path(folder) / "cv.docx", Path(folder) / "pl.xlsx"
            out = io.StringIO()
            call_command(
                "draft_dispatch",
                *("--parent", "543", "--period", "2023-H1-CAL"),
                *("--output", str(docx_path), "--appendix", str(xlsx_path)),
                stdout=out,
            )
            self.assertEqual(out.getvalue().count("Đã ghi"), 2)
            self.assertIn(
                "Hoài Đức", "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs)
            )
            sheet = openpyxl.load_workbook(xlsx_path).active
            assert sheet is not None
            self.assertEqual(sheet.title, "Phụ lục")
        with self.assertRaises(CommandError):
            call_command(
                "draft_dispatch",
                *("--parent", "543", "--period", "2023-H1-CAL", "--appendix", "/tmp/x.docx"),
            )

    def test_it_rejects_a_unit_without_children_and_a_bad_suffix(self) -> None:
        with self.assertRaises(CommandError):
            call_command("draft_dispatch", "--parent", "21685", "--period", "2023-H1-CAL")
        with self.assertRaises(CommandError):
            call_command(
                "draft_dispatch",
                "--parent",
                "543",
                "--period",
                "2023-H1-CAL",
                "--output",
                "/tmp/x.txt",
            )
        with self.assertRaises(CommandError):
            call_command("draft_dispatch", "--parent", "543", "--period", "2031-H1-CAL")
