"""How the portal's workbooks print: as offices print them (Decree 30's A4, the header on
every page, numbered pages), so that a downloaded table goes to the printer as it is."""

from __future__ import annotations

from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet


def print_setup(sheet: Worksheet, *, title_rows: str, landscape: bool = True) -> None:
    """A4, one page wide (as many pages down as it takes), `title_rows` ("5:8") repeated
    on every page, "Trang 1/3" in the footer."""
    sheet.page_setup.orientation = (
        sheet.ORIENTATION_LANDSCAPE if landscape else sheet.ORIENTATION_PORTRAIT
    )
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    footer = sheet.oddFooter
    assert footer is not None  # openpyxl creates it with the sheet
    footer.center.text = "Trang &P/&N"
    footer.center.size = 10
