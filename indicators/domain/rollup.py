"""The figures of a period built from the periods entered inside it (the roll-up).

Communes report month by month; a quarter, a half-year, the year to date and the year are
then built from the months they hold. For one unit and one period P:

- A figure entered for exactly P stands: it is the office's own report for P.
- Otherwise the pieces are the entered periods that lie inside P, less those that lie
  inside a larger one also entered (a quarter entered beside its months stands; its months
  are left out), so that no dossier is counted twice.
- Flow counts (received, resolved, payments, …) add up over the pieces. The stock "carried
  over from the previous period" is the first piece's, and the total is that stock plus
  what was received in P. A rate is the ratio of sums over the pieces that report both
  its parts, exactly as a total over units is.
- A period that its pieces cover only in part is computed on what is there and says how
  much that is (months of P's own convention, or days for a date range).
- An entered period that overlaps P without lying inside it, or two entered periods
  inside P that overlap without one holding the other (months of both conventions), mean
  P cannot be built from what was entered (a calendar quarter over Decree 09 months, which
  run from the 15th to the 14th): that is a refusal with a message, never a number for
  part of the period. A figure entered for P itself always stands.
- A figure entered for P beside pieces that build all of P (a year and its 12 months)
  stands too, but where the two disagree on any count the difference is stated (a
  reconciliation note for the office), never chosen silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from indicators.domain.formatting import format_int_vi
from indicators.domain.formulas import COUNT_FIELDS, Counts
from indicators.domain.periods import Convention, PeriodKind, PeriodSpec, month

__all__ = [
    "STOCK_FIELDS",
    "Coverage",
    "Difference",
    "Reconciliation",
    "coverage",
    "reconcile",
    "roll_up",
    "rolled_counts",
]

# Counts that describe the state at the start of a period rather than what flowed in it.
STOCK_FIELDS = frozenset({"carried_over"})
# Counts defined by others (total = carried over + received): rebuilt, never summed, since
# summing the months' totals would count every month's carried-over dossiers again.
_DERIVED = {"total": ("carried_over", "received")}


def _inside(piece: PeriodSpec, period: PeriodSpec) -> bool:
    return period.start <= piece.start and piece.end <= period.end


def _overlap_days(a: PeriodSpec, b: PeriodSpec) -> int:
    start, end = max(a.start, b.start), min(a.end, b.end)
    return max((end - start).days + 1, 0)


def _months_of(period: PeriodSpec) -> list[PeriodSpec]:
    """The months of the period's own convention that it spans (none for a date range)."""
    if period.convention is Convention.CUSTOM or period.kind is PeriodKind.MONTH:
        return [period] if period.kind is PeriodKind.MONTH else []
    months: list[PeriodSpec] = []
    day = period.end
    while day >= period.start:
        # The last day of a Decree 09 month is the 14th; of a calendar month, its last day.
        year, number = day.year, day.month
        if period.convention is Convention.DECREE09 and day.day > 14:
            year, number = (year + 1, 1) if number == 12 else (year, number + 1)
        piece = month(year, number, period.convention)
        months.append(piece)
        day = piece.start - timedelta(days=1)
    return months[::-1]


@dataclass(frozen=True)
class Coverage:
    """Which entered periods make up `period`, and how much of it they cover."""

    period: PeriodSpec
    pieces: tuple[PeriodSpec, ...]  # chronological; (period,) when it was entered whole
    left_out: tuple[PeriodSpec, ...]  # inside the period, overlapped by a larger piece
    straddling: tuple[PeriodSpec, ...]  # overlapping the period without lying inside it
    crossing: tuple[PeriodSpec, ...] = ()  # pieces overlapping another without nesting

    @property
    def exact(self) -> bool:
        """The period itself was entered (its own figure stands)."""
        return self.pieces == (self.period,)

    @property
    def covered_days(self) -> int:
        return sum(piece.days for piece in self.pieces)

    @property
    def complete(self) -> bool:
        return self.covered_days == self.period.days

    @property
    def refusal(self) -> str | None:
        """Why the period cannot be built from what was entered, in Vietnamese; None if it
        can (or if nothing at all was entered: that is plain "no data")."""
        if self.exact or not (self.straddling or self.crossing):
            return None
        odd = self.straddling or self.crossing
        names = ", ".join(piece.long_label_vi for piece in odd[:3])
        more = f" và {len(odd) - 3} kỳ khác" if len(odd) > 3 else ""
        why = "vắt qua ranh giới của kỳ này" if self.straddling else "chồng lên nhau"
        return (
            f"Không tính được {self.period.long_label_vi} từ số liệu đã nhập: {names}{more} "
            f"{why} (số liệu nhập theo kỳ khác quy ước), nên không ghép thành kỳ này được. "
            "Hãy chọn kỳ theo cùng quy ước với số liệu đã nhập."
        )

    @property
    def months(self) -> tuple[int, int]:
        """(months of the period fully covered, months in the period); (0, 0) for a date
        range, which is measured in days."""
        months = _months_of(self.period)
        covered = sum(
            1 for m in months if sum(_overlap_days(m, piece) for piece in self.pieces) == m.days
        )
        return covered, len(months)

    @property
    def note_vi(self) -> str:
        """ "9/12 tháng có số liệu" where the period is covered in part; "" otherwise."""
        if not self.pieces or self.complete or self.refusal:
            return ""
        covered, total = self.months
        if total:
            return f"{covered}/{total} tháng có số liệu"
        return f"{self.covered_days}/{self.period.days} ngày có số liệu"


def coverage(period: PeriodSpec, entered: Iterable[PeriodSpec]) -> Coverage:
    """The pieces that build `period` out of the periods a unit entered figures for."""
    inside: list[PeriodSpec] = []
    straddling: list[PeriodSpec] = []
    for piece in set(entered):
        if _inside(piece, period):
            inside.append(piece)
        elif _overlap_days(piece, period):
            straddling.append(piece)

    # A piece inside another entered piece is left out (the larger figure stands); of two
    # entered for the same days, the first by code stands.
    def holds(outer: PeriodSpec, inner: PeriodSpec) -> bool:
        if (outer.start, outer.end) == (inner.start, inner.end):
            return outer.code < inner.code
        return outer.start <= inner.start and inner.end <= outer.end

    chosen = [p for p in inside if not any(holds(other, p) for other in inside if other != p)]
    left_out = [p for p in inside if p not in chosen]
    crossing = [p for p in chosen if any(_overlap_days(p, other) for other in chosen if other != p)]
    return Coverage(
        period=period,
        pieces=tuple(sorted(chosen, key=lambda p: p.start)),
        left_out=tuple(sorted(left_out, key=lambda p: (p.start, p.end))),
        straddling=tuple(sorted(straddling, key=lambda p: (p.start, p.end))),
        crossing=tuple(sorted(crossing, key=lambda p: (p.start, p.end))),
    )


def rolled_counts(
    *, sums: Mapping[str, int | None], first: Mapping[str, int | None], pieces: int
) -> dict[str, int | None]:
    """Every count of the period from the flows summed over its pieces, the first piece's
    counts and the number of pieces: the stock is the first piece's, the total is rebuilt
    from it (one piece keeps its own). The database sums; this completes."""
    result: dict[str, int | None] = {}
    for name in COUNT_FIELDS:
        if name in STOCK_FIELDS:
            result[name] = first.get(name)
        elif name not in _DERIVED:
            result[name] = sums.get(name)
    for name, (stock, flow) in _DERIVED.items():
        start, received = result[stock], result[flow]
        if pieces == 1:
            result[name] = first.get(name)
        elif start is not None and received is not None:
            result[name] = start + received
        else:
            result[name] = None
    return result


def roll_up(pieces: Sequence[Counts]) -> dict[str, int | None]:
    """Every count of the period from its pieces' counts, in chronological order: flows
    summed over the pieces that report them (None where none does), the stock from the
    first piece, the total rebuilt from them."""
    sums: dict[str, int | None] = {}
    for name in COUNT_FIELDS:
        values = [v for piece in pieces if (v := piece.get(name)) is not None]
        sums[name] = sum(values) if values else None
    return rolled_counts(sums=sums, first=pieces[0] if pieces else {}, pieces=len(pieces))


# --------------------------------------------------------------------------- reconciliation

# The whole period in the note's words ("Số liệu cả năm khác tổng 12 tháng").
_WHOLE_VI = {
    PeriodKind.MONTH: "cả tháng",
    PeriodKind.QUARTER: "cả quý",
    PeriodKind.HALF: "cả 6 tháng",
    PeriodKind.NINE_MONTHS: "cả 9 tháng",
    PeriodKind.YEAR: "cả năm",
    PeriodKind.CUSTOM: "cả kỳ",
}
# Short names of the counts for the note: the field labels without the leading "Hồ sơ".
_SHORT_VI = {
    name: (label[len("Hồ sơ ") :] if label.startswith("Hồ sơ ") else label).lower()
    for name, label in COUNT_FIELDS.items()
}
_SHORT_VI.update({"total": "tổng số hồ sơ", "received": "tiếp nhận"})


@dataclass(frozen=True)
class Difference:
    """One count on which the whole-period figure and the sum of its pieces disagree."""

    field: str
    whole: int
    pieces: int


@dataclass(frozen=True)
class Reconciliation:
    """A figure entered for the whole period beside pieces that build all of it."""

    period: PeriodSpec
    pieces: tuple[PeriodSpec, ...]
    differences: tuple[Difference, ...]

    @property
    def note_vi(self) -> str:
        """ "Số liệu cả năm khác tổng 12 tháng: tiếp nhận 1.200 so với 1.180"; "" when they
        agree."""
        if not self.differences:
            return ""
        months = all(p.kind is PeriodKind.MONTH for p in self.pieces)
        parts = f"{len(self.pieces)} tháng" if months else f"{len(self.pieces)} kỳ nhỏ hơn"
        listed = "; ".join(
            f"{_SHORT_VI[d.field]} {format_int_vi(d.whole)} so với {format_int_vi(d.pieces)}"
            for d in self.differences
        )
        return f"Số liệu {_WHOLE_VI[self.period.kind]} khác tổng {parts}: {listed}"


def reconcile(period: PeriodSpec, entered: Mapping[PeriodSpec, Counts]) -> Reconciliation | None:
    """The whole-period figure of `period` against the roll-up of the other periods
    entered inside it, when there is one and those build all of the period (a partial
    set of months falls short of the year by design, which is no disagreement). Every
    count both report and on which they differ is listed, in the order of the appendix."""
    whole = entered.get(period)
    if whole is None:
        return None
    others = [spec for spec in entered if spec != period]
    built = coverage(period, others)
    if not built.pieces or not built.complete or built.refusal:
        return None
    rolled = roll_up([entered[piece] for piece in built.pieces])
    differences = tuple(
        Difference(name, own, parts)
        for name in COUNT_FIELDS
        if (own := whole.get(name)) is not None
        and (parts := rolled.get(name)) is not None
        and own != parts
    )
    return Reconciliation(period=period, pieces=built.pieces, differences=differences)
