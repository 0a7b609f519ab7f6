"""The typed ends of openpyxl's optional results, for workbooks the portal writes itself.

openpyxl types ``Workbook.active`` as optional (a workbook may have no sheet) and
``Worksheet.cell()`` as ``Cell | MergedCell`` (a cell under a merged range has no value of
its own). A workbook the portal creates always opens on a worksheet, and the portal only
writes into cells outside merged ranges (or the top-left one), so either case is a
programming error: these say so instead of letting a ``None`` or ``MergedCell`` through."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet


def active_sheet(workbook: Workbook) -> Worksheet:
    """The sheet a new ``Workbook()`` opens on."""
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):
        raise TypeError(f"the workbook opens on {sheet!r}, not on a worksheet")
    return sheet


def value_cell(cell: Cell | MergedCell) -> Cell:
    """``cell`` as a cell that holds a value: never one covered by a merged range."""
    if isinstance(cell, MergedCell):
        raise TypeError(f"{cell.coordinate} lies inside a merged range: it holds no value")
    return cell
