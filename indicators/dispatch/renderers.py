"""The dispatch as files: the .docx and the .xlsx appendix."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from indicators.dispatch.drafting import Dispatch
from indicators.dispatch.selectors import DispatchData
from indicators.domain.formatting import format_date_vi
from indicators.io.appendix_write import appendix_write_xlsx

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

# Characters XML 1.0 forbids (python-docx refuses them): a name pasted from elsewhere must
# not make the download fail.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def dispatch_docx(dispatch: Dispatch) -> bytes:
    """The draft as an editable Word document. Text is written as plain runs: Word never
    evaluates it, so a name starting with "=", "+", "-" or "@" stays text."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    document.core_properties.title = _clean(dispatch.subject)
    document.core_properties.language = "vi-VN"

    def paragraph(
        text: str = "", *, bold: bool = False, center: bool = False, italic: bool = False
    ) -> Paragraph:
        p = document.add_paragraph()
        if text:
            run = p.add_run(_clean(text))
            run.bold = bold
            run.italic = italic
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    for line in dispatch.issuer_lines:
        paragraph(line, bold=True, center=True)
    paragraph(dispatch.number_line, center=True)
    paragraph(dispatch.subject, italic=True, center=True)
    paragraph("Kính gửi:", bold=True)
    for recipient in dispatch.recipients:
        paragraph(f"- {recipient}")
    for note in dispatch.notes:
        paragraph(note, italic=True)
    body = paragraph(dispatch.intro)
    body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for section in dispatch.sections:
        p = document.add_paragraph()
        p.add_run(_clean(section.heading)).bold = True
        if section.targets:
            p.add_run(" " + _clean(section.targets))
        for text in section.paragraphs:
            paragraph(text).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        formula = paragraph(f"({section.formula})", italic=True)
        formula.runs[0].font.size = Pt(11)
    if dispatch.no_data_line:
        paragraph(dispatch.no_data_line, italic=True)
    paragraph(dispatch.closing)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- appendix


def appendix_unit_label(unit_type: str, name: str) -> str:
    """ "UBND phường Bồng Sơn", as the appendix of Hoài Nhơn's H1 2023 dispatch names its rows."""
    return f"UBND {unit_type.lower()} {name}"


def dispatch_appendix_xlsx(data: DispatchData) -> bytes:
    """The appendix (Phụ lục) of the dispatch: the desk and every child with stored
    counts, in the official layout. Units without figures have no row (a blank row would
    blank the totals); the dispatch text names them."""
    parent, period = data.parent, data.period
    desk = (
        [(appendix_unit_label(parent.unit_type, parent.name), data.desk_counts)]
        if data.desk_counts is not None
        else []
    )
    children = [
        (appendix_unit_label(unit.unit_type, unit.name), counts)
        for unit, counts in data.children_counts
    ]
    title = f"TỔNG HỢP CÁC CHỈ SỐ DỊCH VỤ HÀNH CHÍNH CÔNG {period.label_vi.upper()}"
    period_label = (
        f"(Kèm theo Văn bản số:      /UBND-VP ngày      của UBND {parent.unit_type.lower()} "
        f"{parent.name}; số liệu từ {format_date_vi(period.start)} đến "
        f"{format_date_vi(period.end)})"
    )
    return appendix_write_xlsx(
        title=title,
        period_label=period_label,
        # counts() gives None for a count not reported, which the writer leaves empty.
        district_rows=desk,
        commune_rows=children,
    )
