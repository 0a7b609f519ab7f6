"""The national service index of Decision 766/QĐ-TTg (23/06/2022): scoring a unit's counts
for a period against a versioned table of rules, before the national portal publishes it.

Pure Python (no Django). The rules are data (stored in the database, edited in the admin,
seeded as version "2025-reconstructed" from ../shared/domain/INDEX766.md); this module only
knows the rule kinds and the arithmetic:

- LINEAR: points = max × R;
- THRESHOLD: full at R ≥ x, else max × R / x;
- FULL_IF_EMPTY: linear, and full points when the denominator is 0 (no feedback received
  means none was handled late);
- an indicator is not applicable at the levels its rule names (commune level for the
  catalogue indicators); the version says whether that earns full points (as the portal
  and the tools that replay it do) or is left out of the total.

R is a ratio of sums of named counts: the numerator terms may subtract ("feedback_received"
minus "feedback_dissatisfied"). Where the exact counts are missing a rule may name an
approximation from the counts the portal always holds (on time / resolved for the progress
indicator); the score then says it is approximate. Where neither can be computed the state
is `missing_counts` and the indicator is left out of the total and its maximum: a missing
count is never scored as zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from indicators.domain.formatting import format_decimal_vi, format_int_vi, format_trimmed_vi
from indicators.domain.formulas import COUNT_FIELDS

__all__ = [
    "CATALOGUE_FIELDS",
    "EXTRA_COUNT_FIELDS",
    "GroupDef",
    "GroupScore",
    "IndicatorRule",
    "IndicatorScore",
    "RuleKind",
    "RuleTable",
    "ScoreState",
    "Scorecard",
    "recovery_hint",
    "score_indicator",
    "score_unit",
]

Counts = Mapping[str, int | None]

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")

# Counts of a period the index needs beyond COUNT_FIELDS (optional fields of the figures).
# "in_progress_on_time" is a stock at the end of the period (the roll-up takes the last
# piece's); the rest are flows (summed over the pieces).
EXTRA_COUNT_FIELDS: dict[str, str] = {
    "in_progress_on_time": "Hồ sơ đang giải quyết còn trong hạn (cuối kỳ)",
    "synced_dossiers": "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
    "fee_dossiers": "Hồ sơ có phí, lệ phí",
    "paid_online_dossiers": "Hồ sơ nộp phí, lệ phí trực tuyến",
    "population_db_authenticated": "Hồ sơ xác thực qua CSDL quốc gia về dân cư / VNeID",
    "feedback_dissatisfied": "Phản ánh, kiến nghị không hài lòng với kết quả xử lý",
    "feedback_repeated": "Phản ánh, kiến nghị lặp lại",
    "feedback_overdue": "Phản ánh, kiến nghị xử lý quá hạn",
}
EXTRA_STOCK_FIELDS = frozenset({"in_progress_on_time"})

# Catalogue figures of a unit (procedures, not dossiers), stated on a date; they change
# rarely and are read as of the period's end.
CATALOGUE_FIELDS: dict[str, str] = {
    "procedures_total": "Thủ tục hành chính thuộc thẩm quyền",
    "procedures_online": "Thủ tục có dịch vụ công trực tuyến",
    "procedures_online_used": "Thủ tục trực tuyến có phát sinh hồ sơ trực tuyến",
    "procedures_with_fee": "Thủ tục có phí, lệ phí",
    "procedures_paid_online": "Thủ tục có phát sinh thanh toán trực tuyến",
    "procedures_fee_integrated": "Thủ tục đã tích hợp phí, lệ phí để thanh toán trực tuyến",
}

# Counts derived from others: in progress at the end of the period = total − resolved.
DERIVED_FIELDS: dict[str, str] = {"in_progress": "Hồ sơ đang giải quyết (cuối kỳ)"}

KNOWN_COUNTS = (
    frozenset(COUNT_FIELDS) | set(EXTRA_COUNT_FIELDS) | set(CATALOGUE_FIELDS) | set(DERIVED_FIELDS)
)


def count_label(name: str) -> str:
    for labels in (COUNT_FIELDS, EXTRA_COUNT_FIELDS, CATALOGUE_FIELDS, DERIVED_FIELDS):
        if name in labels:
            return labels[name]
    return name


class RuleKind(StrEnum):
    LINEAR = "linear"
    THRESHOLD = "threshold"
    FULL_IF_EMPTY = "full_if_empty"


class ScoreState(StrEnum):
    COMPUTED = "computed"
    NOT_APPLICABLE = "not_applicable"
    MISSING_COUNTS = "missing_counts"


@dataclass(frozen=True, kw_only=True)
class IndicatorRule:
    """One row of the table: its points, rule kind and the counts of R.

    `numerator` terms are count names, a leading "-" subtracts; `denominator` terms are
    summed. `approx_*` is the formula used when the exact counts are missing (empty: none).
    `threshold` is a rate in % for THRESHOLD. `shortfall_label` names what the numerator
    misses ("hồ sơ trễ hạn"), `gain_label` what to add ("hồ sơ trực tuyến")."""

    code: str
    group_code: str
    name_vi: str
    max_points: Decimal
    kind: RuleKind
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    threshold: Decimal | None = None
    approx_numerator: tuple[str, ...] = ()
    approx_denominator: tuple[str, ...] = ()
    not_applicable_levels: tuple[str, ...] = ()
    shortfall_label: str = ""
    gain_label: str = ""
    order: int = 0

    def __post_init__(self) -> None:
        for term in (
            *self.numerator,
            *self.denominator,
            *self.approx_numerator,
            *self.approx_denominator,
        ):
            if term.lstrip("-") not in KNOWN_COUNTS:
                raise ValueError(f"Unknown count {term!r} in the 766 rule {self.code!r}")
        if self.kind is RuleKind.THRESHOLD and not (self.threshold and self.threshold > 0):
            raise ValueError(f"The 766 rule {self.code!r} needs a threshold above 0")


@dataclass(frozen=True, kw_only=True)
class IndicatorScore:
    rule: IndicatorRule
    state: ScoreState
    points: Decimal | None = None  # rounded to 0,01 as the portal publishes
    numerator: int | None = None
    denominator: int | None = None
    approximate: bool = False
    missing: tuple[str, ...] = ()  # the counts that were missing (labels)
    hint_vi: str = ""

    @property
    def max_points(self) -> Decimal:
        return self.rule.max_points

    @property
    def ratio(self) -> Decimal | None:
        """R in % (None without counts or when the denominator is 0)."""
        if self.numerator is None or not self.denominator:
            return None
        return Decimal(self.numerator) * _HUNDRED / Decimal(self.denominator)

    @property
    def lost(self) -> Decimal | None:
        if self.points is None:
            return None
        return self.rule.max_points - self.points

    @property
    def counts_vi(self) -> str:
        """ "97 / 100" (the counts behind R)."""
        if self.numerator is None or self.denominator is None:
            return ""
        return f"{format_int_vi(self.numerator)} / {format_int_vi(self.denominator)}"


@dataclass(frozen=True, kw_only=True)
class GroupScore:
    code: str
    name_vi: str
    max_points: Decimal  # the group's points in the table
    scores: tuple[IndicatorScore, ...]

    @property
    def points(self) -> Decimal:
        return sum((s.points for s in self.scores if s.points is not None), Decimal(0))

    @property
    def counted_max(self) -> Decimal:
        """The maximum of what could be scored (missing counts left out)."""
        return sum((s.max_points for s in self.scores if s.points is not None), Decimal(0))

    @property
    def missing(self) -> int:
        return sum(1 for s in self.scores if s.state is ScoreState.MISSING_COUNTS)


@dataclass(frozen=True, kw_only=True)
class Scorecard:
    """A unit's scores for a period: per group and in total. `points` is what was scored,
    `counted_max` the maximum of the indicators that could be scored (never counting a
    missing count as zero); `score_100` puts them on the 100-point scale."""

    groups: tuple[GroupScore, ...]

    @property
    def scores(self) -> list[IndicatorScore]:
        return [s for g in self.groups for s in g.scores]

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def counted_max(self) -> Decimal:
        return sum((g.counted_max for g in self.groups), Decimal(0))

    @property
    def table_max(self) -> Decimal:
        return sum((g.max_points for g in self.groups), Decimal(0))

    @property
    def lost(self) -> Decimal:
        return self.counted_max - self.points

    @property
    def score_100(self) -> Decimal | None:
        """Points on the table's scale (100) over what could be scored; None when nothing
        could be."""
        if not self.counted_max:
            return None
        return (self.points * self.table_max / self.counted_max).quantize(
            _CENT, rounding=ROUND_HALF_UP
        )

    @property
    def missing(self) -> int:
        return sum(g.missing for g in self.groups)

    @property
    def computed(self) -> int:
        return sum(1 for s in self.scores if s.state is ScoreState.COMPUTED)

    def hints(self) -> list[IndicatorScore]:
        """The indicators with a recovery hint, those losing most first."""
        with_hint = [s for s in self.scores if s.hint_vi]
        return sorted(with_hint, key=lambda s: s.lost or Decimal(0), reverse=True)


def count_value(name: str, counts: Counts) -> int | None:
    if name == "in_progress":
        total, resolved = counts.get("total"), counts.get("resolved")
        if total is None or resolved is None:
            return None
        return max(total - resolved, 0)
    return counts.get(name)


def _evaluate(
    numerator: Sequence[str], denominator: Sequence[str], counts: Counts
) -> tuple[int | None, int | None, tuple[str, ...]]:
    """Numerator and denominator, or None with the labels of the missing counts."""
    missing = []
    values: dict[str, int] = {}
    for term in (*numerator, *denominator):
        name = term.lstrip("-")
        value = count_value(name, counts)
        if value is None:
            if count_label(name) not in missing:
                missing.append(count_label(name))
        else:
            values[name] = value
    if not numerator or not denominator:
        # A row of the table whose counts the portal does not collect (yet).
        return None, None, ("số liệu chưa được thu thập trên cổng này",)
    if missing:
        return None, None, tuple(missing)
    num = sum(-values[t[1:]] if t.startswith("-") else values[t] for t in numerator)
    den = sum(values[t] for t in denominator)
    return max(num, 0), den, ()


def _round(points: Decimal) -> Decimal:
    return points.quantize(_CENT, rounding=ROUND_HALF_UP)


def score_indicator(
    rule: IndicatorRule,
    counts: Counts,
    *,
    level: str = "",
    not_applicable_full: bool = True,
) -> IndicatorScore:
    """One indicator's score from the counts of a unit at `level` (a UnitLevel value)."""
    if level and level in rule.not_applicable_levels:
        points = rule.max_points if not_applicable_full else None
        return IndicatorScore(rule=rule, state=ScoreState.NOT_APPLICABLE, points=points)
    num, den, missing = _evaluate(rule.numerator, rule.denominator, counts)
    approximate = False
    if num is None and rule.approx_numerator:
        num, den, _missing = _evaluate(rule.approx_numerator, rule.approx_denominator, counts)
        approximate = num is not None
    if num is None or den is None:
        return IndicatorScore(rule=rule, state=ScoreState.MISSING_COUNTS, missing=missing)
    if den == 0:
        if rule.kind is RuleKind.FULL_IF_EMPTY:
            return IndicatorScore(
                rule=rule,
                state=ScoreState.COMPUTED,
                points=rule.max_points,
                numerator=num,
                denominator=den,
                approximate=approximate,
            )
        # Nothing to divide: no data, as everywhere in the portal (never 0 %).
        return IndicatorScore(
            rule=rule,
            state=ScoreState.MISSING_COUNTS,
            numerator=num,
            denominator=den,
            missing=(count_label(rule.denominator[0]) + " = 0",),
        )
    num = min(num, den)
    share = Decimal(num) / Decimal(den)
    if rule.kind is RuleKind.THRESHOLD:
        assert rule.threshold is not None
        bar = rule.threshold / _HUNDRED
        raw = rule.max_points if share >= bar else rule.max_points * share / bar
    else:
        raw = rule.max_points * share
    points = _round(raw)
    return IndicatorScore(
        rule=rule,
        state=ScoreState.COMPUTED,
        points=points,
        numerator=num,
        denominator=den,
        approximate=approximate,
        hint_vi=recovery_hint(rule, num, den, points),
    )


def recovery_hint(rule: IndicatorRule, numerator: int, denominator: int, points: Decimal) -> str:
    """What it takes to regain the points lost, in dossiers:
    - threshold: "thêm 40 hồ sơ trực tuyến để đạt 50 % (+2,4 điểm)" (the same dossiers
      handled differently, so the denominator stays);
    - linear: "3 hồ sơ trễ hạn làm mất 1,2 điểm" (each costs max / denominator)."""
    lost = rule.max_points - points
    if lost <= 0 or denominator <= 0:
        return ""
    if rule.kind is RuleKind.THRESHOLD:
        assert rule.threshold is not None
        needed = math.ceil(rule.threshold * denominator / _HUNDRED) - numerator
        if needed <= 0:
            return ""
        label = rule.gain_label or "hồ sơ"
        return (
            f"thêm {format_int_vi(needed)} {label} để đạt {format_trimmed_vi(rule.threshold)} % "
            f"(+{format_trimmed_vi(lost)} điểm)"
        )
    shortfall = denominator - numerator
    if shortfall <= 0:
        return ""
    label = rule.shortfall_label or "hồ sơ chưa đạt"
    return f"{format_int_vi(shortfall)} {label} làm mất {format_trimmed_vi(lost)} điểm"


@dataclass(frozen=True, kw_only=True)
class GroupDef:
    code: str
    name_vi: str
    max_points: Decimal
    order: int = 0


@dataclass(frozen=True, kw_only=True)
class RuleTable:
    """One version of the table: groups, their rules, and whether an indicator that does
    not apply at a level earns its full points there."""

    version: str
    groups: tuple[GroupDef, ...]
    rules: tuple[IndicatorRule, ...] = field(default_factory=tuple)
    not_applicable_full: bool = True


def score_unit(table: RuleTable, counts: Counts, *, level: str = "") -> Scorecard:
    """Every indicator of the table scored from the counts, grouped."""
    groups = []
    for group in sorted(table.groups, key=lambda g: (g.order, g.code)):
        rules = sorted(
            (r for r in table.rules if r.group_code == group.code), key=lambda r: (r.order, r.code)
        )
        scores = tuple(
            score_indicator(r, counts, level=level, not_applicable_full=table.not_applicable_full)
            for r in rules
        )
        groups.append(
            GroupScore(
                code=group.code, name_vi=group.name_vi, max_points=group.max_points, scores=scores
            )
        )
    return Scorecard(groups=tuple(groups))


def format_score_vi(value: Decimal | None) -> str:
    return format_decimal_vi(value) if value is not None else "—"


# --------------------------------------------------------------------------- bands, red/green


# The portal's own bands of the 100-point score for the map: no official grade bands were
# found in any source (see INDEX766.md), so these are this portal's and say so. Each band
# has its own marker shape beside its colour (Okabe-Ito colours, readable with the common
# colour-vision deficiencies), so the map also reads in black and white.
@dataclass(frozen=True, kw_only=True)
class ScoreBand:
    key: str
    label_vi: str
    lower: Decimal | None  # the band holds scores >= lower (None: not computable)
    colour: str
    symbol: str  # a Plotly marker symbol


SCORE_BANDS: tuple[ScoreBand, ...] = (
    ScoreBand(
        key="from_90", label_vi="● Từ 90 điểm", lower=Decimal(90), colour="#0072b2", symbol="circle"
    ),
    ScoreBand(
        key="from_80",
        label_vi="■ 80 – dưới 90",
        lower=Decimal(80),
        colour="#56b4e9",
        symbol="square",
    ),
    ScoreBand(
        key="from_65",
        label_vi="▲ 65 – dưới 80",
        lower=Decimal(65),
        colour="#e69f00",
        symbol="triangle-up",
    ),
    ScoreBand(key="below_65", label_vi="✘ Dưới 65", lower=Decimal(0), colour="#d55e00", symbol="x"),
    ScoreBand(
        key="not_computable",
        label_vi="– Không tính được",
        lower=None,
        colour="#8c959f",
        symbol="line-ew-open",
    ),
)


def score_band(score_100: Decimal | None) -> ScoreBand:
    """The band of a score on the 100-point scale; "not computable" without one."""
    if score_100 is not None:
        for band in SCORE_BANDS:
            if band.lower is not None and score_100 >= band.lower:
                return band
    return SCORE_BANDS[-1]


# The chairman's red/green of a group: red when it loses more than this share of the
# points that could be computed in it (10 %: a group of 20 points losing more than 2),
# green otherwise, grey when none of its indicators could be computed. The portal's own
# rule, as the bands are.
GROUP_RED_SHARE = Decimal("0.10")


class GroupColour(StrEnum):
    GREEN = "met"
    RED = "missed"
    GREY = "no_data"


def group_colour(group: GroupScore) -> GroupColour:
    if not group.counted_max:
        return GroupColour.GREY
    lost = group.counted_max - group.points
    return GroupColour.RED if lost > group.counted_max * GROUP_RED_SHARE else GroupColour.GREEN
