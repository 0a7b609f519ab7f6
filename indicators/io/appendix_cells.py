"""Reading the appendix's value cells: counts, printed rates and GSO codes, each bad cell
reported as a located Problem instead of an exception."""

from __future__ import annotations

import re
from decimal import Decimal

from indicators.io.appendix_layout import Problem, Severity
from indicators.io.number_text import GROUPED_INT, cell_number, parse_number_text
from kpi_portal.spreadsheets.cells import is_blank
from kpi_portal.spreadsheets.grid import GridCell


def format_places(number_format: str) -> int | None:
    """Decimals shown by an Excel number format ("0.00" -> 2); None for General."""
    if not number_format or number_format == "General":
        return None
    section = number_format.split(";")[0]
    match = re.search(r"[0#]\.([0#]+)", section)
    return len(match.group(1)) if match else 0


def gso_code(value: object, section: str) -> str | None:
    """The "Mã ĐVHC" cell as a code, or None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        # A numeric cell loses leading zeros ("01" Hà Nội); restore the tier's width.
        return str(value).zfill(3 if section == "district" else 5)
    if isinstance(value, float) and value.is_integer():
        return str(int(value)).zfill(3 if section == "district" else 5)
    return str(value).strip()


class CellReader:
    """Reads the cells of one sheet, adding Problems to `problems` instead of raising."""

    def __init__(self, sheet: str, problems: list[Problem]) -> None:
        self.sheet = sheet
        self.problems = problems

    def add(self, severity: Severity, cell: GridCell | None, row: int, msg: str) -> None:
        column = cell.column_letter if cell is not None else ""
        self.problems.append(Problem(severity, self.sheet, row, column, msg))

    def error(self, cell: GridCell, msg: str) -> None:
        self.add("error", cell, cell.row, msg)

    def count(self, cell: GridCell, label: str, formula_severity: Severity) -> int | None:
        ref = cell.coordinate
        value = cell.value
        if cell.is_formula:
            self.add(formula_severity, cell, cell.row, f"Ô {ref} chứa công thức, cần nhập giá trị.")
            return None
        if is_blank(value):
            self.error(cell, f"Ô {ref} ({label}) đang trống, cần nhập số.")
            return None
        number = cell_number(value, parse_number_text)
        if number is None:
            self.error(cell, f"Ô {ref} ({label}): «{value}» không phải là số.")
            return None
        if number != number.to_integral_value():
            self.error(cell, f"Ô {ref} ({label}): số hồ sơ phải là số nguyên, đang ghi «{value}».")
            return None
        if number < 0:
            self.error(cell, f"Ô {ref} ({label}): số hồ sơ không được âm, đang ghi «{value}».")
            return None
        return int(number)

    def published_rate(self, cell: GridCell) -> tuple[Decimal, int] | None:
        """(printed value, printed decimals), or None when blank or unusable."""
        value = cell.value
        if cell.is_formula:
            self.error(cell, f"Ô {cell.coordinate} chứa công thức, cần nhập giá trị.")
            return None
        if is_blank(value):
            return None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            number = Decimal(str(value))
            places = format_places(cell.number_format)
            if places is None:
                places = max(0, -int(number.normalize().as_tuple().exponent))
            # Keep the value as displayed: 37.5 under "0.00" is printed "37,50".
            return number.quantize(Decimal(1).scaleb(-places)), places
        parsed = parse_number_text(str(value))
        if parsed is None:
            self.error(cell, f"Ô {cell.coordinate}: tỷ lệ «{value}» không phải là số.")
            return None
        # Printed precision = decimals as written ("83,7" -> 1, "53,40" -> 2).
        text = str(value).strip().rstrip("%").strip()
        places = len(text.rpartition(",")[2]) if "," in text else 0
        if "," not in text and "." in text and not GROUPED_INT.match(text):
            places = len(text.rpartition(".")[2])
        return parsed, places
