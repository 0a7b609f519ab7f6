"""The optional counts of the Decision 766 index in the template, CSV import and the exports:
read when present, their identities checked, written; files without them import as before
and leave the stored extras as they were."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from indicators.domain import formulas
from indicators.domain.index766 import EXTRA_COUNT_FIELDS
from indicators.io.exports import CSV_COLUMNS, figures_export_csv, figures_template_xlsx
from indicators.io.records import ImportRefused
from indicators.io.services import figures_import_commit
from indicators.models import FiguresChange, ImportBatch, UnitFigures
from tests.io.test_import_service import ImportCase, csv_bytes, seed_xlsx

EXTRAS = tuple(EXTRA_COUNT_FIELDS)


class Import766CountsTestCase(ImportCase):
    def setUp(self) -> None:
        super().setUp()
        self.figures = UnitFigures.objects.get(unit=self.hoai_duc, period=self.h1)
        received = self.figures.received
        assert received is not None and received > 2
        in_progress = max((self.figures.total or 0) - (self.figures.resolved or 0), 0)
        # Consistent extras for Hoài Đức: every part within its whole.
        self.extras = {
            "in_progress_on_time": in_progress,
            "synced_dossiers": received - 1,
            "fee_dossiers": 9,
            "paid_online_dossiers": 4,
            "population_db_authenticated": received - 2,
            "feedback_dissatisfied": 1,
            "feedback_repeated": 2,
            "feedback_overdue": 1,
        }
        UnitFigures.objects.filter(pk=self.figures.pk).update(
            feedback_received=6, feedback_on_time=5, **self.extras
        )

    def stored(self) -> dict[int, dict[str, int | None]]:
        return {
            f.unit_id: {**f.counts(), **f.extra_counts()}
            for f in UnitFigures.objects.filter(period=self.h1)
        }

    def commit(self, data: bytes, filename: str) -> None:
        preview = self.preview(data, filename)
        self.assertEqual(self.messages(preview.analysis), [])
        self.assertEqual(self.messages(preview.analysis, "warning"), [])
        figures_import_commit(batch=preview.batch, user=self.district)

    def csv_row(self, **counts: object) -> bytes:
        return csv_bytes(
            [["gso_code", "unit_name", *counts], ["21685", "Xã Hoài Đức", *counts.values()]]
        )

    # ------------------------------------------------------------------ template

    def test_it_puts_the_extras_after_the_standard_columns_marked_optional(self) -> None:
        content = figures_template_xlsx(parent=self.hoai_nhon, spec=self.h1.spec, period=self.h1)
        ws = load_workbook(io.BytesIO(content))["Số liệu"]
        headers = [ws.cell(row=3, column=c).value for c in range(1, ws.max_column + 1)]
        standard_end = 2 + len(formulas.COUNT_FIELDS)
        self.assertEqual(headers[2:standard_end], list(formulas.COUNT_FIELDS.values()))
        self.assertEqual(
            headers[standard_end : standard_end + len(EXTRAS)], list(EXTRA_COUNT_FIELDS.values())
        )
        self.assertEqual(headers[-1], "Trạng thái hiện tại")
        self.assertIn("không bắt buộc", str(ws["A2"].value))
        first_extra = ws.cell(row=3, column=standard_end + 1)
        assert first_extra.comment is not None
        self.assertIn("Không bắt buộc", first_extra.comment.text)
        self.assertIsNone(ws.cell(row=3, column=standard_end).comment)
        row = next(r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=1).value == "21685")
        values = [ws.cell(row=row, column=standard_end + 1 + i).value for i in range(len(EXTRAS))]
        self.assertEqual(values, [self.extras[name] for name in EXTRAS])

    def test_it_round_trips_the_extras_through_the_template(self) -> None:
        before = self.stored()
        content = figures_template_xlsx(parent=self.hoai_nhon, spec=self.h1.spec, period=self.h1)
        UnitFigures.objects.filter(period=self.h1).delete()
        self.commit(content, "mau.xlsx")
        self.assertEqual(self.stored(), before)
        self.assertEqual({n: self.stored()[self.hoai_duc.pk][n] for n in EXTRAS}, self.extras)

    def test_it_imports_an_old_template_without_the_extras_and_keeps_the_stored_ones(
        self,
    ) -> None:
        content = figures_template_xlsx(parent=self.hoai_nhon, spec=self.h1.spec, period=self.h1)
        wb = load_workbook(io.BytesIO(content))
        ws: Worksheet = wb["Số liệu"]
        first_extra = 3 + len(formulas.COUNT_FIELDS)
        ws.delete_cols(first_extra, len(EXTRAS))  # the template as it was before the extras
        row = next(r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=1).value == "21685")
        # A count no identity ties to others, so the edited row stays consistent.
        copies_column = 3 + list(formulas.COUNT_FIELDS).index("e_certified_copies")
        new_copies = (self.figures.e_certified_copies or 0) + 1
        ws.cell(row=row, column=copies_column, value=new_copies)
        out = io.BytesIO()
        wb.save(out)
        self.commit(out.getvalue(), "mau-cu.xlsx")
        figures = UnitFigures.objects.get(pk=self.figures.pk)
        self.assertEqual(figures.e_certified_copies, new_copies)
        self.assertEqual(figures.extra_counts(), self.extras)

    # ------------------------------------------------------------------ CSV

    def test_it_imports_the_extras_by_field_name_and_by_the_template_header(self) -> None:
        UnitFigures.objects.filter(pk=self.figures.pk).update(**dict.fromkeys(EXTRAS))
        by_name = self.csv_row(fee_dossiers=12, paid_online_dossiers="7", feedback_repeated=3)
        by_label = self.csv_row(
            **{
                EXTRA_COUNT_FIELDS["fee_dossiers"]: 12,
                EXTRA_COUNT_FIELDS["paid_online_dossiers"]: 7,
                EXTRA_COUNT_FIELDS["feedback_repeated"]: 3,
            }
        )
        for label, data in (("field names", by_name), ("Vietnamese headers", by_label)):
            with self.subTest(label):
                UnitFigures.objects.filter(pk=self.figures.pk).update(**dict.fromkeys(EXTRAS))
                preview = self.preview(data, "them.csv")
                self.assertEqual(
                    preview.analysis.fields,
                    ("fee_dossiers", "paid_online_dossiers", "feedback_repeated"),
                )
                figures_import_commit(batch=preview.batch, user=self.district)
                figures = UnitFigures.objects.get(pk=self.figures.pk)
                self.assertEqual(
                    (figures.fee_dossiers, figures.paid_online_dossiers, figures.feedback_repeated),
                    (12, 7, 3),
                )
                # Columns the file lacks stay as stored (here: empty), standard ones too.
                self.assertIsNone(figures.synced_dossiers)
                self.assertEqual(figures.received, self.figures.received)
        changed = FiguresChange.objects.filter(figures=self.figures, action="import")
        self.assertIn("fee_dossiers", set(changed.values_list("field", flat=True)))

    def test_it_records_only_the_counts_that_changed_in_the_history(self) -> None:
        new_copies = (self.figures.e_certified_copies or 0) + 1
        data = self.csv_row(e_certified_copies=new_copies, fee_dossiers=self.extras["fee_dossiers"])
        self.commit(data, "them.csv")
        changed = FiguresChange.objects.filter(figures=self.figures, action="import")
        self.assertEqual(set(changed.values_list("field", flat=True)), {"e_certified_copies"})

    def test_it_round_trips_the_extras_through_the_csv_export(self) -> None:
        before = self.stored()
        content = figures_export_csv(parent=self.hoai_nhon, period=self.h1, include_drafts=True)
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        self.assertEqual(list(rows[0]), list(CSV_COLUMNS))
        self.assertEqual(list(CSV_COLUMNS[-len(EXTRAS) :]), list(EXTRAS))
        hoai_duc = next(r for r in rows if r["gso_code"] == "21685")
        self.assertEqual({n: int(hoai_duc[n]) for n in EXTRAS}, self.extras)
        other = next(r for r in rows if r["gso_code"] != "21685")
        self.assertEqual({other[n] for n in EXTRAS}, {""})  # not counted: blank, not 0
        UnitFigures.objects.filter(period=self.h1).delete()
        self.commit(content, "so-lieu.csv")
        self.assertEqual(self.stored(), before)

    def test_it_imports_an_old_csv_without_the_extras_and_keeps_the_stored_ones(self) -> None:
        content = figures_export_csv(parent=self.hoai_nhon, period=self.h1, include_drafts=True)
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        old = [row[: len(CSV_COLUMNS) - len(EXTRAS)] for row in rows]  # the export before
        copies = old[0].index("e_certified_copies")
        new_copies = (self.figures.e_certified_copies or 0) + 1
        for row in old[1:]:
            if row[1] == "21685":
                row[copies] = str(new_copies)
        before = self.stored()
        self.commit(csv_bytes(old), "so-lieu-cu.csv")
        after = self.stored()
        self.assertEqual(after[self.hoai_duc.pk]["e_certified_copies"], new_copies)
        self.assertEqual({n: after[self.hoai_duc.pk][n] for n in EXTRAS}, self.extras)
        others = {u: c for u, c in after.items() if u != self.hoai_duc.pk}
        self.assertEqual(others, {u: c for u, c in before.items() if u != self.hoai_duc.pk})

    # ------------------------------------------------------------------ identities

    def assert_refused(
        self, data: bytes, *, row: int, column: str, says: str, where: str = ""
    ) -> None:
        """Refused with an error at (row, column) saying `says` and `where` (by default
        "Dòng <row>, cột <column>"); nothing written, the batch rejected at commit."""
        before = self.stored()
        preview = self.preview(data, "sai.csv")
        errors = preview.analysis.errors
        self.assertTrue(errors)
        self.assertEqual({e.row for e in errors}, {row})
        found = [e for e in errors if e.column == column and says in e.message]
        self.assertTrue(found, [(e.column, e.message) for e in errors])
        message = found[0].message
        if where:
            self.assertIn(where, message)
        else:
            self.assertIn(f"Dòng {row}", message)
            if column:
                self.assertIn(f"cột {column}", message)
        with self.assertRaises(ImportRefused):
            figures_import_commit(batch=preview.batch, user=self.district)
        self.assertEqual(self.stored(), before)
        self.assertEqual(
            ImportBatch.objects.get(pk=preview.batch.pk).status, ImportBatch.Status.REJECTED
        )

    def test_it_refuses_a_part_larger_than_its_whole_naming_row_and_column(self) -> None:
        # gso_code, unit_name, fee_dossiers (C), paid_online_dossiers (D)
        data = self.csv_row(fee_dossiers=3, paid_online_dossiers=5)
        self.assert_refused(
            data, row=2, column="D", says=EXTRA_COUNT_FIELDS["paid_online_dossiers"]
        )

    def test_it_refuses_an_extra_larger_than_the_standard_count_of_the_row(self) -> None:
        # gso_code, unit_name, feedback_received (C), feedback_on_time (D), overdue (E)
        data = self.csv_row(feedback_received=4, feedback_on_time=1, feedback_overdue=5)
        self.assert_refused(data, row=2, column="E", says="không được lớn hơn")

    def test_it_refuses_new_counts_that_break_an_identity_with_the_kept_extras(self) -> None:
        # The file lowers the feedback received below the dissatisfied ones stored (1).
        data = self.csv_row(feedback_received=0, feedback_on_time=0)
        self.assert_refused(
            data, row=2, column="", says=EXTRA_COUNT_FIELDS["feedback_dissatisfied"]
        )
        # The file's part above the whole stored (fee-bearing dossiers: 9).
        paid = self.extras["fee_dossiers"] + 1
        self.assert_refused(
            self.csv_row(paid_online_dossiers=paid), row=2, column="", says="số đã lưu"
        )

    def test_it_refuses_a_negative_or_broken_extra_cell(self) -> None:
        for value, says in (("-2", "không được âm"), ("abc", "không phải là số")):
            with self.subTest(value):
                self.assert_refused(
                    self.csv_row(synced_dossiers=value),
                    row=2,
                    column="C",
                    says=says,
                    where=f"Ô C2 ({EXTRA_COUNT_FIELDS['synced_dossiers']})",
                )

    # ------------------------------------------------------------------ appendix, preview

    def test_it_ignores_extras_added_at_the_end_of_an_appendix(self) -> None:
        def edit(ws: Worksheet) -> None:
            extra = ws.max_column + 1
            ws.cell(row=5, column=extra, value=EXTRA_COUNT_FIELDS["fee_dossiers"])
            for row in range(10, ws.max_row + 1):
                ws.cell(row=row, column=extra, value=99)

        preview = self.preview(seed_xlsx(edit), period=self.h2_spec)
        self.assertEqual(preview.analysis.kind, "appendix")
        self.assertNotIn("fee_dossiers", preview.analysis.fields)
        self.assertEqual(self.messages(preview.analysis), [])
        figures_import_commit(batch=preview.batch, user=self.district)
        stored = UnitFigures.objects.filter(period__code=self.h2_spec.code)
        self.assertEqual(len(stored), 18)
        self.assertEqual({f.fee_dossiers for f in stored}, {None})

    def test_it_shows_the_extras_in_the_preview(self) -> None:
        self.login(self.district)
        preview = self.preview(self.csv_row(received=5, fee_dossiers=2), "them.csv")
        response = self.client.get(reverse("indicators:import_preview", args=[preview.batch.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, EXTRA_COUNT_FIELDS["fee_dossiers"])
