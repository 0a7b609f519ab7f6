"""Reads for the drafted dispatch (công văn): every indicator's ranking for one parent
and period, the targets each issuing level set for the parent's desk and its children,
and the raw counts of the appendix.

The number of queries depends neither on the number of indicators nor on the number of
units: three for all the rankings (ranking.selectors.rankings_for), one for all plan
targets, one for the appendix counts and one for the rates published without counts."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Max, Min, Q, Value, When
from django.db.models.fields import BooleanField
from django.db.models.functions import Coalesce

from indicators.domain.formulas import Counts
from indicators.figures.selectors import published_rates
from indicators.models import Indicator, Period, PublishedResult, Target
from indicators.ranking.selectors import Ranking, rankings_for
from indicators.selectors import children_for_ranking, counts_by_unit, parents_for_ranking
from units.models import AdministrativeUnit, UnitLevel, UnitQuerySet


@dataclass(frozen=True)
class TargetRange:
    """Lowest and highest target of a group of units under one plan ("từ 55 đến 60 %").
    A unit meets a range target when it reaches the low end."""

    low: Decimal
    high: Decimal

    @property
    def is_single(self) -> bool:
        return self.low == self.high


@dataclass
class IssuerTargets:
    """What one issuing level (the province, the town itself, the central government) set
    for one indicator: for the parent's own desk and for its children."""

    issuer: AdministrativeUnit | None  # None: the central government
    decision_number: str
    depth: int  # 0 for the central government, then the issuer's depth in the tree
    desk: TargetRange | None = None
    children: TargetRange | None = None


@dataclass
class IndicatorSection:
    indicator: Indicator
    ranking: Ranking
    # From the highest issuer (central, province) down to the parent itself.
    issuers: list[IssuerTargets] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.ranking.parent_row is not None or any(
            row.rate is not None for row in self.ranking.rows
        )

    @property
    def children_issuer(self) -> IssuerTargets | None:
        """The nearest issuer that set targets for the children: the one whose targets the
        ranking applies (the deepest plan wins there too)."""
        with_children = [i for i in self.issuers if i.children is not None]
        return with_children[-1] if with_children else None

    @property
    def floor_issuer(self) -> IssuerTargets | None:
        """The issuer just above the children's target issuer: its target for the children
        is the lower floor ("dưới mức chỉ tiêu tỉnh giao: 35 %")."""
        with_children = [i for i in self.issuers if i.children is not None]
        return with_children[-2] if len(with_children) >= 2 else None

    @property
    def floor(self) -> Decimal | None:
        """The floor, only when it is really lower than the children's target."""
        floor_issuer, target_issuer = self.floor_issuer, self.children_issuer
        if floor_issuer is None or target_issuer is None:
            return None
        assert floor_issuer.children is not None and target_issuer.children is not None
        value = floor_issuer.children.low
        return value if value < target_issuer.children.low else None


@dataclass
class DispatchData:
    parent: AdministrativeUnit
    period: Period
    sections: list[IndicatorSection]
    children_types: list[str]  # unit types of the children, e.g. ["Xã", "Phường"]
    desk_counts: Counts | None  # the parent's own desk over the period, rolled up
    children_counts: Sequence[tuple[AdministrativeUnit, Counts]]  # appendix order
    # (unit, indicator code) -> a rate published without counts (Hoài Nhơn's H1 2023
    # payment and population-database rates), for the parent and its children.
    published: dict[tuple[int, str], PublishedResult] = field(default_factory=dict)

    def published_for(self, section: IndicatorSection) -> list[PublishedResult]:
        code = section.indicator.code
        return [row for (_unit, c), row in self.published.items() if c == code]

    def has_content(self, section: IndicatorSection) -> bool:
        """Worth a section of the dispatch: figures, or at least one published rate."""
        return section.has_data or bool(self.published_for(section))

    @property
    def with_data(self) -> list[IndicatorSection]:
        return [s for s in self.sections if s.has_data]

    @property
    def without_data(self) -> list[IndicatorSection]:
        return [s for s in self.sections if not s.has_data]

    @property
    def with_content(self) -> list[IndicatorSection]:
        return [s for s in self.sections if self.has_content(s)]

    @property
    def without_content(self) -> list[IndicatorSection]:
        return [s for s in self.sections if not self.has_content(s)]

    @property
    def has_sample(self) -> bool:
        return any(s.ranking.has_sample for s in self.with_data)


def _issuer_targets(
    parent: AdministrativeUnit, period: Period, indicators: list[Indicator]
) -> dict[str, list[IssuerTargets]]:
    """indicator code -> targets per issuing level, top first. One query: the targets of
    the parent's desk and its children under the active plans of the period's year issued
    by the parent, one of its ancestors or the central government."""
    children = children_for_ranking(parent, period)
    rows = (
        Target.objects.filter(
            Q(unit=parent) | Q(unit__in=children.values("pk")),
            Q(plan__issuer__isnull=True) | Q(plan__issuer_id__in=parent.ancestor_ids()),
            indicator__in=indicators,
            # A period without a year (a custom range) has no plan: year=None is IS NULL.
            plan__year=period.year,  # type: ignore[misc]  # None is meant, see above
            plan__is_active=True,
        )
        .annotate(
            is_desk=Case(
                When(unit_id=parent.pk, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values(
            "indicator__code",
            "plan_id",
            "plan__decision_number",
            "plan__decision_date",
            "plan__issuer_id",
            "is_desk",
        )
        .annotate(low=Min("value"), high=Max(Coalesce("value_high", "value")))
        .order_by("plan__issuer_id", "-plan__decision_date", "-plan_id")
    )
    issuers = {
        unit.pk: unit
        for unit in AdministrativeUnit.objects.filter(pk__in=parent.ancestor_ids()).order_by()
    }
    result: dict[str, dict[int | None, IssuerTargets]] = {}
    chosen_plan: dict[tuple[str, int | None], int] = {}
    for row in rows:
        code, issuer_id = row["indicator__code"], row["plan__issuer_id"]
        # Several active plans of one issuer in a year: the latest decision wins.
        plan_id = chosen_plan.setdefault((code, issuer_id), row["plan_id"])
        if plan_id != row["plan_id"]:
            continue
        issuer = issuers.get(issuer_id) if issuer_id is not None else None
        entry = result.setdefault(code, {}).setdefault(
            issuer_id,
            IssuerTargets(
                issuer=issuer,
                decision_number=row["plan__decision_number"],
                depth=0 if issuer is None else issuer.depth,
            ),
        )
        value = TargetRange(row["low"], row["high"])
        if row["is_desk"]:
            entry.desk = value
        else:
            entry.children = value
    return {code: sorted(levels.values(), key=lambda i: i.depth) for code, levels in result.items()}


def dispatch_parents(visible: UnitQuerySet, period: Period) -> UnitQuerySet:
    """Units a dispatch may be drafted for: the visible units that had children then."""
    return parents_for_ranking(visible, period).exclude(level=UnitLevel.COMMUNE)


def dispatch_data(
    *, parent: AdministrativeUnit, period: Period, include_drafts: bool = False
) -> DispatchData:
    """Everything the dispatch and its appendix need, for every indicator. A dispatch praises
    and criticises figures the units stand by: drafts only with `include_drafts`."""
    indicators = list(Indicator.objects.all())
    targets = _issuer_targets(parent, period, indicators)
    rankings = rankings_for(
        parent=parent, period=period, indicators=indicators, include_drafts=include_drafts
    )
    sections = [
        IndicatorSection(
            indicator=indicator, ranking=ranking, issuers=targets.get(indicator.code, [])
        )
        for indicator, ranking in zip(indicators, rankings, strict=True)
    ]
    children = list(children_for_ranking(parent, period))
    counts = counts_by_unit(
        period.start,
        period.end,
        unit_ids=[parent.pk, *(child.pk for child in children)],
        include_drafts=include_drafts,
    )
    children_counts = sorted(
        ((child, counts[child.pk].counts) for child in children if child.pk in counts),
        key=lambda pair: (pair[0].unit_type.casefold(), sort_key_vi(pair[0].name), pair[0].code),
    )
    # Rates published without counts: one query for the parent and all its children.
    published = published_rates(
        unit_ids=[parent.pk, *(child.pk for child in children)], period=period
    )
    children_types = (
        [
            unit_type
            for unit_type in ("Xã", "Phường", "Thị trấn", "Đặc khu", "Huyện", "Thị xã", "Thành phố")
            if any(row.unit.unit_type == unit_type for row in sections[0].ranking.rows)
        ]
        if sections
        else []
    )
    if not children_types and parent.level == UnitLevel.DISTRICT:
        children_types = ["Xã", "Phường"]
    return DispatchData(
        parent=parent,
        period=period,
        sections=sections,
        children_types=children_types,
        desk_counts=counts[parent.pk].counts if parent.pk in counts else None,
        children_counts=children_counts,
        published=published,
    )


_BASE = str.maketrans({"đ": "d", "Đ": "D"})


def sort_key_vi(text: str) -> tuple[str, str]:
    """Alphabetical order as a Vietnamese reader expects (Hảo before Hương): base letters
    first, diacritics only to break ties."""
    decomposed = unicodedata.normalize("NFD", text.translate(_BASE))
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return base.casefold(), text.casefold()
