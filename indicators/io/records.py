"""The values an import passes around: the cells read from a file, the analysed rows and
their located problems, the preview and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from indicators.domain.periods import PeriodSpec
from indicators.io.appendix_layout import VALUE_COLUMNS
from indicators.models import ImportBatch, Period
from units.models import AdministrativeUnit

APPENDIX_FIELDS: tuple[str, ...] = tuple(name for kind, name in VALUE_COLUMNS if kind == "count")
# Written in the template's hidden "_kpi" sheet so an upload can tell it was made here.
TEMPLATE_MARKER = "kpi-portal-template-1"
META_SHEET = "_kpi"
MAX_COUNT = 10**9  # what the entry form accepts; keeps a typo out of the integer column


class ImportRefused(Exception):
    """The file (or the request) cannot be imported at all; the message is Vietnamese."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ImportProblem:
    severity: str  # "error" | "warning"
    sheet: str
    row: int
    column: str
    message: str

    @property
    def location(self) -> str:
        """sheet!C12, or sheet!dòng 12 when the whole row is concerned."""
        if self.column:
            return f"{self.sheet}!{self.column}{self.row}"
        return f"{self.sheet}!dòng {self.row}" if self.row else self.sheet

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportRow:
    """One data row of the file and what the import will do with it."""

    sheet: str
    row: int
    label: str  # the unit name as written
    gso_code: str | None
    section: str  # "district" | "commune" (appendix) | "" (template, CSV)
    counts: dict[str, int | None]
    name_column: str = ""
    unit: AdministrativeUnit | None = None
    action: str = ""  # "create" | "replace" | "unchanged" | "" (not importable)
    existing_status: str = ""
    existing_version: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "label": self.label,
            "gso_code": self.gso_code,
            "section": self.section,
            "counts": self.counts,
            "unit_id": self.unit.pk if self.unit else None,
            "unit_code": self.unit.code if self.unit else "",
            "unit_name": self.unit.full_name if self.unit else "",
            "action": self.action,
            "existing_status": self.existing_status,
            "existing_version": self.existing_version,
        }


@dataclass
class ImportAnalysis:
    kind: str  # "appendix" | "template" | "csv"
    parent: AdministrativeUnit
    spec: PeriodSpec
    period: Period | None
    fields: tuple[str, ...]  # the count fields the file carries (and will write)
    rows: list[ImportRow] = field(default_factory=list)
    totals: list[ImportRow] = field(default_factory=list)
    skipped: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_write(self) -> list[ImportRow]:
        return [r for r in self.rows if r.action in ("create", "replace")]

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(ImportProblem("error", sheet, row, column, message))

    def warn(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(ImportProblem("warning", sheet, row, column, message))

    def as_report(self, *, max_problems: int | None = None) -> dict[str, Any]:
        """What the batch stores. Problems are kept up to `max_problems` (settings), errors
        first: a file of 15.000 bad rows must not become a report of 150 MB; the counts
        stay whole, so the page says how many more there are."""
        limit = settings.IMPORT_MAX_PROBLEMS if max_problems is None else max_problems
        kept = sorted(
            sorted(self.problems, key=lambda p: p.severity != "error")[:limit],
            key=lambda p: (p.sheet, p.row, p.column, p.severity),
        )
        return {
            "kind": self.kind,
            "fields": list(self.fields),
            "period_code": self.spec.code,
            "rows": [r.as_dict() for r in self.rows],
            "totals": [r.as_dict() for r in self.totals],
            "skipped": [r.as_dict() for r in self.skipped],
            "problems": [p.as_dict() for p in kept],
            "problems_left_out": len(self.problems) - len(kept),
            "error_count": len(self.errors),
            "warning_count": len(self.warnings),
        }


@dataclass(frozen=True)
class ImportPreview:
    batch: ImportBatch
    analysis: ImportAnalysis


@dataclass(frozen=True)
class ImportResult:
    period: Period
    created: int
    replaced: int
    unchanged: int
    batch: ImportBatch | None = None

    @property
    def written(self) -> int:
        return self.created + self.replaced


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True)
class SheetCell:
    value: object
    row: int
    column: str  # letter
    is_formula: bool = False


@dataclass
class ParsedFile:
    kind: str
    fields: tuple[str, ...]
    rows: list[ImportRow] = field(default_factory=list)
    totals: list[ImportRow] = field(default_factory=list)
    skipped: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
