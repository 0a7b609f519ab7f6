"""The official appendix table ("Phụ lục") of Hoài Nhơn's H1 2023 dispatch: its 20 value
columns, the numbering-row label, and the values the appendix reader returns (rows, located
Problems, the column positions it found).

No Django here, nor in the reader (appendix_read, appendix_cells, appendix_checks) and the
writer (appendix_write), which add only openpyxl: the upload view, a management command and
the tests share one parser and one writer.

Layout: title rows, a three-row merged header, a row of column numbers "(1) (2) …", a
"Cấp huyện" section row, the district desk, a "Cấp xã" section row, numbered communes, then
"Tổng số cấp xã" and optionally "Tổng cấp huyện và xã". Data rows have 22 columns: STT,
Đơn vị and the 20 value columns of VALUE_COLUMNS.

An ambiguity in the dispatch, resolved here: its column-number row has only 19 labels for
22 columns, and its formula labels ("(9)= (7+8)/(3)", "(12)= (11)/(10)", "(14)= (13)/(5+6)")
only make sense if "(1)" is the *Tổng hồ sơ* column (STT and Đơn vị unnumbered, the last
column "(20)" lost), while the text extraction puts "(1)" above STT. Because the two
readings disagree, the reader does not map columns by their "(n)" numbers: the number row
only marks where the header ends. Columns are found from the header text ("Đơn vị",
optional "Mã ĐVHC"; fallback: the cell labelled "(2)", the positional reading) and the 20
value columns follow the name column in the dispatch's order; a header check ("Tỷ lệ" above
exactly the rate columns) rejects a sheet whose columns are shifted. The writer numbers all
22 columns positionally, with formula labels consistent with that numbering."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from indicators.domain.formulas import (
    get_indicator,
)

# The 20 value columns after "Đơn vị", in the dispatch's order: ("count", field) or ("rate", code).
VALUE_COLUMNS: tuple[tuple[Literal["count", "rate"], str], ...] = (
    ("count", "total"),
    ("count", "carried_over"),
    ("count", "received"),
    ("count", "with_portal_account"),
    ("count", "received_in_person"),
    ("count", "received_online"),
    ("count", "digitized_partial"),
    ("count", "digitized_full"),
    ("rate", "digitization"),
    ("count", "resolved"),
    ("count", "results_digitized"),
    ("rate", "e_results"),
    ("count", "reused"),
    ("rate", "reuse"),
    ("rate", "online"),
    ("rate", "payment"),
    ("rate", "population_db"),
    ("count", "resolved_on_time"),
    ("count", "resolved_late"),
    ("count", "e_certified_copies"),
)
APPENDIX_COUNT_FIELDS: tuple[str, ...] = tuple(n for k, n in VALUE_COLUMNS if k == "count")
RATE_CODES: tuple[str, ...] = tuple(n for k, n in VALUE_COLUMNS if k == "rate")
# Position of each count field among the value columns (to name the offending cell).
COUNT_COLUMN_INDEX: dict[str, int] = {
    name: i for i, (kind, name) in enumerate(VALUE_COLUMNS) if kind == "count"
}

# Payment and population-database rates have no numerator column in the appendix, so their
# printed values can only be carried along, not checked.
CHECKABLE_RATES: tuple[str, ...] = tuple(
    code
    for code in RATE_CODES
    if all(
        name in APPENDIX_COUNT_FIELDS
        for name in (*get_indicator(code).numerator, get_indicator(code).denominator)
    )
)
# A label of the column-numbering row: "(1)", "( 2 )", "(9)= (7+8)/(3)"; group 1 is the number.
NUMBER_LABEL = re.compile(r"^\s*\(\s*(\d+)\s*\)")

Severity = Literal["error", "warning"]


class AppendixError(ValueError):
    """The file cannot be read as an appendix at all (not a bad cell: those are Problems)."""


@dataclass(frozen=True)
class AppendixLayout:
    """Where a sheet keeps its columns (1-based indexes), as the reader found them."""

    stt_col: int | None
    name_col: int
    gso_col: int | None
    value_cols: tuple[int, ...]  # the columns of VALUE_COLUMNS, in that order


@dataclass(frozen=True)
class AppendixRow:
    """One unit row (or total row) of the appendix."""

    unit_name: str
    gso_code: str | None
    section: str  # "district" | "commune" | "commune_total" | "all_total"
    counts: dict[str, int]
    published_rates: dict[str, Decimal]
    sheet: str
    row: int


@dataclass(frozen=True)
class Problem:
    """One finding, located so the user can fix it in their own spreadsheet."""

    severity: Severity
    sheet: str
    row: int
    column: str
    message_vi: str


@dataclass
class ParsedAppendix:
    rows: list[AppendixRow] = field(default_factory=list)
    totals: list[AppendixRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
