"""Hostile unit names and comments, rendered everywhere they are shown: escaped in the
HTML pages and in the Plotly JSON (hover texts included), verbatim in the .docx, and never
a formula in the .xlsx and CSV files."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import docx
import openpyxl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from indicators.models import (
    FiguresChange,
    FiguresStatus,
    Target,
    UnitFigures,
)
from tests.fuzz_strategies import (
    FORMULA_STARTS,
    FUZZ,
    UNIT_TYPE_NAMES,
    UNIT_TYPES,
    FuzzTestCase,
    escaped_forms,
    formula_text,
    hostile_text,
    marked,
    payload_chunks,
    shown_names,
)
from units.models import AdministrativeUnit

PERIOD = "2023-H1-CAL"
H1 = {"parent": "543", "period": PERIOD}
JSON_SCRIPT = re.compile(r'<script id="([^"]*)" type="application/json">(.*?)</script>', re.S)


# Every example here renders a dozen pages or downloads (seconds each), so each test puts
# every payload through every sink in a few explicit examples (payload_chunks) and then
# draws only a few more at random: every payload is certain to be tried, in fewer examples
# than drawing a dozen at random, which may never pick some of them.
FUZZ_PAGES = settings(FUZZ, max_examples=3)
NAMES, COMMENTS = payload_chunks(140), payload_chunks(300)


def with_examples(examples: list[dict[str, str]]) -> Callable[[Any], Any]:
    """Hypothesis's @example, once per keyword dict."""

    def decorate(test: Any) -> Any:
        for kwargs in reversed(examples):
            test = example(**kwargs)(test)
        return test

    return decorate


def type_starting(start: str) -> str:
    return next(name for name in UNIT_TYPE_NAMES if name.startswith(start))


# Each formula start in each place (name, type, parent's name, parent's type) once.
FORMULA_EXAMPLES = [
    {
        "name": (FORMULA_STARTS[(i + 2) % 4] + NAMES[i])[:140],
        "unit_type": type_starting(start),
        "parent_name": (FORMULA_STARTS[(i + 3) % 4] + NAMES[(i + 1) % 4])[:140],
        "parent_type": type_starting(FORMULA_STARTS[(i + 1) % 4]),
    }
    for i, start in enumerate(FORMULA_STARTS)
]


def json_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


class FuzzOutputsBase(FuzzTestCase):
    figures: UnitFigures

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.create_plan_with_target(year=2023)
        cls.figures = UnitFigures.objects.get(unit=cls.hoai_duc, period__code=PERIOD)

    def rename(self, unit: AdministrativeUnit, name: str, unit_type: str | None = None) -> None:
        fields = {"name": name}
        if unit_type is not None:
            fields["unit_type"] = unit_type
        AdministrativeUnit.objects.filter(pk=unit.pk).update(**fields)
        unit.refresh_from_db()


class HtmlEscapingTestCase(FuzzOutputsBase):
    def check_html(self, html: str, allowed: set[str], where: str) -> int:
        """Every shown name or comment is in an escaped form; JSON blocks hold no raw "<"
        and their strings (Plotly hover texts, labels) hold the name HTML-escaped."""
        shown = 0
        for block_id, content in JSON_SCRIPT.findall(html):
            self.assertNotIn("<", content, f"{where} #{block_id}: raw < in JSON")
            for text in json_strings(json.loads(content)):
                for segment in shown_names(text):
                    shown += 1
                    self.assertIn(segment, allowed, f"{where} #{block_id}: {text!r}")
        rest = JSON_SCRIPT.sub("", html)
        for segment in shown_names(rest):
            shown += 1
            self.assertIn(segment, allowed, f"{where}: {segment!r} is not escaped")
        return shown

    @FUZZ_PAGES
    @given(name=hostile_text(), comment=hostile_text(300))
    @with_examples(
        [{"name": name, "comment": COMMENTS[i % len(COMMENTS)]} for i, name in enumerate(NAMES)]
    )
    def test_it_escapes_names_and_comments_on_every_page(self, name: str, comment: str) -> None:
        self.rename(self.hoai_duc, marked(name))
        UnitFigures.objects.filter(pk=self.figures.pk).update(
            status=FiguresStatus.DRAFT, review_comment=marked(comment)
        )
        FiguresChange.objects.create(
            figures=self.figures, action=FiguresChange.Action.RETURN, comment=marked(comment)
        )
        Target.objects.filter(pk=self.target.pk).update(reason=marked(comment))
        allowed = escaped_forms(name) | escaped_forms(comment)
        duc = self.hoai_duc.pk
        pages = [
            ("/xep-hang/", {**H1, "indicator": "online", "unit": "21685"}),
            ("/xep-hang/", {**H1, "indicator": "all"}),
            ("/tong-hop/", H1),
            (f"/don-vi/{duc}/", {}),
            ("/so-lieu/", H1),
            (f"/so-lieu/{duc}/{PERIOD}/", {}),
            (f"/so-lieu/{duc}/{PERIOD}/lich-su/", {}),
            (f"/chi-tieu/{self.plan.pk}/", {}),
            (f"/chi-tieu/{self.plan.pk}/muc/{self.target.pk}/", {}),
            ("/cong-van/", H1),
        ]
        self.login(self.district)
        for url, data in pages:
            response = self.client.get(url, data)
            self.assertEqual(response.status_code, 200, url)
            shown = self.check_html(response.content.decode(), allowed, url)
            self.assertGreater(shown, 0, f"{url} does not show the unit at all")

    def test_it_escapes_names_in_plotly_hover_texts(self) -> None:
        self.rename(self.hoai_duc, "<b>x</b>")
        self.login(self.district)
        response = self.client.get("/xep-hang/", {**H1, "indicator": "online", "unit": "21685"})
        html = response.content.decode()
        blocks = dict(JSON_SCRIPT.findall(html))
        for block_id in ("ranking-chart-data", "trend-chart-data"):
            self.assertNotIn("<", blocks[block_id])
            texts = json_strings(json.loads(blocks[block_id]))
            self.assertTrue(any("&lt;b&gt;x&lt;/b&gt;" in t for t in texts), block_id)
            self.assertFalse(any("<b>x</b>" in t for t in texts), block_id)
        bars = json.loads(blocks["ranking-chart-data"])["data"][0]
        hover = next(t for t in bars["customdata"] if "x&lt;/b&gt;" in t)
        self.assertIn("<b>Phường &lt;b&gt;x&lt;/b&gt;</b>", hover)  # the portal's own bold
        self.assertNotIn("<b>x</b>", html.replace("&lt;b&gt;x&lt;/b&gt;", ""))


class DocumentsTestCase(FuzzOutputsBase):
    @FUZZ_PAGES
    @given(name=hostile_text())
    @with_examples([{"name": name} for name in NAMES])
    def test_it_writes_the_name_verbatim_in_the_dispatch_docx(self, name: str) -> None:
        self.rename(self.hoai_duc, marked(name))
        self.login(self.district)
        response = self.client.get("/cong-van/tai-docx/", H1)
        self.assertEqual(response.status_code, 200)
        content = response.content
        document = docx.Document(io.BytesIO(content))
        text = "\n".join(p.text for p in document.paragraphs)
        shown = shown_names(text)
        self.assertTrue(shown)
        for segment in shown:
            self.assertEqual(segment, name)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.read("word/document.xml").decode()
        for field_code in ("fldSimple", "instrText", "fldChar", "w:hyperlink"):
            self.assertNotIn(field_code, xml)


def cell_text_ok(value: str) -> bool:
    """A CSV cell a spreadsheet would not run: numbers, or text not starting like a
    formula (the exports put an apostrophe before such text)."""
    try:
        Decimal(value)
    except InvalidOperation:
        return not value.startswith(FORMULA_STARTS)
    return True


class SpreadsheetsTestCase(FuzzOutputsBase):
    def read_xlsx(self, content: bytes, where: str, problems: list[str]) -> list[str]:
        """Every text cell of every sheet (hidden ones too); a formula cell is a problem."""
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        texts = []
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        problems.append(
                            f"{where} {sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                        )
                    elif isinstance(cell.value, str):
                        texts.append(cell.value)
        return texts

    def read_csv(self, content: bytes, where: str, problems: list[str]) -> list[str]:
        text = content.decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        problems += [f"{where}: {c!r} would run as a formula" for c in cells if not cell_text_ok(c)]
        return cells

    def check_downloads(self) -> list[str]:
        """Every spreadsheet download of Hoài Nhơn H1 2023 as the district office."""
        full = self.hoai_duc.full_name
        label = f"UBND {self.hoai_duc.unit_type.lower()} {self.hoai_duc.name}"
        self.login(self.district)
        problems: list[str] = []
        xlsx = [
            ("/xuat/phu-luc.xlsx", H1, full),
            ("/nhap-tep/mau.xlsx", H1, full),
            ("/xep-hang/du-lieu/bars.xlsx", {**H1, "indicator": "online"}, full),
            ("/xep-hang/du-lieu/heatmap.xlsx", {**H1, "indicator": "all"}, full),
            ("/xep-hang/du-lieu/trend.xlsx", {**H1, "indicator": "online", "unit": "21685"}, None),
            ("/cong-van/tai-xlsx/", H1, label),
        ]
        for url, data, expected in xlsx:
            response = self.client.get(url, data)
            self.assertEqual(response.status_code, 200, url)
            texts = self.read_xlsx(response.content, url, problems)
            if expected is not None and expected not in texts:
                problems.append(f"{url}: {expected!r} does not read back as text")
        quoted = "'" + full if full.startswith(FORMULA_STARTS) else full
        csvs = [
            ("/xuat/so-lieu.csv", H1),
            ("/so-lieu/nhac-nho.csv", H1),
            ("/xep-hang/du-lieu/bars.csv", {**H1, "indicator": "online"}),
            ("/xep-hang/du-lieu/heatmap.csv", {**H1, "indicator": "all"}),
        ]
        for url, data in csvs:
            response = self.client.get(url, data)
            self.assertEqual(response.status_code, 200, url)
            content = b"".join(response) if response.streaming else response.content
            if quoted not in self.read_csv(content, url, problems):
                problems.append(f"{url}: {quoted!r} does not read back")
        return problems

    def prepare(self, name: str, unit_type: str, parent_name: str, parent_type: str) -> None:
        self.rename(self.hoai_duc, name, unit_type)
        self.rename(self.hoai_nhon, parent_name, parent_type)
        # Not approved: the unit is then also on the reminder list. Submitted, not a draft:
        # drafts stay out of the exports and the dispatch, whose names are checked too.
        UnitFigures.objects.filter(pk=self.figures.pk).update(status=FiguresStatus.SUBMITTED)

    def test_it_writes_formula_like_names_as_text_in_every_download(self) -> None:
        """The plain case, without Hypothesis: unit and parent names that start like a
        formula once the type is written before them."""
        self.prepare("x", '=HYPERLINK("http://evil.example","bấm")', "y", "=1+1")
        problems = self.check_downloads()
        self.assertEqual(problems, [], "\n".join(problems))

    @FUZZ_PAGES
    @given(
        name=st.one_of(formula_text(), hostile_text()),
        unit_type=UNIT_TYPES,
        parent_name=st.one_of(formula_text(), hostile_text()),
        parent_type=UNIT_TYPES,
    )
    @with_examples(FORMULA_EXAMPLES)
    def test_it_writes_no_spreadsheet_cell_as_a_formula(
        self, name: str, unit_type: str, parent_name: str, parent_type: str
    ) -> None:
        self.prepare(name, unit_type, parent_name, parent_type)
        problems = self.check_downloads()
        self.assertEqual(problems, [], "\n".join(problems))
