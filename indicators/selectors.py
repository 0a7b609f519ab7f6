"""Reads shared by every feature: the SQL pieces of a rate (numerator, complete rows, the
target that applies), the units ranked under a parent, and the periods and parents a user
can choose. Aggregation happens in the database: the number of queries does not grow with
the number of units."""

from __future__ import annotations

from functools import reduce
from operator import add

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Length

from indicators.domain import formulas, periods
from indicators.models import (
    Indicator,
    Period,
    Target,
    UnitFigures,
)
from units.models import AdministrativeUnit, UnitLevel, UnitQuerySet
from units.selectors import children_of


def numerator_expression(definition: formulas.IndicatorDef, prefix: str = "") -> F | object:
    """Sum of the numerator fields; NULL when any of them is NULL (SQL addition)."""
    return reduce(add, (F(prefix + name) for name in definition.numerator))


def complete_parts_q(definition: formulas.IndicatorDef, prefix: str = "") -> Q:
    """Rows where numerator and denominator were both reported: only those enter a ratio
    of sums, otherwise a unit without a numerator would dilute the total."""
    names = (*definition.numerator, definition.denominator)
    return Q(**{f"{prefix}{name}__isnull": False for name in names})


def target_subquery(indicator: Indicator, year: int | None) -> QuerySet[Target]:
    """The target that applies to OuterRef('pk'): among active plans of the year, the one
    issued closest to the unit (the deepest issuer) wins; the central plan comes last."""
    targets = (
        Target.objects.filter(
            unit=OuterRef("pk"),
            indicator=indicator,
            # A period without a year (a custom range) has no target: year=None is IS NULL.
            plan__year=year,  # type: ignore[misc]  # None is meant, see above
            plan__is_active=True,
        )
        .annotate(issuer_depth=Coalesce(Length("plan__issuer__path"), Value(0)))
        .order_by("-issuer_depth", "-plan__decision_date", "-pk")
    )
    return targets


def children_for_ranking(parent: AdministrativeUnit, period: Period) -> UnitQuerySet:
    """Direct territorial children that existed during the period (agencies are ranked
    separately, among themselves)."""
    return children_of(parent, start=period.start, end=period.end).exclude(level=UnitLevel.AGENCY)


def periods_with_figures(units: UnitQuerySet) -> QuerySet[Period]:
    return Period.objects.filter(
        Exists(UnitFigures.objects.filter(period=OuterRef("pk"), unit__in=units))
    ).order_by("-end", "-start")


def parents_for_ranking(visible: UnitQuerySet, period: Period) -> UnitQuerySet:
    """Units the user may choose as the ranking's parent: visible units that had children
    then, and units that report figures themselves (a commune sees its own row)."""
    children = AdministrativeUnit.objects.filter(parent=OuterRef("pk")).valid_during(
        period.start, period.end
    )
    own_figures = UnitFigures.objects.filter(unit=OuterRef("pk"), period=period)
    return (
        visible.valid_during(period.start, period.end)
        .filter(Q(Exists(children)) | Q(Exists(own_figures), level="commune"))
        .select_related("parent")
        .order_by("path")
    )


def period_for_spec(spec: periods.PeriodSpec) -> Period | None:
    """The stored period with this code, or else one covering exactly the same days (an
    ISO range 2023-01-01..2023-06-30 finds "6 tháng đầu năm 2023")."""
    exact = Period.objects.filter(code=spec.code).first()
    if exact is not None:
        return exact
    return (
        Period.objects.filter(start=spec.start, end=spec.end).order_by("convention", "kind").first()
    )
