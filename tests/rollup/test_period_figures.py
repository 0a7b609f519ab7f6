"""period_figures, the roll-up in SQL, against the rule in Python (indicators/domain/rollup.py):
for every unit and every period asked, the rows it returns are the pieces `coverage` chooses
from that unit's entered periods, or none when `coverage` refuses the period."""

from __future__ import annotations

import datetime as dt
import random

from indicators.domain import periods
from indicators.domain.rollup import coverage
from indicators.models import FiguresStatus, Period, UnitFigures
from indicators.selectors import UnitIds, counts_by_unit, period_figures
from tests.base import BaseTestCase
from units.models import AdministrativeUnit, UnitLevel

ND09 = periods.Convention.DECREE09
CAL = periods.Convention.CALENDAR
D = dt.date
ND09_MONTHS = [periods.month(2026, m, ND09) for m in range(1, 13)]
CAL_MONTHS = [periods.month(2026, m, CAL) for m in range(1, 13)]
ND09_QUARTERS = [periods.quarter(2026, q, ND09) for q in range(1, 5)]
CAL_QUARTERS = [periods.quarter(2026, q, CAL) for q in range(1, 5)]
ND09_YEAR = periods.year_period(2026, ND09)
CAL_YEAR = periods.year_period(2026, CAL)
# The Decree 09 February (15/01–14/02) entered again as a date range: the same days under
# another code, which sorts first ("2026-01-15..2026-02-14" < "2026-M02-ND09").
FEBRUARY_AS_RANGE = periods.custom(D(2026, 1, 15), D(2026, 2, 14))
DECEMBER_2025_CAL = periods.month(2025, 12, CAL)  # over the Decree 09 year's first edge
JANUARY_2027_ND09 = periods.month(2027, 1, ND09)  # 15/12/2026–14/01/2027: over the last one

SUBMITTED, DRAFT = FiguresStatus.SUBMITTED, FiguresStatus.DRAFT

# What each unit entered: named cases for every branch of the rule.
SCENARIOS: dict[str, list[tuple[periods.PeriodSpec, str]]] = {
    "twelve months": [(m, SUBMITTED) for m in ND09_MONTHS],
    "the year beside its months": [(ND09_YEAR, SUBMITTED), *((m, SUBMITTED) for m in ND09_MONTHS)],
    "a quarter beside its months and the next months": [
        (ND09_QUARTERS[0], SUBMITTED),
        *((m, SUBMITTED) for m in ND09_MONTHS[:6]),
    ],
    "calendar months over Decree 09 months (crossing)": [
        (CAL_MONTHS[0], SUBMITTED),
        (ND09_MONTHS[1], SUBMITTED),
        (ND09_MONTHS[2], SUBMITTED),
    ],
    # Both crossing months lie inside the quarter, which stands: nothing left crosses.
    "crossing months held by a quarter": [
        (ND09_QUARTERS[0], SUBMITTED),
        (CAL_MONTHS[0], SUBMITTED),
        (ND09_MONTHS[1], SUBMITTED),
        (ND09_MONTHS[4], SUBMITTED),
    ],
    "the same days under two codes": [
        (FEBRUARY_AS_RANGE, SUBMITTED),
        (ND09_MONTHS[1], SUBMITTED),
        (ND09_MONTHS[2], SUBMITTED),
    ],
    "the same days under two codes, held by a quarter": [
        (FEBRUARY_AS_RANGE, SUBMITTED),
        (ND09_MONTHS[1], SUBMITTED),
        (ND09_QUARTERS[0], SUBMITTED),
    ],
    "a calendar month over the year's first edge": [
        (DECEMBER_2025_CAL, SUBMITTED),
        *((m, SUBMITTED) for m in ND09_MONTHS[:3]),
    ],
    "a month over the year's last edge beside the whole year": [
        (JANUARY_2027_ND09, SUBMITTED),
        (ND09_YEAR, SUBMITTED),
        (ND09_MONTHS[11], SUBMITTED),
    ],
    "a draft year beside submitted months": [
        (ND09_YEAR, DRAFT),
        *((m, SUBMITTED) for m in ND09_MONTHS[:11]),
        (ND09_MONTHS[11], DRAFT),
    ],
    "a draft calendar month crossing submitted months": [
        (CAL_MONTHS[1], DRAFT),
        *((m, SUBMITTED) for m in ND09_MONTHS[:4]),
    ],
    "a draft month straddling the edge": [
        (DECEMBER_2025_CAL, DRAFT),
        *((m, SUBMITTED) for m in ND09_MONTHS),
    ],
    "nested date ranges": [
        (periods.custom(D(2026, 1, 1), D(2026, 6, 30)), SUBMITTED),
        (periods.custom(D(2026, 1, 1), D(2026, 3, 31)), SUBMITTED),
        (periods.custom(D(2026, 2, 1), D(2026, 2, 28)), SUBMITTED),
        (periods.custom(D(2026, 7, 1), D(2026, 7, 31)), SUBMITTED),
    ],
    "a chain of ranges, each crossing the next": [
        (periods.custom(D(2026, 1, 1), D(2026, 2, 15)), SUBMITTED),
        (periods.custom(D(2026, 2, 1), D(2026, 3, 15)), SUBMITTED),
        (periods.custom(D(2026, 3, 1), D(2026, 4, 15)), SUBMITTED),
    ],
    # A range that shares only its last day with the next: overlapping by one day crosses.
    "ranges touching on one day": [
        (periods.custom(D(2026, 1, 1), D(2026, 1, 31)), SUBMITTED),
        (periods.custom(D(2026, 1, 31), D(2026, 2, 28)), SUBMITTED),
    ],
    "ranges one after the other": [
        (periods.custom(D(2026, 1, 1), D(2026, 1, 31)), SUBMITTED),
        (periods.custom(D(2026, 2, 1), D(2026, 2, 28)), SUBMITTED),
    ],
    "only drafts": [(m, DRAFT) for m in ND09_MONTHS[:3]],
}

# What is asked of them: every kind of period in both conventions, and date ranges.
ASKED: list[periods.PeriodSpec] = [
    ND09_YEAR,
    CAL_YEAR,
    ND09_QUARTERS[0],
    CAL_QUARTERS[0],
    periods.half(2026, 1, ND09),
    periods.half(2026, 1, CAL),
    periods.nine_months(2026, ND09),
    ND09_MONTHS[1],
    CAL_MONTHS[0],
    FEBRUARY_AS_RANGE,
    periods.custom(D(2026, 1, 1), D(2026, 2, 28)),
    periods.custom(D(2026, 1, 1), D(2026, 6, 30)),
    periods.custom(D(2025, 12, 1), D(2027, 1, 31)),
]

# Periods a random unit picks from: enough overlaps of every sort to meet what the named
# cases miss.
POOL: list[periods.PeriodSpec] = [
    *ND09_MONTHS[:6],
    *CAL_MONTHS[:6],
    *ND09_QUARTERS[:2],
    *CAL_QUARTERS[:2],
    periods.half(2026, 1, ND09),
    periods.half(2026, 1, CAL),
    ND09_YEAR,
    FEBRUARY_AS_RANGE,
    DECEMBER_2025_CAL,
    periods.custom(D(2026, 1, 1), D(2026, 2, 28)),
    periods.custom(D(2026, 2, 1), D(2026, 2, 14)),
]


def expected_pieces(
    asked: periods.PeriodSpec, entered: list[tuple[periods.PeriodSpec, str]], include_drafts: bool
) -> set[str]:
    """The codes of the periods the rule in Python builds `asked` from (none if refused).
    A period entered for the same days as `asked` under another code (a date range for a
    calendar quarter) is the whole period in SQL, which compares days: asked as itself."""
    specs = [spec for spec, status in entered if include_drafts or status != DRAFT]
    same_days = sorted(s.code for s in specs if (s.start, s.end) == (asked.start, asked.end))
    if same_days:
        asked = next(s for s in specs if s.code == same_days[0])
    built = coverage(asked, specs)
    return set() if built.refusal else {piece.code for piece in built.pieces}


class PeriodFiguresOracleTestCase(BaseTestCase):
    units: list[AdministrativeUnit]
    entered: dict[int, list[tuple[periods.PeriodSpec, str]]]
    names: dict[int, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Communes with nothing entered in 2025–2027 in the seed data, one per case.
        busy = UnitFigures.objects.filter(period__end__gte=D(2025, 1, 1)).values("unit_id")
        free = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).exclude(pk__in=busy)
        generator = random.Random(14)
        randoms: dict[str, list[tuple[periods.PeriodSpec, str]]] = {
            f"random {n}": [
                (spec, str(generator.choice([SUBMITTED, SUBMITTED, DRAFT])))
                for spec in generator.sample(POOL, generator.randint(2, 8))
            ]
            for n in range(40)
        }
        cases: dict[str, list[tuple[periods.PeriodSpec, str]]] = {**SCENARIOS, **randoms}
        cls.units = list(free.order_by("pk")[: len(cases)])
        assert len(cls.units) == len(cases)
        cls.entered, cls.names = {}, {}
        for unit, (name, entered) in zip(cls.units, cases.items(), strict=True):
            cls.entered[unit.pk], cls.names[unit.pk] = entered, name
            UnitFigures.objects.bulk_create(
                UnitFigures(
                    unit=unit,
                    period=Period.objects.for_spec(spec),
                    received=10,
                    carried_over=1,
                    total=11,
                    status=status,
                )
                for spec, status in entered
            )

    def returned(self, asked: periods.PeriodSpec, include_drafts: bool) -> dict[int, set[str]]:
        rows = (
            period_figures(asked.start, asked.end, include_drafts=include_drafts)
            .filter(unit__in=self.units)
            .values_list("unit_id", "period__code")
        )
        found: dict[int, set[str]] = {unit.pk: set() for unit in self.units}
        for unit_id, code in rows:
            found[unit_id].add(code)
        return found

    def test_it_returns_the_pieces_the_rule_chooses_for_every_unit_and_period(self) -> None:
        for include_drafts in (False, True):
            for asked in ASKED:
                found = self.returned(asked, include_drafts)
                for unit in self.units:
                    want = expected_pieces(asked, self.entered[unit.pk], include_drafts)
                    with self.subTest(
                        case=self.names[unit.pk], asked=asked.code, drafts=include_drafts
                    ):
                        self.assertEqual(found[unit.pk], want)

    def test_it_lets_the_quarter_stand_over_the_crossing_months_it_holds(self) -> None:
        unit = self.unit_of("crossing months held by a quarter")
        found = self.returned(ND09_YEAR, include_drafts=False)[unit.pk]
        self.assertEqual(found, {ND09_QUARTERS[0].code, ND09_MONTHS[4].code})

    def test_it_keeps_the_first_code_of_two_for_the_same_days(self) -> None:
        unit = self.unit_of("the same days under two codes")
        found = self.returned(ND09_QUARTERS[0], include_drafts=False)[unit.pk]
        self.assertEqual(found, {FEBRUARY_AS_RANGE.code, ND09_MONTHS[2].code})

    def test_it_refuses_crossing_ranges_and_a_month_over_the_edge(self) -> None:
        for name in (
            "a chain of ranges, each crossing the next",
            "ranges touching on one day",
            "a calendar month over the year's first edge",
            "calendar months over Decree 09 months (crossing)",
        ):
            with self.subTest(case=name):
                unit = self.unit_of(name)
                self.assertEqual(self.returned(ND09_YEAR, include_drafts=False)[unit.pk], set())

    def test_it_lets_a_draft_cross_or_straddle_only_when_drafts_are_asked_for(self) -> None:
        for name in (
            "a draft calendar month crossing submitted months",
            "a draft month straddling the edge",
        ):
            with self.subTest(case=name):
                unit = self.unit_of(name)
                self.assertTrue(self.returned(ND09_YEAR, include_drafts=False)[unit.pk])
                self.assertEqual(self.returned(ND09_YEAR, include_drafts=True)[unit.pk], set())

    def test_it_sums_through_the_callers_as_the_rule_does(self) -> None:
        unit = self.unit_of("a quarter beside its months and the next months")
        counts = counts_by_unit(ND09_YEAR.start, ND09_YEAR.end, unit_ids=[unit.pk])[unit.pk]
        # The quarter and months 4–6 stand: four pieces of 10 received, the first's stock.
        self.assertEqual(counts.counts["received"], 40)
        self.assertEqual(counts.counts["total"], 41)

    def test_it_gives_the_same_pieces_when_narrowed_to_the_units_asked_for(self) -> None:
        # The pass reads only these units' rows: a list, a queryset of units or of ids.
        chosen = self.units[::3]
        ids = [unit.pk for unit in chosen]
        narrowings: dict[str, UnitIds] = {
            "ids": ids,
            "units": AdministrativeUnit.objects.filter(pk__in=ids),
            "values": AdministrativeUnit.objects.filter(pk__in=ids).values("pk"),
        }
        for include_drafts in (False, True):
            for asked in ASKED:
                whole = self.returned(asked, include_drafts)
                for name, unit_ids in narrowings.items():
                    rows = period_figures(
                        asked.start, asked.end, include_drafts=include_drafts, unit_ids=unit_ids
                    ).values_list("unit_id", "period__code")
                    found: dict[int, set[str]] = {pk: set() for pk in ids}
                    for unit_id, code in rows:
                        found[unit_id].add(code)
                    with self.subTest(asked=asked.code, drafts=include_drafts, unit_ids=name):
                        self.assertEqual(found, {pk: whole[pk] for pk in ids})

    def unit_of(self, name: str) -> AdministrativeUnit:
        return next(unit for unit in self.units if self.names[unit.pk] == name)
