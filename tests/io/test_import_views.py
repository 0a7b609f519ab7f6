"""Import pages: upload, preview, commit, access."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import ImportBatch, UnitFigures
from tests.io.test_import_service import H2, ImportCase, csv_bytes, seed_xlsx


class ImportViewsTestCase(ImportCase):
    def upload(self, data: bytes, filename: str = "phu-luc.xlsx", period: str = H2, parent=None):
        return self.client.post(
            reverse("indicators:import_upload"),
            {
                "parent": (parent or self.hoai_nhon).pk,
                "period": period,
                "file": SimpleUploadedFile(filename, data),
            },
        )

    def test_it_requires_login(self) -> None:
        response = self.client.get(reverse("indicators:import_upload"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("dang-nhap", response["Location"])

    def test_it_shows_the_upload_form_with_the_users_units(self) -> None:
        self.login(self.district)
        response = self.client.get(reverse("indicators:import_upload"))
        self.assertContains(response, "Thị xã Hoài Nhơn")
        self.assertContains(response, 'name="file"')
        self.assertNotContains(response, "Đức Phổ")

    def test_it_uploads_previews_and_commits(self) -> None:
        self.login(self.district)
        response = self.upload(seed_xlsx(lambda ws: ws.__setitem__("Q12", "70,5")))
        batch = ImportBatch.objects.get()
        self.assertRedirects(response, reverse("indicators:import_preview", args=[batch.pk]))
        page = self.client.get(response["Location"])
        self.assertContains(page, "Phường Bồng Sơn")
        self.assertContains(page, "1.087")  # Bồng Sơn total, Vietnamese grouping
        self.assertContains(page, "61,72 %")  # online rate recomputed
        self.assertContains(page, 'id="warning-count">1<')
        self.assertContains(page, 'id="error-count">0<')
        self.assertContains(page, "Ghi vào hệ thống")
        self.assertEqual(page.content.decode().count("<tr data-row="), 18)

        response = self.client.post(reverse("indicators:import_commit", args=[batch.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("indicators:ranking"), response["Location"])
        self.assertIn("period=2023-H2-CAL", response["Location"])
        self.assertEqual(UnitFigures.objects.filter(period__code=H2).count(), 18)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.COMMITTED)
        again = self.client.post(reverse("indicators:import_commit", args=[batch.pk]), follow=True)
        self.assertContains(again, "không ghi lại được")

    def test_it_hides_the_commit_button_when_the_file_has_errors(self) -> None:
        self.login(self.district)
        response = self.upload(seed_xlsx(lambda ws: ws.__setitem__("B12", "Phường Không Có")))
        page = self.client.get(response["Location"])
        self.assertContains(page, "không tìm thấy đơn vị «Phường Không Có»")
        self.assertContains(page, 'id="error-count">1<')
        self.assertNotContains(page, 'id="commit-form"')
        batch = ImportBatch.objects.get()
        self.client.post(reverse("indicators:import_commit", args=[batch.pk]))
        self.assertFalse(UnitFigures.objects.filter(period__code=H2).exists())

    def test_it_shows_a_refused_file_on_the_form(self) -> None:
        self.login(self.district)
        response = self.upload(b"%PDF-1.4", "phu-luc.pdf")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Tệp là PDF, không phải bảng tính", status_code=400)
        self.assertContains(response, "Excel 97–2003 .xls, LibreOffice .ods", status_code=400)
        self.assertFalse(ImportBatch.objects.exists())

    def test_it_refuses_a_bad_period_code(self) -> None:
        self.login(self.district)
        response = self.upload(seed_xlsx(), period="2023-H3-CAL")
        self.assertContains(response, "Kỳ báo cáo không hợp lệ", status_code=400)

    def test_it_refuses_a_parent_outside_the_users_scope(self) -> None:
        self.login(self.outsider)
        response = self.upload(seed_xlsx())
        self.assertEqual(response.status_code, 400)  # not among the choices
        self.assertFalse(ImportBatch.objects.exists())

    def test_it_hides_other_users_batches(self) -> None:
        self.login(self.district)
        self.upload(seed_xlsx())
        batch = ImportBatch.objects.get()
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(reverse("indicators:import_preview", args=[batch.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.post(reverse("indicators:import_commit", args=[batch.pk])).status_code, 404
        )
        self.login(self.admin)
        self.assertEqual(
            self.client.get(reverse("indicators:import_preview", args=[batch.pk])).status_code, 200
        )

    def test_it_lets_a_commune_official_import_their_own_unit(self) -> None:
        self.login(self.commune)
        data = "gso_code,received,received_in_person,received_online\n21685,9,4,5\n21640,5,5,0\n"
        response = self.upload(data.encode(), "x.csv", parent=self.hoai_duc)
        page = self.client.get(response["Location"])
        self.assertContains(page, "không thuộc Phường Hoài Đức")
        self.assertNotContains(page, 'id="commit-form"')


class LargeFileTestCase(ImportCase):
    """A file of many bad rows: the stored report keeps the first problems only, and the
    preview shows its rows a page at a time."""

    def test_it_keeps_the_first_problems_and_pages_the_rows(self) -> None:
        rows = [["gso_code", "unit_name", "received"]]
        rows += [[f"9{n:04d}", f"Xã Không Có {n}", "1"] for n in range(450)]
        self.login(self.district)
        response = self.client.post(
            reverse("indicators:import_upload"),
            {
                "parent": self.hoai_nhon.pk,
                "period": H2,
                "file": SimpleUploadedFile("lon.csv", csv_bytes(rows)),
            },
        )
        batch = ImportBatch.objects.get()
        report = batch.report
        self.assertEqual(len(report["problems"]), 200)
        self.assertEqual(
            report["error_count"], len(report["problems"]) + report["problems_left_out"]
        )
        self.assertGreaterEqual(report["problems_left_out"], 250)

        page = self.client.get(response["Location"])
        self.assertContains(page, 'id="row-count">450<')
        self.assertContains(page, f"và {report['problems_left_out']} lỗi/cảnh báo khác")
        self.assertEqual(page.content.decode().count("<tr data-row="), 200)
        self.assertContains(page, "Trang 1/3")
        last = self.client.get(response["Location"], {"trang": "3"})
        self.assertEqual(last.content.decode().count("<tr data-row="), 50)
        self.assertEqual(self.client.get(response["Location"], {"trang": "x"}).status_code, 200)
