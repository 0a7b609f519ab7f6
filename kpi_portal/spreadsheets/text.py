"""Text written into downloaded spreadsheets must never run as a formula.

Unit names, comments and user names come from people; a name such as ``=HYPERLINK(…)`` or
``-1+1`` would otherwise become a live formula in Excel (CSV/DDE injection). One rule for
every xlsx and CSV the portal produces."""

from __future__ import annotations

from openpyxl.cell.cell import Cell, MergedCell

from kpi_portal.spreadsheets.sheets import value_cell

# Excel and LibreOffice treat these first characters as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """CSV has no cell types: a leading apostrophe makes the spreadsheet show it as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def put_text(cell: Cell | MergedCell, text: str) -> Cell:
    """Store ``text`` exactly as given, typed as a string even when openpyxl would parse it
    as a formula; Excel's quote prefix keeps it text when someone edits the cell.

    Takes what ``Worksheet.cell()`` returns: never a cell covered by a merged range."""
    cell = value_cell(cell)
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
