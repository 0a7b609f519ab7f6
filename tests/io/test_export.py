"""Exports and the template: what they contain, access, and the round trip through import."""

from __future__ import annotations

import csv
import io
from typing import cast

from django.urls import reverse
from openpyxl import load_workbook

from indicators.domain import formulas
from indicators.io.records import APPENDIX_FIELDS
from indicators.io.services import figures_import_commit
from indicators.models import FiguresStatus, UnitFigures
from tests.io.test_import_service import H1, H2, ImportCase


class ExportTestCase(ImportCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Exports leave drafts out (tests/drafts/); submitted figures are in.
        UnitFigures.objects.filter(period=cls.h1).update(status=FiguresStatus.SUBMITTED)

    def get(self, name: str, parent: str = "543", period: str = H1):
        return self.client.get(reverse(f"indicators:{name}"), {"parent": parent, "period": period})

    def round_trip(self, data: bytes, filename: str) -> None:
        before = {f.unit_id: f.counts() for f in UnitFigures.objects.filter(period=self.h1)}
        # Wipe the stored figures, then import the exported file: they must come back.
        UnitFigures.objects.filter(period=self.h1).delete()
        preview = self.preview(data, filename)
        self.assertEqual(preview.analysis.errors, [], [p.message for p in preview.analysis.errors])
        self.assertEqual(preview.analysis.warnings, [])
        figures_import_commit(batch=preview.batch, user=self.district)
        after = {f.unit_id: f.counts() for f in UnitFigures.objects.filter(period=self.h1)}
        if filename.endswith(".xlsx"):  # the appendix carries its 14 columns only
            before = {unit: {n: c[n] for n in APPENDIX_FIELDS} for unit, c in before.items()}
            after = {unit: {n: c[n] for n in APPENDIX_FIELDS} for unit, c in after.items()}
        self.assertEqual(after, before)
        self.assertEqual(len(after), 18)

    def test_it_round_trips_the_appendix_export(self) -> None:
        self.login(self.district)
        response = self.get("export_xlsx")
        self.assertEqual(response.status_code, 200)
        disposition = f'attachment; filename="phu-luc-543-{self.h1.code}.xlsx"'
        self.assertEqual(response["Content-Disposition"], disposition)
        wb = load_workbook(io.BytesIO(response.content))
        ws = wb.active
        assert ws is not None
        self.assertEqual(ws["B10"].value, "Thị xã Hoài Nhơn")
        self.assertEqual(ws["A9"].value, "Cấp huyện")
        values = {ws.cell(row=r, column=2).value: r for r in range(1, ws.max_row + 1)}
        total_row = values["Tổng số cấp xã"]
        self.assertEqual(ws.cell(row=total_row, column=3).value, 14972)
        ratio = cast(float, ws.cell(row=total_row, column=17).value)  # a number cell: a float
        self.assertEqual(float(ratio), 66.73)  # ratio of sums
        self.round_trip(response.content, "phu-luc.xlsx")

    def test_it_round_trips_the_csv_export(self) -> None:
        UnitFigures.objects.filter(unit=self.hoai_duc, period=self.h1).update(
            payments_online=7, payments_total=9
        )
        self.login(self.district)
        response = self.get("export_csv")
        self.assertEqual(response.status_code, 200)
        disposition = f'attachment; filename="so-lieu-543-{self.h1.code}.csv"'
        self.assertEqual(response["Content-Disposition"], disposition)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertTrue(response.content.startswith("\ufeff".encode()))
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 18)
        self.assertEqual(rows[0]["unit_name"], "Thị xã Hoài Nhơn")
        self.assertEqual(set(formulas.COUNT_FIELDS) - set(rows[0]), set())
        self.round_trip(response.content, "so-lieu.csv")

    def test_it_serves_a_template_with_units_validation_and_frozen_header(self) -> None:
        self.login(self.district)
        response = self.get("import_template", period=H2)
        self.assertEqual(response.status_code, 200)
        wb = load_workbook(io.BytesIO(response.content))
        ws = wb["Số liệu"]
        self.assertIn("6 tháng cuối năm 2023", ws["A1"].value)
        self.assertEqual(ws["A3"].value, "Mã ĐVHC")
        self.assertEqual(ws["C3"].value, formulas.COUNT_FIELDS["total"])
        codes = [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1)]
        self.assertEqual(len(codes), 18)
        self.assertEqual(codes[0], "543")
        self.assertIn("21685", codes)
        self.assertEqual(ws.freeze_panes, "C4")
        validations = ws.data_validations.dataValidation
        self.assertEqual(len(validations), 1)
        self.assertEqual(
            (validations[0].type, validations[0].operator), ("whole", "greaterThanOrEqual")
        )
        self.assertEqual(validations[0].formula1, "0")
        # The standard counts (C:W) and the optional 766 extras after them (X:AE).
        self.assertEqual(str(validations[0].sqref), "C4:AE21")
        self.assertEqual(wb["_kpi"].sheet_state, "hidden")

    def test_it_checks_access_and_arguments(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.get("export_xlsx").status_code, 403)
        self.assertEqual(self.get("export_csv").status_code, 403)
        self.assertEqual(self.get("import_template").status_code, 403)
        self.login(self.district)
        self.assertEqual(self.get("export_csv", period=H2).status_code, 400)  # no figures yet
        self.assertEqual(self.get("export_csv", parent="99999").status_code, 400)
        self.assertEqual(self.get("import_template", period="2023-13").status_code, 400)
        self.client.logout()
        self.assertEqual(self.get("export_csv").status_code, 302)


class PrintSetupTestCase(ImportCase):
    """Every workbook the portal hands out prints as offices print: A4, one page wide, the
    header rows on every page, numbered pages."""

    def get(self, name: str, period: str = H1):
        return self.client.get(reverse(f"indicators:{name}"), {"parent": "543", "period": period})

    def assert_prints(self, content: bytes, title_rows: str, landscape: bool = True) -> None:
        ws = load_workbook(io.BytesIO(content)).worksheets[0]
        self.assertEqual(int(ws.page_setup.paperSize or 0), int(ws.PAPERSIZE_A4))
        self.assertEqual(ws.page_setup.orientation, "landscape" if landscape else "portrait")
        self.assertEqual((ws.page_setup.fitToWidth, ws.page_setup.fitToHeight), (1, 0))
        assert ws.sheet_properties.pageSetUpPr is not None
        self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
        self.assertEqual((ws.print_title_rows or "").replace("$", ""), title_rows)
        assert ws.oddFooter is not None
        self.assertEqual(ws.oddFooter.center.text, "Trang &P/&N")

    def test_it_sets_up_the_appendix_export_the_template_and_the_ranking_tables(self) -> None:
        from indicators.ranking.downloads import ChartTable, to_xlsx

        UnitFigures.objects.filter(period=self.h1).update(status=FiguresStatus.SUBMITTED)
        self.login(self.district)
        self.assert_prints(self.get("export_xlsx").content, "5:8")
        self.assert_prints(self.get("import_template", period=H2).content, "3:3")
        narrow = ChartTable(title="Xếp hạng", headers=["Hạng", "Đơn vị", "Tỷ lệ"], rows=[])
        self.assert_prints(to_xlsx(narrow), "2:2", landscape=False)
