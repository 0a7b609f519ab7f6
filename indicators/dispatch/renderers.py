"""The dispatch as files: the .docx and the .xlsx appendix."""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from indicators.dispatch.drafting import Dispatch
from indicators.dispatch.selectors import DispatchData
from indicators.domain.formatting import format_date_vi
from indicators.io.appendix_layout import VALUE_COLUMNS
from indicators.io.appendix_write import appendix_write_xlsx
from kpi_portal.spreadsheets.sheets import active_sheet

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

# Characters XML 1.0 forbids (python-docx refuses them): a name pasted from elsewhere must
# not make the download fail.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


# The layout of administrative documents under Decree 30/2020/NĐ-CP, Appendix I (see the
# README's dispatch section): A4 portrait, these margins, Times New Roman, the sizes below.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
FONT_NAME = "Times New Roman"
BODY_PT = 14  # body text 13–14
HEADER_PT = 13  # issuing body 12–13, number 13, "V/v" summary 12–13
TITLE_PT = 12  # national title 12–13 (the motto one size larger)
MOTTO_PT = 13
PLACE_DATE_PT = 14  # 13–14, italic
COPIES_HEADING_PT = 12  # "Nơi nhận:" 12, bold italic
COPIES_PT = 11  # the list under it, 11
SIGNATURE_PT = 14  # authority, title and name 13–14, bold
# The header columns (issuing body | national title), within the 165 mm text width.
LEFT_COLUMN_MM, RIGHT_COLUMN_MM = 62, 103


def _insert_in_order(parent: Any, element: Any, successors: tuple[str, ...]) -> None:
    """Word rejects properties out of the schema's order: put `element` before the first
    child that must follow it."""
    from docx.oxml.ns import qn

    names = {qn(f"w:{name}") for name in successors}
    for child in parent:
        if child.tag in names:
            child.addprevious(element)
            return
    parent.append(element)


_TBL_PR_AFTER_BORDERS = ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption")
_P_PR_AFTER_BORDERS = (
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)


def _no_borders(table: Table) -> None:
    """The two-column blocks are laid out with a table that must not print."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _insert_in_order(properties, borders, _TBL_PR_AFTER_BORDERS)


def _widths(table: Table, *millimetres: float) -> None:
    """Column widths in the grid and in every cell (Word reads one, LibreOffice the other)."""
    from docx.shared import Mm

    for column, width in zip(table.columns, millimetres, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, millimetres, strict=True):
            cell.width = Mm(width)


def _rule_below(paragraph: Paragraph, indent_mm: float) -> None:
    """The short solid line under the issuing body and the motto (a bottom border, the
    paragraph indented so the line is about as long as the text above it)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    _insert_in_order(paragraph._p.get_or_add_pPr(), borders, _P_PR_AFTER_BORDERS)


def _page_number_header(document: DocxDocument) -> None:
    """Page numbers from the second page, centred in the top margin (Appendix I)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)


def default_template_docx() -> bytes:
    """The portal's default dispatch template: the layout of Decree 30/2020/NĐ-CP with the
    placeholders of `indicators.dispatch.templating.FIELDS` where the values go. An office
    downloads it, changes it in Word (letterhead, recipients, signer, standard paragraphs)
    and uploads it back; every dispatch is rendered from one of these templates."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(BODY_PT)
    # python-docx sets the Latin font only; Word picks the East Asian and complex-script
    # slots for some Vietnamese characters, so those name Times New Roman too.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT_NAME)
    normal.paragraph_format.space_after = Pt(0)
    document.core_properties.title = "{{ subject }}"
    document.core_properties.language = "vi-VN"
    _page_number_header(document)

    def put(
        p: Paragraph,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        size: float | None = None,
    ) -> Paragraph:
        run = p.add_run(text)
        run.bold = bold
        run.italic = italic
        if size is not None:
            run.font.size = Pt(size)
        return p

    def centred(cell_or_doc: _Cell | DocxDocument, text: str, **style: Any) -> Paragraph:
        p = cell_or_doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return put(p, text, **style)

    def body(
        text: str, *, bold: bool = False, italic: bool = False, indent: bool = True
    ) -> Paragraph:
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.space_before = Pt(6)
        if indent:
            p.paragraph_format.first_line_indent = Mm(10)
        return put(p, text, bold=bold, italic=italic) if text else p

    def tag(text: str, container: _Cell | DocxDocument | None = None) -> None:
        """A paragraph holding only a {%p … %} tag: docxtpl removes it when rendering."""
        (container or document).add_paragraph(text)

    # The header: issuing body and number/summary on the left, national title and motto
    # and the place and date on the right.
    header = document.add_table(rows=2, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    _no_borders(header)
    _widths(header, LEFT_COLUMN_MM, RIGHT_COLUMN_MM)
    left, right = header.cell(0, 0), header.cell(0, 1)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    centred(left, "{{ issuer_lines[0] }}", bold=True, size=HEADER_PT)
    _rule_below(centred(left, "{{ issuer_lines[1] }}", bold=True, size=HEADER_PT), 18)
    centred(right, "{{ national_title }}", bold=True, size=TITLE_PT)
    _rule_below(centred(right, "{{ national_motto }}", bold=True, size=MOTTO_PT), 24)
    left, right = header.cell(1, 0), header.cell(1, 1)
    put(left.paragraphs[0], "{{ number_line }}", size=HEADER_PT)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    centred(left, "{{ subject }}", size=HEADER_PT)
    put(right.paragraphs[0], "{{ place_date }}", italic=True, size=PLACE_DATE_PT)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    greeting = document.add_paragraph()
    greeting.paragraph_format.space_before = Pt(12)
    greeting.paragraph_format.left_indent = Mm(25)
    put(greeting, "Kính gửi:")
    tag("{%p for recipient in recipients %}")
    p = document.add_paragraph()
    p.paragraph_format.left_indent = Mm(45)
    put(p, "- {{ recipient }}")
    tag("{%p endfor %}")
    tag("{%p for note in notes %}")
    body("{{ note }}", italic=True)
    tag("{%p endfor %}")
    body("{{ intro }}")
    tag("{%p for section in sections %}")
    p = body("")
    p.add_run("{{ section.heading }}").bold = True
    p.add_run("{% if section.targets %} {{ section.targets }}{% endif %}")
    tag("{%p for paragraph in section.paragraphs %}")
    body("{{ paragraph }}")
    tag("{%p endfor %}")
    formula = body("({{ section.formula }})", italic=True)
    formula.runs[0].font.size = Pt(COPIES_HEADING_PT)
    tag("{%p endfor %}")
    tag("{%p if no_data_line %}")
    body("{{ no_data_line }}", italic=True)
    tag("{%p endif %}")
    tag("{%p if assessment %}")
    body("{{ assessment }}")
    tag("{%p endif %}")
    tag("{%p for directive in directives %}")
    body("{{ directive }}")
    tag("{%p endfor %}")
    body("{{ closing }}")

    # "Nơi nhận" on the left, the signature block on the right.
    footer = document.add_table(rows=1, cols=2)
    footer.alignment = WD_TABLE_ALIGNMENT.CENTER
    footer.autofit = False
    _no_borders(footer)
    _widths(footer, LEFT_COLUMN_MM + 18, RIGHT_COLUMN_MM - 18)
    copies, signature = footer.cell(0, 0), footer.cell(0, 1)
    heading = copies.paragraphs[0]
    heading.paragraph_format.space_before = Pt(12)
    put(heading, "Nơi nhận:", bold=True, italic=True, size=COPIES_HEADING_PT)
    tag("{%p for line in copies %}", copies)
    put(copies.add_paragraph(), "- {{ line }}", size=COPIES_PT)
    tag("{%p endfor %}", copies)
    first = signature.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first.paragraph_format.space_before = Pt(12)
    put(first, "{{ signer_authority }}", bold=True, size=SIGNATURE_PT)
    centred(signature, "{{ signer_title }}", bold=True, size=SIGNATURE_PT)
    for _ in range(4):  # room for the signature and the seal
        signature.add_paragraph()
    centred(signature, "{{ signer_name }}", bold=True, size=SIGNATURE_PT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def dispatch_docx(dispatch: Dispatch, *, template: bytes | None = None) -> bytes:
    """The draft as an editable Word document, rendered from the office's template (a
    checked upload) or the default one in the layout of Decree 30/2020/NĐ-CP. Values are
    written as escaped text: Word never evaluates them, so a name starting with "=", "+",
    "-" or "@" stays text."""
    from indicators.dispatch.templating import template_render

    return template_render(template or cached_default_template(), dispatch_context(dispatch))


@cache
def cached_default_template() -> bytes:
    return default_template_docx()


def dispatch_context(dispatch: Dispatch) -> dict[str, Any]:
    """The values a template may use (`templating.FIELDS` describes each)."""
    title, motto = dispatch.national_lines
    return {
        "issuer_lines": [_clean(line) for line in dispatch.issuer_lines],
        "national_title": title,
        "national_motto": motto,
        "number_line": _clean(dispatch.number_line),
        "subject": _clean(dispatch.subject),
        "place_date": _clean(dispatch.place_date),
        "recipients": [_clean(r) for r in dispatch.recipients],
        "notes": [_clean(n) for n in dispatch.notes],
        "intro": _clean(dispatch.intro),
        "sections": [
            {
                "heading": _clean(s.heading),
                "targets": _clean(s.targets),
                "paragraphs": [_clean(p) for p in s.paragraphs],
                "formula": _clean(s.formula),
            }
            for s in dispatch.sections
        ],
        "no_data_line": _clean(dispatch.no_data_line),
        "assessment": _clean(dispatch.assessment),
        "directives": [_clean(d) for d in dispatch.directives],
        "closing": _clean(dispatch.closing),
        "copies": [_clean(c) for c in dispatch.copies],
        "signer_authority": _clean(dispatch.signer_authority),
        "signer_title": _clean(dispatch.signer_title),
        "signer_name": _clean(dispatch.signer_name),
    }


# --------------------------------------------------------------------------- appendix


def appendix_unit_label(unit_type: str, name: str) -> str:
    """ "UBND phường Bồng Sơn", as the appendix of Hoài Nhơn's H1 2023 dispatch names its rows."""
    return f"UBND {unit_type.lower()} {name}"


PUBLISHED_NUMBER_FORMAT = '0.00"*"'
PUBLISHED_NOTE = (
    "(*) Tỷ lệ đã công bố, không có số liệu chi tiết: ghi theo số liệu công bố, không cộng "
    "vào các dòng tổng."
)


def _fill_published(sheet: Worksheet, data: DispatchData, labels: dict[str, int]) -> int:
    """Writes the rates published without counts into their empty rate cells, marked "*"
    and italic; returns how many. Totals stay empty: published rates are never summed."""
    columns = {
        code: 3 + i
        for i, (kind, code) in enumerate(VALUE_COLUMNS)
        if kind == "rate" and code in {c for _u, c in data.published}
    }
    filled = 0
    for row in range(1, sheet.max_row + 1):
        unit_id = labels.get(str(sheet.cell(row=row, column=2).value or ""))
        if unit_id is None:
            continue
        for code, column in columns.items():
            published = data.published.get((unit_id, code))
            cell = sheet.cell(row=row, column=column)
            if published is None or cell.value is not None:
                continue  # a rate from counts wins
            cell.value = published.rate
            cell.number_format = PUBLISHED_NUMBER_FORMAT
            cell.font = Font(italic=True)
            filled += 1
    return filled


def dispatch_appendix_xlsx(
    data: DispatchData, *, number: str = "", issued_on: dt.date | None = None
) -> bytes:
    """The appendix (Phụ lục) of the dispatch: the desk and every child with stored
    counts, in the official layout, set up to print; the rates published without counts
    (payment, population database in Hoài Nhơn's H1 2023) filled in and marked. Units
    without figures have no row (a blank row would blank the totals); the dispatch text
    names them."""
    from openpyxl import load_workbook

    parent, period = data.parent, data.period
    desk_label = appendix_unit_label(parent.unit_type, parent.name)
    desk = [(desk_label, data.desk_counts)] if data.desk_counts is not None else []
    children = [
        (appendix_unit_label(unit.unit_type, unit.name), counts)
        for unit, counts in data.children_counts
    ]
    labels = {desk_label: parent.pk} | {
        appendix_unit_label(unit.unit_type, unit.name): unit.pk for unit, _c in data.children_counts
    }
    title = f"TỔNG HỢP CÁC CHỈ SỐ DỊCH VỤ HÀNH CHÍNH CÔNG {period.label_vi.upper()}"
    issued = format_date_vi(issued_on) if issued_on is not None else "     "
    period_label = (
        f"(Kèm theo Văn bản số: {number or '     /UBND-VP'} ngày {issued} của UBND "
        f"{parent.unit_type.lower()} "
        f"{parent.name}; số liệu từ {format_date_vi(period.start)} đến "
        f"{format_date_vi(period.end)})"
    )
    content = appendix_write_xlsx(
        title=title,
        period_label=period_label,
        # counts() gives None for a count not reported, which the writer leaves empty.
        district_rows=desk,
        commune_rows=children,
    )
    workbook = load_workbook(io.BytesIO(content))
    sheet = active_sheet(workbook)
    if _fill_published(sheet, data, labels):
        note = sheet.cell(row=sheet.max_row + 2, column=2, value=PUBLISHED_NOTE)
        note.font = Font(italic=True, size=10)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
