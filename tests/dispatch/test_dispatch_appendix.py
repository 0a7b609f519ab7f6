"""The dispatch's .xlsx appendix prints as offices print it (A4 landscape, one page wide,
header rows on every page, page numbers) and carries the rates published without counts
(Hoài Nhơn's H1 2023 payment and population-database columns), marked, read back with
openpyxl."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.conf import settings
from openpyxl.worksheet.worksheet import Worksheet

from indicators.dispatch.renderers import PUBLISHED_NOTE, dispatch_appendix_xlsx
from indicators.dispatch.selectors import dispatch_data
from indicators.models import Period
from tests.base import BaseTestCase

PAYMENT_COL, POPULATION_COL = 18, 19  # (18) and (19) of the official layout


def seed_rows() -> list[dict[str, str]]:
    path = Path(settings.BASE_DIR) / "fixtures" / "hoai_nhon_2023_h1.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class DispatchAppendixTestCase(BaseTestCase):
    def sheet(self) -> Worksheet:
        period = Period.objects.get(code="2023-H1-CAL")
        content = dispatch_appendix_xlsx(dispatch_data(parent=self.hoai_nhon, period=period))
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert isinstance(sheet, Worksheet)
        return sheet

    def test_it_prints_a4_landscape_one_page_wide_with_repeated_headers(self) -> None:
        sheet = self.sheet()
        setup = sheet.page_setup
        self.assertEqual(setup.orientation, "landscape")
        self.assertEqual(setup.paperSize, 9)  # A4
        self.assertEqual(setup.fitToWidth, 1)
        self.assertEqual(setup.fitToHeight, 0)
        properties = sheet.sheet_properties.pageSetUpPr
        assert properties is not None
        self.assertTrue(properties.fitToPage)
        self.assertEqual(str(sheet.print_title_rows).replace("$", ""), "5:8")
        self.assertEqual(sheet.cell(row=5, column=2).value, "Đơn vị")  # the header is in them
        footer = sheet.oddFooter
        assert footer is not None
        self.assertIn("&P", str(footer.center.text))

    def test_it_carries_the_kem_theo_subtitle(self) -> None:
        sheet = self.sheet()
        self.assertEqual(sheet.cell(row=1, column=1).value, "Phụ lục")
        subtitle = str(sheet.cell(row=3, column=1).value)
        self.assertRegex(
            subtitle, r"^\(Kèm theo Văn bản số: +/UBND-VP ngày +của UBND thị xã Hoài Nhơn"
        )

    def test_it_fills_the_payment_and_population_columns_from_published_rates(self) -> None:
        sheet = self.sheet()
        rows = {str(sheet.cell(row=r, column=2).value): r for r in range(9, sheet.max_row + 1)}
        self.assertEqual(
            sheet.cell(row=5, column=PAYMENT_COL).value, "Tỷ lệ thanh toán trực tuyến (%)"
        )
        self.assertEqual(
            sheet.cell(row=5, column=POPULATION_COL).value, "Tỷ lệ khai thác CSDL về dân cư (%)"
        )
        seed = seed_rows()
        self.assertEqual(len(seed), 18)
        for row in seed:
            r = rows[row["unit_name"]]
            for column, key in (
                (PAYMENT_COL, "published_online_payment_rate"),
                (POPULATION_COL, "published_population_db_rate"),
            ):
                cell = sheet.cell(row=r, column=column)
                self.assertEqual(Decimal(str(cell.value)), Decimal(row[key]), row["unit_name"])
                self.assertIn("*", cell.number_format)  # marked as published
                self.assertTrue(cell.font.italic)
        # Totals are never sums of published rates.
        for label in ("Tổng số cấp xã", "Tổng cấp huyện và xã"):
            self.assertIsNone(sheet.cell(row=rows[label], column=PAYMENT_COL).value)
        # A rate computed from counts stays as it was, unmarked (online, column 17).
        online = sheet.cell(row=rows["UBND phường Hoài Đức"], column=17)
        self.assertEqual(Decimal(str(online.value)), Decimal("93.33"))
        self.assertNotIn("*", online.number_format)
        notes = [
            sheet.cell(row=r, column=2).value for r in range(sheet.max_row - 2, sheet.max_row + 1)
        ]
        self.assertIn(PUBLISHED_NOTE, notes)
