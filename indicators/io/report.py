"""How an import's stored report is shown: rows, actions and problems with their labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from indicators.domain import formulas
from indicators.io.records import ImportProblem
from indicators.models import FiguresStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class ReportRow:
    """A row of a stored report, ready for a template: counts and recomputed rates."""

    sheet: str
    row: int
    label: str
    unit_code: str
    unit_name: str
    action: str
    existing_status: str
    counts: list[int | None]
    rates: list[Decimal | None]
    problems: list[ImportProblem]
    is_total: bool = False

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "Lỗi" if not self.is_total else "")

    @property
    def existing_status_label(self) -> StrOrPromise:
        return status_label(self.existing_status)

    @property
    def has_error(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


ACTION_LABELS = {
    "create": "Tạo mới",
    "replace": "Thay thế",
    "unchanged": "Không đổi",
}


def report_indicators(fields: Sequence[str]) -> list[formulas.IndicatorDef]:
    """Indicators whose numerator and denominator the file carries."""
    return [
        ind
        for ind in formulas.INDICATORS
        if all(name in fields for name in (*ind.numerator, ind.denominator))
    ]


def import_report_rows(
    report: dict[str, Any], *, items: Sequence[dict[str, Any]] | None = None
) -> tuple[list[ReportRow], list[ReportRow]]:
    """(unit rows, total rows) of a stored report, with problems attached by row; `items`
    is the page of the report's rows to build (all of them by default)."""
    fields = report.get("fields", [])
    indicators = report_indicators(fields)
    problems = [ImportProblem(**p) for p in report.get("problems", [])]
    by_row: dict[tuple[str, int], list[ImportProblem]] = {}
    for problem in problems:
        by_row.setdefault((problem.sheet, problem.row), []).append(problem)

    def build(item: dict[str, Any], is_total: bool) -> ReportRow:
        counts = item.get("counts", {})
        return ReportRow(
            sheet=item["sheet"],
            row=item["row"],
            label=item["label"],
            unit_code=item.get("unit_code", ""),
            unit_name=item.get("unit_name", ""),
            action=item.get("action", ""),
            existing_status=item.get("existing_status", ""),
            counts=[counts.get(name) for name in fields],
            rates=[formulas.indicator_rate(ind, counts) for ind in indicators],
            problems=by_row.get((item["sheet"], item["row"]), []),
            is_total=is_total,
        )

    rows = [build(item, False) for item in (report.get("rows", []) if items is None else items)]
    totals = [build(item, True) for item in report.get("totals", [])]
    return rows, totals


def import_report_problems(report: dict[str, Any]) -> list[ImportProblem]:
    return [ImportProblem(**p) for p in report.get("problems", [])]


def status_label(status: str) -> StrOrPromise:
    return FiguresStatus(status).label if status else ""
