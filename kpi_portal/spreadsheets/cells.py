"""Reading cells of an uploaded spreadsheet: blank cells, formulas, header and name text.

One rule each, shared by the importers (figures from the appendix, the template or a CSV;
the users list compares its headers and roles with norm_text), so a header or a formula is
recognised the same way in every file."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import Cell, MergedCell

# Text typed in a value cell that a spreadsheet would have run as a formula. Unlike the
# download rule (text.FORMULA_STARTS), "-" is not here: in an upload it starts a negative
# number, which the readers report as such.
FORMULA_TEXT_STARTS = ("=", "+", "@")


def norm_text(value: object) -> str:
    """Lower-case, NFC, single spaces (no-break spaces too): compares header, section and
    unit-name text written by hand."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\xa0", " ")
    return " ".join(text.split()).casefold()


def is_blank(value: object) -> bool:
    """No value, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def cell_position(cell: Cell | MergedCell) -> tuple[int, int]:
    """(row, column) of a cell taken from a worksheet. openpyxl types both as optional on a
    MergedCell (one built outside a sheet has none); a sheet's cells always have them."""
    if cell.row is None or cell.column is None:
        raise ValueError(f"{cell!r} does not lie on a worksheet")
    return cell.row, cell.column


def is_formula_cell(cell: Any) -> bool:
    """An openpyxl cell (opened with data_only=False) that holds a formula rather than a value.

    ArrayFormula / DataTableFormula objects count too, and so does any other value that is
    not text, a number or a boolean (a date, for one): the importers want a plain value."""
    if getattr(cell, "data_type", None) == "f":
        return True
    value = cell.value
    return value is not None and not isinstance(value, str | int | float | Decimal | bool)


def is_formula_text(value: object) -> bool:
    """Text (a CSV cell, a template cell) written as a formula: "=1+15", "+A1", "@SUM(…)"."""
    return isinstance(value, str) and value.strip().startswith(FORMULA_TEXT_STARTS)
