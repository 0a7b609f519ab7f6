"""The dispatch .docx in the layout of Decree 30/2020/NĐ-CP, Appendix I: page, margins,
font, the two-column title block, every section of Hoài Nhơn's H1 2023 dispatch (seed 004,
the oracle) with its figures and names, the assessment, the directives, "Nơi nhận" and the
signature block, read back with python-docx."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
from django.conf import settings
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Length
from docx.text.paragraph import Paragraph
from openpyxl.worksheet.worksheet import Worksheet

from indicators.dispatch.drafting import Dispatch, dispatch_build
from indicators.dispatch.renderers import dispatch_appendix_xlsx, dispatch_docx
from indicators.dispatch.selectors import dispatch_data
from indicators.domain import periods
from indicators.domain.formatting import format_int_vi
from indicators.domain.formulas import rate, round_rate
from indicators.models import FiguresStatus, Indicator, Period, Target, TargetPlan, UnitFigures
from tests.base import BaseTestCase
from units.models import AdministrativeUnit
from units.selectors import unit_by_code


def seed_rows() -> list[dict[str, str]]:
    path = Path(settings.BASE_DIR) / "fixtures" / "hoai_nhon_2023_h1.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def short(row: dict[str, str]) -> str:
    return row["unit_name"].split(" ", 2)[2]  # "UBND phường Hoài Đức" -> "Hoài Đức"


def mm(length: Length | None) -> float:
    assert length is not None, "python-docx read no value"
    return float(length.mm)


def all_paragraphs(document: DocxDocument) -> list[Paragraph]:
    """Body paragraphs and those inside the layout tables, in document order."""
    found: list[Paragraph] = []
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            found.append(Paragraph(block, document))
        elif block.tag == qn("w:tbl"):
            table = next(t for t in document.tables if t._tbl is block)
            for row in table.rows:
                for cell in row.cells:
                    found.extend(cell.paragraphs)
    return found


def full_text(document: DocxDocument) -> str:
    return "\n".join(p.text for p in all_paragraphs(document))


class DispatchDocxTestCase(BaseTestCase):
    def draft(self) -> Dispatch:
        period = Period.objects.get(code="2023-H1-CAL")
        return dispatch_build(dispatch_data(parent=self.hoai_nhon, period=period))

    def document(self) -> DocxDocument:
        return docx.Document(io.BytesIO(dispatch_docx(self.draft())))

    def section_text(self, document: DocxDocument, heading_part: str) -> str:
        """The paragraphs from the section's heading to the next numbered heading."""
        lines = [p.text for p in document.paragraphs]
        numbered = re.compile(r"^\d+\. ")
        start = next(i for i, t in enumerate(lines) if numbered.match(t) and heading_part in t)
        end = next(
            (i for i in range(start + 1, len(lines)) if numbered.match(lines[i])), len(lines)
        )
        return "\n".join(lines[start:end])

    def test_it_lays_out_an_a4_portrait_page_with_the_decree_margins_and_font(self) -> None:
        document = self.document()
        section = document.sections[0]
        self.assertEqual(round(mm(section.page_width)), 210)
        self.assertEqual(round(mm(section.page_height)), 297)
        self.assertGreater(mm(section.page_height), mm(section.page_width))
        for margin, low, high in (
            (section.top_margin, 20, 25),
            (section.bottom_margin, 20, 25),
            (section.left_margin, 30, 35),
            (section.right_margin, 15, 20),
        ):
            self.assertTrue(low <= round(mm(margin), 1) <= high, mm(margin))
        normal = document.styles["Normal"]
        self.assertEqual(normal.font.name, "Times New Roman")
        self.assertIn(normal.font.size.pt, (13, 14))
        # No run picks another font.
        names = {r.font.name for p in all_paragraphs(document) for r in p.runs} - {None}
        self.assertLessEqual(names, {"Times New Roman"})

    def test_it_writes_the_title_block_in_two_columns_without_borders(self) -> None:
        document = self.document()
        header = document.tables[0]
        self.assertIs(header._tbl, document.element.body[0])  # first thing on the page
        left = header.cell(0, 0).paragraphs
        right = header.cell(0, 1).paragraphs
        self.assertEqual([p.text for p in left], ["ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀI NHƠN"])
        self.assertTrue(all(r.bold for p in left for r in p.runs))
        self.assertEqual(
            [p.text for p in right],
            ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
        )
        self.assertTrue(all(r.bold for p in right for r in p.runs))
        # The solid rule under the motto and under the issuing body.
        for paragraph in (right[1], left[1]):
            self.assertIsNotNone(
                paragraph._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")
            )
        number, subject = (p.text for p in header.cell(1, 0).paragraphs)
        self.assertRegex(number, r"^Số: +/UBND-VP$")
        self.assertTrue(subject.startswith("V/v "))
        place_date = header.cell(1, 1).paragraphs[0]
        self.assertRegex(place_date.text, r"^Hoài Nhơn, ngày +tháng 07 năm 2023$")
        self.assertTrue(all(r.italic for r in place_date.runs))
        borders = header._tbl.tblPr.find(qn("w:tblBorders"))
        self.assertEqual(
            {edge.get(qn("w:val")) for edge in borders}, {"nil"}, "the title block prints no lines"
        )
        self.assertEqual(len(borders), 6)
        text = full_text(document)
        self.assertIn("Kính gửi:", text)
        self.assertIn("- Ủy ban nhân dân các xã, phường.", text)

    def test_it_gives_the_dossier_totals_per_tier_and_the_late_units(self) -> None:
        rows = seed_rows()
        desk = next(r for r in rows if r["level"] == "district")
        communes = [r for r in rows if r["level"] == "commune"]

        def totals(group: list[dict[str, str]]) -> tuple[int, int, int]:
            total = sum(int(r["total"]) for r in group)
            resolved = sum(int(r["resolved"]) for r in group)
            return total, resolved, total - resolved

        # The figures the seed document's text gives, checked against its appendix.
        self.assertEqual(totals([desk]), (11232, 10796, 436))
        self.assertEqual(totals(communes), (14972, 14749, 223))
        late = sorted(short(r) for r in communes if int(r["resolved_late"]) > 0)
        self.assertEqual(late, ["Bồng Sơn", "Hoài Châu", "Hoài Thanh"])

        text = self.section_text(self.document(), "đúng hạn")
        desk_line = next(line for line in text.splitlines() if line.startswith("- Cấp huyện:"))
        commune_line = next(line for line in text.splitlines() if line.startswith("- Cấp xã:"))
        for line, group in ((desk_line, [desk]), (commune_line, communes)):
            total, resolved, in_progress = (format_int_vi(n) for n in totals(group))
            self.assertIn(f": {total} hồ sơ", line)
            self.assertIn(f"tổng số hồ sơ đã giải quyết: {resolved} hồ sơ", line)
            self.assertIn(f"hồ sơ đang giải quyết: {in_progress} hồ sơ", line)
        self.assertIn("trễ hạn: 0 hồ sơ", desk_line)
        self.assertIn("trả trước và đúng hạn: 14.746 hồ sơ, trễ hạn: 03 hồ sơ", commune_line)
        for name in late:
            self.assertRegex(commune_line, rf"(phường|xã) {name} trễ hạn 01 hồ sơ")

    def test_it_singles_out_the_e_results_units_above_90_and_under_50(self) -> None:
        communes = [r for r in seed_rows() if r["level"] == "commune"]
        rates = {
            short(r): round_rate(
                rate(int(r["results_digitized"]), int(r["resolved"])) or Decimal(0)
            )
            for r in communes
        }
        above = {n for n, v in rates.items() if v > 90}
        under = {n for n, v in rates.items() if v < 50}
        self.assertEqual(above, {"Tam Quan", "Hoài Đức"})  # as the seed document says
        self.assertEqual(under, {"Hoài Phú", "Hoài Hải", "Hoài Hương", "Hoài Tân", "Bồng Sơn"})
        text = self.section_text(self.document(), "kết quả điện tử")
        above_line = next(line for line in text.splitlines() if "trên 90%" in line)
        under_line = next(line for line in text.splitlines() if "dưới 50%" in line)
        self.assertIn(
            "Tuy nhiên, có 02 đơn vị đạt trên 90% gồm: Tam Quan 96,51%; Hoài Đức 93,64%", above_line
        )
        self.assertIn("Có 05 xã, phường dưới 50%", under_line)
        for name in under:
            self.assertIn(f"{name}: ", under_line)
        for name in above:
            self.assertNotIn(name, under_line)

    def test_it_words_the_published_payment_and_population_rates_and_marks_them(self) -> None:
        document = self.document()
        communes = [r for r in seed_rows() if r["level"] == "commune"]
        payment = self.section_text(document, "thanh toán")
        self.assertIn("(số liệu công bố)", payment.splitlines()[0])
        self.assertIn("cấp huyện đạt 66,88% (đạt chỉ tiêu tỉnh và thị xã giao)", payment)
        for row in communes:
            shown = f"{Decimal(row['published_online_payment_rate']):.2f}".replace(".", ",")
            self.assertRegex(payment, rf"{short(row)}:? {shown}%")
        # Under the province's 35 %: the original's two, with their shortfall named.
        self.assertIn(
            "Có 02 đơn vị dưới 35% là Hoài Thanh Tây: 34,41%; Hoài Hương: 31,67% "
            "(dưới mức chỉ tiêu tỉnh giao: 35%)",
            payment,
        )
        self.assertIn("Hoài Hương thiếu 23,33%", payment)
        population = self.section_text(document, "dân cư")
        self.assertIn("(số liệu công bố)", population.splitlines()[0])
        at_100 = sorted(
            short(r) for r in communes if Decimal(r["published_population_db_rate"]) >= 100
        )
        self.assertIn(f"có {len(at_100)}/17 đơn vị xã, phường đạt vượt chỉ tiêu", population)
        for name in at_100:
            self.assertIn(f"{name} 100,00%", population)
        self.assertIn("Hoài Thanh Tây: 40,10%", population)
        self.assertNotIn("chưa có số liệu trong kỳ: Tỷ lệ thanh toán", full_text(document))

    def test_it_orders_the_sections_as_the_original(self) -> None:
        headings = [s.heading for s in self.draft().sections]
        self.assertEqual([h.split(".")[0] for h in headings], [str(i) for i in range(1, 8)])
        self.assertIn("đúng hạn", headings[0])
        self.assertIn("trực tuyến", headings[1])
        self.assertIn("thanh toán", headings[2])
        self.assertIn("dân cư", headings[3])
        self.assertIn("số hóa hồ sơ", headings[4])
        self.assertIn("kết quả điện tử", headings[5])

    def test_it_concludes_and_directs_from_the_data(self) -> None:
        document = self.document()
        text = full_text(document)
        self.assertNotIn("[Phần yêu cầu", text)
        self.assertIn(
            "hiện nay chỉ có chỉ số tỷ lệ thanh toán trực tuyến đạt chỉ tiêu đề ra, "
            "các chỉ số còn lại chưa đạt.",
            text,
        )
        directives = [
            p.text for p in document.paragraphs if p.text[:3] in {f"{i}. " for i in range(1, 10)}
        ]
        directives = [d for d in directives if "Yêu cầu" in d or "quán triệt" in d]
        self.assertEqual(
            [d.split(".")[0] for d in directives], [str(i) for i in range(1, len(directives) + 1)]
        )
        online = next(d for d in directives if "hồ sơ trực tuyến" in d and "thấp nhất" in d)
        self.assertIn("Hoài Hương (37,01%), Hoài Hải (45,54%), Hoài Thanh Tây (52,02%)", online)
        e_results = next(d for d in directives if "kết quả điện tử" in d and "thấp nhất" in d)
        self.assertIn("Hoài Phú (26,24%)", e_results)
        late = next(d for d in directives if "trễ hạn" in d)
        self.assertIn("Bồng Sơn, Hoài Châu, Hoài Thanh", late)
        self.assertIn("báo cáo giải trình", late)
        # Payment met: no directive naming its lowest units.
        self.assertFalse(any("thanh toán" in d and "thấp nhất" in d for d in directives))
        self.assertTrue(text.rstrip().endswith("[Họ và tên người ký]"))

    def test_it_ends_with_the_recipients_and_the_signature_block(self) -> None:
        document = self.document()
        footer = document.tables[-1]
        copies = footer.cell(0, 0).paragraphs
        self.assertEqual(copies[0].text, "Nơi nhận:")
        self.assertTrue(copies[0].runs[0].bold and copies[0].runs[0].italic)
        self.assertEqual(copies[0].runs[0].font.size.pt, 12)
        lines = [p.text for p in copies[1:]]
        self.assertEqual(lines[0], "- Như trên;")
        self.assertEqual(lines[-1], "- Lưu: VT, VP.")
        self.assertTrue(all(r.font.size.pt <= 12 for p in copies[1:] for r in p.runs))
        signature = [p for p in footer.cell(0, 1).paragraphs if p.text]
        self.assertEqual(
            [p.text for p in signature], ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "[Họ và tên người ký]"]
        )
        self.assertTrue(all(r.bold for p in signature for r in p.runs))
        self.assertIsNone(
            footer._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top")).get(qn("w:sz"))
        )


class ProvinceDispatchTestCase(BaseTestCase):
    """The two-tier era: Gia Lai (52) writing to its communes about a 2026 month."""

    TODAY = dt.date(2026, 6, 30)

    def setUp(self) -> None:
        self.gia_lai = unit_by_code("52", on=self.TODAY, level="province")
        self.period = Period.objects.for_spec(periods.month(2026, 5, periods.Convention.DECREE09))
        children = list(AdministrativeUnit.objects.filter(parent=self.gia_lai).order_by("name")[:4])
        self.assertEqual(len(children), 4)
        self.good, self.weak, self.late, self.low = children
        plan = TargetPlan.objects.create(issuer=self.gia_lai, year=2026, title="Chỉ tiêu 2026")
        online = Indicator.objects.get(code="online")
        for child in children:
            Target.objects.create(plan=plan, unit=child, indicator=online, value=80)
        for child, received_online, late in (
            (self.good, 95, 0),
            (self.weak, 70, 0),
            (self.late, 85, 2),
            (self.low, 40, 0),
        ):
            UnitFigures.objects.create(
                unit=child,
                period=self.period,
                status=FiguresStatus.SUBMITTED,
                total=110,
                carried_over=10,
                received=100,
                received_online=received_online,
                received_in_person=100 - received_online,
                resolved=90,
                resolved_on_time=90 - late,
                resolved_late=late,
                results_digitized=85 if child == self.good else 30,
            )

    def test_it_drafts_the_province_dispatch_the_same_way(self) -> None:
        draft = dispatch_build(dispatch_data(parent=self.gia_lai, period=self.period))
        document = docx.Document(io.BytesIO(dispatch_docx(draft)))
        header = document.tables[0]
        self.assertEqual(
            [p.text for p in header.cell(0, 0).paragraphs], ["ỦY BAN NHÂN DÂN", "TỈNH GIA LAI"]
        )
        self.assertRegex(
            header.cell(1, 1).paragraphs[0].text, r"^Gia Lai, ngày +tháng 06 năm 2026$"
        )
        self.assertEqual(round(mm(document.sections[0].page_width)), 210)
        text = full_text(document)
        self.assertIn("Toàn tỉnh có 2/", text)
        self.assertIn(f"{self.good.name} 95,00%; {self.late.name} 85,00%", text)
        self.assertIn(f"{self.low.name}: 40,00%", text)
        # The on-time totals of the commune tier: 4 × 110 received, 4 × 90 resolved.
        self.assertIn("tổng số hồ sơ đã giải quyết: 360 hồ sơ", text)
        self.assertIn("hồ sơ đang giải quyết: 80 hồ sơ", text)
        self.assertIn(f"{self.late.name} trễ hạn 02 hồ sơ", text)
        self.assertIn(f"có hồ sơ giải quyết trễ hạn: {self.late.name}.", text)
        self.assertIn(
            f"có kết quả thấp nhất là {self.low.name} (40,00%), {self.weak.name} (70,00%)", text
        )
        self.assertIn(f"Có 01 đơn vị đạt trên 90% gồm: {self.good.name} 94,44%", text)
        self.assertIn("Có 03 xã, phường dưới 50% gồm: ", text)
        self.assertIn("đơn vị chưa có số liệu.", text)  # counted, not 131 names
        self.assertIn("Qua số liệu tháng 5 năm 2026, chưa có chỉ số nào đạt chỉ tiêu đề ra.", text)
        self.assertIn("Nơi nhận:", text)
        self.assertIn("KT. CHỦ TỊCH", text)

    def test_it_drafts_the_year_to_date_from_the_months(self) -> None:
        april = Period.objects.for_spec(periods.month(2026, 4, periods.Convention.DECREE09))
        UnitFigures.objects.create(
            unit=self.good,
            period=april,
            status=FiguresStatus.APPROVED,
            total=100,
            carried_over=0,
            received=100,
            received_online=85,
            received_in_person=15,
            resolved=100,
            resolved_on_time=100,
            resolved_late=0,
        )
        ytd_spec = periods.year_to_date(self.period.spec)
        assert ytd_spec is not None
        ytd = Period.objects.for_spec(ytd_spec)
        text = full_text(
            docx.Document(
                io.BytesIO(
                    dispatch_docx(dispatch_build(dispatch_data(parent=self.gia_lai, period=ytd)))
                )
            )
        )
        self.assertIn("từ ngày 15/12/2025 đến ngày 14/05/2026", text)
        # Ratio of sums over the two months: (85 + 95) / (100 + 100).
        self.assertIn(f"{self.good.name} 90,00%", text)
        self.assertIn(f"{self.late.name} 85,00%", text)
        # The page offers the year to date beside the month.
        self.login(self.admin)
        response = self.client.get(
            "/cong-van/", {"parent": self.gia_lai.code, "period": self.period.code}
        )
        self.assertContains(response, "period=2025-12-15..2026-05-14")

    def test_it_prints_the_province_appendix_the_same_way(self) -> None:
        data = dispatch_data(parent=self.gia_lai, period=self.period)
        sheet = openpyxl.load_workbook(io.BytesIO(dispatch_appendix_xlsx(data))).active
        assert isinstance(sheet, Worksheet)
        self.assertEqual(sheet.page_setup.orientation, "landscape")
        self.assertEqual(sheet.page_setup.fitToWidth, 1)
        names = {sheet.cell(row=r, column=2).value for r in range(9, sheet.max_row + 1)}
        self.assertIn(f"UBND {self.low.unit_type.lower()} {self.low.name}", names)
        self.assertIn("của UBND tỉnh Gia Lai", str(sheet.cell(row=3, column=1).value))
