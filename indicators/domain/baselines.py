"""The baseline R of the Phổ Ninh rule: a unit's result for the year before the plan year,
built from the pieces entered in that year (the roll-up), and, for a unit created by the
2025 merger, from its predecessors' pieces before the merger plus its own after it.

Which piece counts on which side of the merger (decision, see also the README): a piece
counts on the side of the unit that entered it. The merger date (01/07/2025) falls inside
the Decree 09 month 15/06–14/07/2025, which is filed by the new unit (reports are filed on
the structure in force when the period closes): under Decree 09 the old units' months
01–06/2025 (15/12/2024–14/06/2025) and the new unit's months 07–12/2025 tile the year;
under the calendar the old units' January–June (or H1) and the new unit's July–December
do. So:

- the unit's own pieces of the year all count;
- a predecessor's piece counts when it starts before the merger date and no piece of the
  unit itself covers any of its days (the new unit's own report for those days stands, as
  a whole-period figure stands over its months): nothing is counted twice;
- a predecessor split between several new units counts in full for the new unit that took
  its main part (`is_default` of the succession) and not for the others: the dossiers
  cannot be divided by territory, and counting them for each would count them twice in
  the province's total. The note names what was left out.

The year itself is read under Decree 09 and under the calendar; the convention whose
pieces cover more of the year is taken (Decree 09 on a tie, the government's reporting
year). Sums are ratios of sums over the pieces reporting both parts of the indicator.
No Django here: the selectors read the pieces, this module adds them up and says how.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from indicators.domain.formatting import format_date_vi
from indicators.domain.formulas import IndicatorDef, indicator_parts, rate
from indicators.domain.periods import (
    Convention,
    PeriodKind,
    PeriodSpec,
    periods_of_year,
    reporting_period_containing,
)

__all__ = [
    "MERGED_MARK",
    "NOTE_MAX",
    "Piece",
    "Predecessor",
    "YearBaseline",
    "best_baseline",
    "span_vi",
    "year_baseline",
]

# Every note of a baseline that reads predecessors' figures holds this: the plan page marks
# those units as new after the merger.
MERGED_MARK = "trước sắp xếp"
# Target.baseline_note holds at most 300 characters.
NOTE_MAX = 300

_CONVENTION_VI = {Convention.DECREE09: "theo Nghị định 09", Convention.CALENDAR: "dương lịch"}


@dataclass(frozen=True)
class Piece:
    """One entered figure that makes up the year for its unit (a row of the roll-up)."""

    unit_id: int
    start: date
    end: date
    counts: Mapping[str, int | None]


@dataclass(frozen=True)
class Predecessor:
    """A unit merged into the one whose baseline is read, on `merged_on`. `main_successor`
    is set when the predecessor was split and its main part went to another unit: its
    figures are then not counted here."""

    unit_id: int
    name: str
    merged_on: date
    main_successor: str = ""

    @property
    def counted(self) -> bool:
        return not self.main_successor


@dataclass(frozen=True)
class YearBaseline:
    numerator: int | None
    denominator: int | None
    note: str
    covered_days: int = 0

    @property
    def rate(self) -> Decimal | None:
        return rate(self.numerator, self.denominator)


def _union(intervals: Sequence[tuple[date, date]]) -> list[tuple[date, date]]:
    """Days covered, as disjoint intervals in order (adjacent ones joined)."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _days(intervals: Sequence[tuple[date, date]]) -> int:
    return sum((end - start).days + 1 for start, end in _union(intervals))


def _month_label(month: PeriodSpec) -> str:
    return f"{month.number:02d}/{month.year}"


def span_vi(intervals: Sequence[tuple[date, date]], convention: Convention) -> str:
    """The days covered, in months of the convention where they align with them
    ("01–06/2025", "12/2024–06/2025", "03/2025"), in dates otherwise, joined by commas."""
    texts = []
    for start, end in _union(intervals):
        first = last = None
        if convention in _CONVENTION_VI:
            first = reporting_period_containing(start, PeriodKind.MONTH, convention)
            last = reporting_period_containing(end, PeriodKind.MONTH, convention)
        if first is None or last is None or first.start != start or last.end != end:
            texts.append(f"{format_date_vi(start)}–{format_date_vi(end)}")
        elif first == last:
            texts.append(_month_label(first))
        elif first.year == last.year:
            texts.append(f"{first.number:02d}–{_month_label(last)}")
        else:
            texts.append(f"{_month_label(first)}–{_month_label(last)}")
    return ", ".join(texts)


def _months_covered(year: PeriodSpec, intervals: Sequence[tuple[date, date]]) -> tuple[int, int]:
    """(months of the year fully covered, months in the year) in the year's convention."""
    assert year.year is not None
    months = periods_of_year(year.year, PeriodKind.MONTH, year.convention)
    covered = _union(intervals)
    full = sum(
        1 for m in months if any(start <= m.start and m.end <= end for start, end in covered)
    )
    return full, len(months)


def _overlaps(piece: Piece, others: Sequence[Piece]) -> bool:
    return any(piece.start <= other.end and other.start <= piece.end for other in others)


def _shorten(note: str) -> str:
    return note if len(note) <= NOTE_MAX else note[: NOTE_MAX - 1].rstrip(" ,;") + "…"


def _names(predecessors: Sequence[Predecessor]) -> str:
    return ", ".join(p.name for p in predecessors)


def year_baseline(
    *,
    indicator: IndicatorDef,
    year: PeriodSpec,
    unit_id: int,
    pieces: Sequence[Piece],
    predecessors: Sequence[Predecessor] = (),
) -> YearBaseline:
    """R of one unit for one indicator over `year` (one convention), from the pieces of
    the unit and of its predecessors that make up that year, with the note that says which
    periods of which units it added up (or why there is none)."""
    own = [p for p in pieces if p.unit_id == unit_id]
    counted = {p.unit_id: p for p in predecessors if p.counted}
    before = [
        p
        for p in pieces
        if p.unit_id in counted and p.start < counted[p.unit_id].merged_on and not _overlaps(p, own)
    ]
    usable_own: list[Piece] = []
    usable_before: list[Piece] = []
    numerator = denominator = 0
    for side, group in ((usable_own, own), (usable_before, before)):
        for piece in group:
            n, d = indicator_parts(indicator, piece.counts)
            if n is None or d is None:
                continue
            side.append(piece)
            numerator += n
            denominator += d
    used = usable_own + usable_before
    intervals = [(p.start, p.end) for p in used]
    days = _days(intervals)
    note = _note(
        year=year,
        own=usable_own,
        before=usable_before,
        predecessors=predecessors,
        intervals=intervals,
    )
    if not used:
        return YearBaseline(None, None, note, 0)
    return YearBaseline(numerator, denominator, note, days)


def _year_vi(year: PeriodSpec) -> str:
    """ "Năm 2025 theo Nghị định 09 (15/12/2024 – 14/12/2025)"."""
    return f"{year.label_vi} {_CONVENTION_VI[year.convention]} ({year.range_vi})"


def _note(
    *,
    year: PeriodSpec,
    own: Sequence[Piece],
    before: Sequence[Piece],
    predecessors: Sequence[Predecessor],
    intervals: Sequence[tuple[date, date]],
) -> str:
    """E.g. "Năm 2025 dương lịch (01/01/2025 – 31/12/2025): tổng số liệu 01–06/2025 của
    Bồng Sơn, Hoài Đức (trước sắp xếp) và 07–12/2025 của đơn vị"."""
    convention = year.convention
    counted = [p for p in predecessors if p.counted]
    merged_on = min((p.merged_on for p in counted), default=None)
    merged_in_year = merged_on is not None and year.start < merged_on <= year.end
    since = format_date_vi(merged_on) if merged_on is not None else ""
    tail = ""
    if intervals:
        full, months = _months_covered(year, intervals)
        if full < months:
            tail += f"; {full}/{months} tháng có số liệu"
    tail += "".join(
        f"; không tính {p.name} (phần chính thuộc {p.main_successor})"
        for p in predecessors
        if not p.counted
    )
    if not own and not before:
        if not (merged_in_year and counted):
            return ""
        return _shorten(
            f"đơn vị mới từ {since}: chưa có số liệu {year.label_vi.lower()} của đơn vị cũng "
            f"như của các đơn vị {MERGED_MARK} ({_names(counted)}){tail}"
        )
    if not before:
        if len(own) == 1 and (own[0].start, own[0].end) == (year.start, year.end):
            note = f"số liệu {year.long_label_vi}"
        else:
            note = f"{_year_vi(year)}: tổng số liệu {span_vi(intervals, convention)} của đơn vị"
        if merged_in_year and counted:
            note += (
                f"; đơn vị mới từ {since}, các đơn vị {MERGED_MARK} ({_names(counted)}) "
                f"chưa có số liệu"
            )
        return _shorten(note + tail)
    # Predecessors grouped by the days they cover: "01–06/2025 của Bồng Sơn, Hoài Đức".
    groups: dict[str, list[str]] = {}
    reported = {p.unit_id for p in before}
    for predecessor in predecessors:
        if predecessor.unit_id in reported:
            days = [(p.start, p.end) for p in before if p.unit_id == predecessor.unit_id]
            groups.setdefault(span_vi(days, convention), []).append(predecessor.name)
    parts = ", ".join(f"{span} của {', '.join(names)}" for span, names in groups.items())
    note = f"{_year_vi(year)}: tổng số liệu {parts} ({MERGED_MARK})"
    if own:
        note += f" và {span_vi([(p.start, p.end) for p in own], convention)} của đơn vị"
    elif merged_in_year:
        note += f"; đơn vị chưa có số liệu sau sắp xếp (từ {since})"
    silent = [p for p in counted if p.unit_id not in reported]
    if silent:
        note += f"; {_names(silent)} chưa có số liệu"
    return _shorten(note + tail)


def best_baseline(candidates: Sequence[YearBaseline]) -> YearBaseline:
    """Of the same year read under each convention (Decree 09 first), the one whose
    pieces cover the most days; with no figures at all, the first one's note (why)."""
    with_data = [c for c in candidates if c.denominator is not None]
    if with_data:
        best = with_data[0]
        for candidate in with_data[1:]:
            if candidate.covered_days > best.covered_days:
                best = candidate
        return best
    notes = [c for c in candidates if c.note]
    return notes[0] if notes else YearBaseline(None, None, "")
