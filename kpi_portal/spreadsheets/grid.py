"""One sheet of an uploaded table, whatever its container (.xlsx, .xls, .ods, CSV).

Every reader (tabular.read_tabular) turns its format into Grids, so the importers above
(the figures template and CSV, the official appendix, the users list) read one shape:
cells by 1-based row and column, each with its value, whether it holds a formula, and the
number format it is shown with; and the merged ranges where the container keeps them. Only
cells holding something are stored; asking for another one gives a blank cell."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from openpyxl.utils import get_column_letter

# (min_row, min_col, max_row, max_col), 1-based and inclusive, as openpyxl's CellRange.
MergedRange = tuple[int, int, int, int]


class GridCell(NamedTuple):
    """One cell. A tuple: a national month is some 300.000 of them, made once each."""

    value: object  # str | int | float | bool | None, or a date (which readers refuse)
    row: int
    column: int
    is_formula: bool = False
    number_format: str = "General"

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    @property
    def column_letter(self) -> str:
        return get_column_letter(self.column)


@dataclass
class Grid:
    """One sheet. `merged` is None when the container cannot say where merges were (a CSV:
    a merged header reaches it flattened, its value in the first cell, the rest empty)."""

    title: str
    cells: dict[tuple[int, int], GridCell] = field(default_factory=dict)
    merged: list[MergedRange] | None = field(default_factory=list)
    max_row: int = 0
    max_column: int = 0

    def put(self, cell: GridCell) -> None:
        row, column = cell.row, cell.column
        self.cells[(row, column)] = cell
        if row > self.max_row:
            self.max_row = row
        if column > self.max_column:
            self.max_column = column

    def cell(self, row: int, column: int) -> GridCell:
        found = self.cells.get((row, column))
        return found if found is not None else GridCell(None, row, column)

    def iter_rows(self, max_row: int | None = None) -> Iterator[list[GridCell]]:
        """Every row from 1, each as the cells of columns 1 to max_column."""
        last = self.max_row if max_row is None else min(max_row, self.max_row)
        cells = self.cells
        columns = range(1, self.max_column + 1)
        for row in range(1, last + 1):
            yield [cells.get((row, column)) or GridCell(None, row, column) for column in columns]

    def is_empty(self) -> bool:
        return all(
            cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())
            for cell in self.cells.values()
        )


@dataclass
class TabularFile:
    """An upload read into sheets. `container` names what it was ("xlsx", "xls", "ods",
    "csv"); `has_macros` says it carries a VBA/Basic project (never run)."""

    container: str
    sheets: list[Grid]
    has_macros: bool = False
