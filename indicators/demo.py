"""Real data from the source documents (Hoài Nhơn's H1 2023 dispatch, Đức Phổ's 01/2025
dispatch), plus clearly labelled sample data, for first run.

Real figures come from `fixtures/`; the sample generator is deterministic (seeded by unit
and period codes), so every run and every machine shows the same numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
import time
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from indicators.domain import checks, formulas, periods
from indicators.domain.formulas import COUNT_FIELDS
from indicators.models import (
    FiguresStatus,
    Indicator,
    Period,
    PlanMinimum,
    PublishedResult,
    TargetPlan,
    TierTarget,
    UnitCatalogue,
    UnitFigures,
)
from indicators.targets.selectors import national_minimums
from indicators.targets.services import targets_apply, targets_apply_plans, targets_apply_tiers
from units.models import (
    LEGACY_END,
    AdministrativeUnit,
    Role,
    Structure,
    UnitLevel,
    UnitQuerySet,
    UnitSuccession,
    User,
)
from units.selectors import unit_by_code

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
SAMPLE_SOURCE = "Số liệu mẫu (sinh tự động để minh họa)"

# CSV header of the appendix of Hoài Nhơn's H1 2023 dispatch -> our field names.
CSV_COLUMNS = {
    "total": "total",
    "carried_over": "carried_over",
    "received": "received",
    "with_portal_account": "with_portal_account",
    "received_direct": "received_in_person",
    "received_online": "received_online",
    "digitized_partial": "digitized_partial",
    "digitized_full": "digitized_full",
    "resolved": "resolved",
    "results_digitized": "results_digitized",
    "reused_digitized_data": "reused",
    "resolved_on_time": "resolved_on_time",
    "resolved_late": "resolved_late",
    "e_certified_copies": "e_certified_copies",
}

# Sample figures, month by month (Decree 09 months, 15th to 14th) up to the month in which the
# demo's "today" falls: Gia Lai as it is today (province 52 of the 2025 structure) and, before
# it, the two provinces it was made of (Bình Định 52 and old Gia Lai 64, with their district
# desks and communes); Quảng Ngãi (51: Đức Phổ, Phổ Ninh) too, from the start of the Decree 09
# year 2024 so that the 2025 plans of Đức Phổ and Phổ Ninh keep a whole 2024 as baseline.
# Old Gia Lai (64) exists only when the whole country is loaded (scripts/run.sh); the tests
# load 51 and 52.
DEMO_TODAY = dt.date(2026, 12, 1)
SAMPLE_FIRST_MONTH = {"51": (2024, 1), "52": (2024, 12), "64": (2024, 12)}
LEGACY_SAMPLE_PROVINCES = ("51", "52", "64")
REFORM_SAMPLE_PROVINCES = ("51", "52")

DEMO_PASSWORD = "ChiSo-TTHC-2025"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit_code: str
    as_of: dt.date
    level: str


DEMO_ACCOUNTS = (
    # The two-tier era (from 01/07/2025): Gia Lai = old Gia Lai + Bình Định, province 52.
    DemoAccount("tinh.gialai", Role.PROVINCE_STAFF, "52", dt.date(2026, 1, 1), "province"),
    DemoAccount("chutich.gialai", Role.CHAIRMAN, "52", dt.date(2026, 1, 1), "province"),
    # New Phường Bồng Sơn = old Bồng Sơn + Hoài Đức (21640 read as of 2026).
    DemoAccount("xa.bongson", Role.COMMUNE_OFFICIAL, "21640", dt.date(2026, 1, 1), "commune"),
    DemoAccount("quocgia", Role.NATIONAL, "", dt.date(2026, 1, 1), ""),
    DemoAccount("quantri", Role.ADMIN, "", dt.date(2023, 6, 30), ""),
    # History: the three-tier structure, where the source documents' figures live.
    DemoAccount("tinh.binhdinh", Role.PROVINCE_STAFF, "52", dt.date(2023, 6, 30), "province"),
    DemoAccount("huyen.hoainhon", Role.DISTRICT_STAFF, "543", dt.date(2023, 6, 30), "district"),
    DemoAccount("chutich.hoainhon", Role.CHAIRMAN, "543", dt.date(2023, 6, 30), "district"),
    DemoAccount("xa.hoaiduc", Role.COMMUNE_OFFICIAL, "21685", dt.date(2023, 6, 30), "commune"),
    DemoAccount("huyen.ducpho", Role.DISTRICT_STAFF, "534", dt.date(2024, 12, 14), "district"),
)

# The province's own plan for 2026, so that the communes of today's Gia Lai have targets
# (the Phổ Ninh rule on their 2025 results, the latest national minimums). Not from a
# document: labelled as a sample plan.
DEMO_PLANS = (
    {
        "key": "gia-lai-2026",
        "issuer": "52",
        "as_of": "2026-01-01",
        "year": 2026,
        "title": "Chỉ tiêu cải cách TTHC năm 2026 của tỉnh Gia Lai (kế hoạch mẫu)",
        "decision_number": "Kế hoạch mẫu (minh họa)",
        "decision_date": "2026-01-15",
        "applies_rule": True,
        "uplift_mode": "points",
        "uplift": "10",
        "minimums_from": "2025",
        "apply_to": "52",
    },
    # The first half of 2025, still three tiers: the province ranks its districts' desks,
    # the town its communes, each against a 2025 plan of its own (samples too), so that
    # the accounts of history open on red and green rather than on "no target".
    {
        "key": "binh-dinh-2025",
        "issuer": "52",
        "as_of": "2025-01-01",
        "year": 2025,
        "title": "Chỉ tiêu cải cách TTHC năm 2025 của tỉnh Bình Định (kế hoạch mẫu)",
        "decision_number": "Kế hoạch mẫu (minh họa)",
        "decision_date": "2025-01-20",
        "applies_rule": True,
        "uplift_mode": "points",
        "uplift": "10",
        "minimums_from": "2025",
        "apply_to": "52",
    },
    {
        "key": "hoai-nhon-2025",
        "issuer": "543",
        "as_of": "2025-01-01",
        "year": 2025,
        "title": "Chỉ tiêu cải cách TTHC năm 2025 của thị xã Hoài Nhơn (kế hoạch mẫu)",
        "decision_number": "Kế hoạch mẫu (minh họa)",
        "decision_date": "2025-02-10",
        "applies_rule": True,
        "uplift_mode": "points",
        "uplift": "10",
        "minimums_from": "2025",
        "apply_to": "543",
    },
)


@dataclass
class DemoReport:
    figures_real: int = 0
    figures_sample: int = 0
    published: int = 0
    targets: int = 0
    seconds: float = 0.0
    users: list[tuple[str, str, str]] = field(default_factory=list)


def _period(code: str) -> Period:
    return Period.objects.for_spec(periods.parse_period_code(code))


def _indicators() -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.all()}


@transaction.atomic
def demo_load(*, sample: bool = True, users: bool = True) -> DemoReport:
    """Load everything a first run shows. Idempotent: rows are matched, not duplicated."""
    began = time.monotonic()
    report = DemoReport()
    data = json.loads((FIXTURES_DIR / "real_data.json").read_text(encoding="utf-8"))
    indicators = _indicators()
    for entry in data["figures"]:
        report.figures_real += _load_figures_csv(entry, indicators, report)
    for entry in data["published_results"]:
        unit = unit_by_code(entry["unit"], on=dt.date.fromisoformat(entry["as_of"]))
        PublishedResult.objects.update_or_create(
            unit=unit,
            period=_period(entry["period"]),
            indicator=indicators[entry["indicator"]],
            defaults={"rate": Decimal(entry["rate"]), "source": entry["source"]},
        )
        report.published += 1
    if sample:
        report.figures_sample = sample_figures_generate()
    # The sample plan goes with the sample figures its baselines are read from.
    for plan_data in (*data["plans"], *(DEMO_PLANS if sample else ())):
        report.targets += _load_plan(plan_data, data["national_minimums"], indicators)
    if users:
        report.users = demo_users_create()
    report.seconds = time.monotonic() - began
    return report


def _load_figures_csv(entry: dict, indicators: dict[str, Indicator], report: DemoReport) -> int:
    period = _period(entry["period"])
    as_of = dt.date.fromisoformat(entry["as_of"])
    count = 0
    with open(FIXTURES_DIR / entry["csv"], encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            unit = unit_by_code(row["gso_code"], on=as_of)
            counts = {field_name: int(row[column]) for column, field_name in CSV_COLUMNS.items()}
            UnitFigures.objects.update_or_create(
                unit=unit,
                period=period,
                # Published by the district office: approved and locked.
                defaults={
                    **counts,
                    "is_sample": False,
                    "source": entry["source"],
                    "status": FiguresStatus.APPROVED,
                },
            )
            count += 1
            for code, column in entry.get("published_rate_columns", {}).items():
                if row.get(column):
                    PublishedResult.objects.update_or_create(
                        unit=unit,
                        period=period,
                        indicator=indicators[code],
                        defaults={"rate": Decimal(row[column]), "source": entry["source"]},
                    )
                    report.published += 1
    return count


def _load_plan(
    plan_data: dict, national: dict[str, dict[str, str]], indicators: dict[str, Indicator]
) -> int:
    issuer = unit_by_code(plan_data["issuer"], on=dt.date.fromisoformat(plan_data["as_of"]))
    decision_date = plan_data.get("decision_date")
    plan, created = TargetPlan.objects.update_or_create(
        issuer=issuer,
        year=plan_data["year"],
        title=plan_data["title"],
        defaults={
            "decision_number": plan_data.get("decision_number", ""),
            "decision_date": dt.date.fromisoformat(decision_date) if decision_date else None,
            "applies_rule": plan_data["applies_rule"],
            "uplift_mode": plan_data.get("uplift_mode", "points"),
            "uplift": Decimal(plan_data.get("uplift", "10")),
        },
    )
    for code, value in national.get(plan_data.get("minimums_from", ""), {}).items():
        PlanMinimum.objects.update_or_create(
            plan=plan, indicator=indicators[code], defaults={"value": Decimal(value)}
        )
    for tier in plan_data.get("tiers", []):
        TierTarget.objects.update_or_create(
            plan=plan,
            indicator=indicators[tier["indicator"]],
            level=tier["level"],
            defaults={"value": Decimal(tier["value"])},
        )
    written = targets_apply_tiers(plan=plan)
    # The rule reads every unit's last-year result (about a second per ten units): applied
    # once, when the plan is new, so that running the command again stays quick.
    if plan.applies_rule and plan_data.get("apply_to") and created:
        parent = unit_by_code(plan_data["apply_to"], on=dt.date(plan.year, 1, 1))
        written += len(targets_apply(plan=plan, parent=parent))
    return written


def sample_months(first: tuple[int, int], today: dt.date = DEMO_TODAY) -> list[periods.PeriodSpec]:
    """Decree 09 months from `first` (year, month) to the one that contains `today`: the last
    one is the month being reported now, the first days of it only."""
    last = periods.reporting_period_containing(
        today, periods.PeriodKind.MONTH, periods.Convention.DECREE09
    )
    year, number = first
    months = []
    while True:
        spec = periods.month(year, number, periods.Convention.DECREE09)
        months.append(spec)
        if spec.code == last.code:
            return months
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)


def _month_index(spec: periods.PeriodSpec) -> int:
    assert spec.year is not None and spec.number is not None
    return spec.year * 12 + spec.number


def _in_force_at_end(spec: periods.PeriodSpec) -> str:
    """The structure a month is reported on: the one in force when it closes (as GSO codes
    are read, units.selectors.unit_by_code_during). The Decree 09 month 15/06–14/07/2025
    straddles the merger of 01/07/2025; it is 2025-M07-ND09 and is reported by the new
    communes (their first month, its first half on their predecessors' ground), so the
    legacy structure reports up to 2025-M06-ND09 (15/05–14/06) and no day is counted twice
    or lost."""
    return Structure.LEGACY if spec.end <= LEGACY_END else Structure.REFORM_2025


# Each rate a sample unit has, with the count fields it is the share of and the range a unit
# without a real figure draws its level from. "portal" (received with a national-portal
# account) is no indicator but a share like the others.
_SHARE_RANGES: dict[str, tuple[float, float]] = {
    "online": (0.45, 0.95),
    "payment": (0.40, 0.95),
    "digitization": (0.50, 0.98),
    "e_results": (0.50, 0.98),
    "reuse": (0.10, 0.70),
    "feedback": (0.85, 1.0),
    "satisfaction": (0.88, 0.995),
    "on_time": (0.93, 1.0),
    "population_db": (0.50, 1.0),
    "portal": (0.50, 0.95),
}


@dataclass
class SampleProfile:
    """How a unit reports: dossiers received a month and, per rate, a level at a month
    that moves gently towards 100 % (or slowly away from it) at its own pace."""

    monthly: float
    anchors: dict[str, tuple[float, int]]  # rate -> (share 0–1, month index it holds at)
    pace: dict[str, float]  # rate -> share of the distance to 100 % closed per month

    def level(self, key: str, month_index: int) -> float:
        share, anchored_at = self.anchors[key]
        moved = 1 - (1 - share) * math.exp(-self.pace[key] * (month_index - anchored_at))
        return min(1.0, max(0.0, moved))


def _random_profile(unit: AdministrativeUnit, start_index: int, seed: str = "") -> SampleProfile:
    rng = random.Random(f"{seed}unit:{unit.structure}:{unit.code}")
    monthly = rng.uniform(350, 1000) if unit.level == UnitLevel.DISTRICT else rng.uniform(40, 220)
    return SampleProfile(
        monthly=monthly,
        anchors={key: (rng.uniform(*bounds), start_index) for key, bounds in _SHARE_RANGES.items()},
        pace={key: rng.uniform(-0.003, 0.02) for key in _SHARE_RANGES},
    )


def _real_anchors(units: list[AdministrativeUnit]) -> dict[int, SampleProfile]:
    """Profiles of the units a document gives figures or published rates for: the sample
    continues that level (Hoài Đức's 93,33 % online in H1 2023 stays in the nineties)
    instead of drawing a new one. Two queries."""
    by_pk = {unit.pk: unit for unit in units}
    profiles: dict[int, SampleProfile] = {}

    def profile_of(unit_id: int) -> SampleProfile:
        if unit_id not in profiles:
            profiles[unit_id] = _random_profile(by_pk[unit_id], 0)
        return profiles[unit_id]

    def month_of(day: dt.date) -> int:
        return _month_index(
            periods.reporting_period_containing(
                day, periods.PeriodKind.MONTH, periods.Convention.DECREE09
            )
        )

    real = UnitFigures.objects.filter(unit_id__in=list(by_pk), is_sample=False).select_related(
        "period"
    )
    for figures in real.order_by("period__end"):
        profile = profile_of(figures.unit_id)
        counts = figures.counts()
        days = (figures.period.end - figures.period.start).days + 1
        if counts["received"]:
            profile.monthly = counts["received"] * 30.4 / days
        at = month_of(figures.period.end)
        for code, definition in formulas.INDICATORS_BY_CODE.items():
            share = formulas.indicator_rate(definition, counts)
            if share is not None:
                profile.anchors[code] = (float(share) / 100, at)
        portal, received = counts["with_portal_account"], counts["received"]
        if portal is not None and received:
            profile.anchors["portal"] = (portal / received, at)
    published = PublishedResult.objects.filter(unit_id__in=list(by_pk)).select_related(
        "period", "indicator"
    )
    for result in published.order_by("period__end"):
        profile = profile_of(result.unit_id)
        profile.anchors[result.indicator.code] = (
            float(result.rate) / 100,
            month_of(result.period.end),
        )
    return profiles


def _merged_profile(
    unit: AdministrativeUnit, parts: list[tuple[SampleProfile, float]], at: int, seed: str = ""
) -> SampleProfile:
    """A 2025 commune continues its predecessors: its volume is theirs (a commune split
    between several new ones gives each its share) and each level the ratio of sums of
    their levels at the merger, weighted by their dossiers."""
    own = _random_profile(unit, at, seed)
    volume = sum(profile.monthly * weight for profile, weight in parts)
    if not volume:
        return own
    anchors = {
        key: (sum(p.monthly * w * p.level(key, at) for p, w in parts) / volume, at)
        for key in _SHARE_RANGES
    }
    pace = {key: sum(p.monthly * w * p.pace[key] for p, w in parts) / volume for key in anchors}
    return SampleProfile(monthly=volume, anchors=anchors, pace=pace)


def sample_status(unit: AdministrativeUnit, month_index: int, current: int) -> str | None:
    """Months up to two months before the current one are approved; the month just closed
    is mostly submitted or approved with some drafts and a few units missing; the current
    month, reported in its first days, mostly missing (None = not reported), so the to-do
    and "who has not reported" screens have content."""
    if month_index <= current - 2:
        return FiguresStatus.APPROVED
    rng = random.Random(f"status:{unit.structure}:{unit.code}:{month_index}")
    choices: list[str | None]
    if month_index == current - 1:
        choices, weights = (
            [FiguresStatus.APPROVED, FiguresStatus.SUBMITTED, FiguresStatus.DRAFT, None],
            [55, 30, 8, 7],
        )
    else:
        choices, weights = [None, FiguresStatus.DRAFT, FiguresStatus.SUBMITTED], [60, 25, 15]
    return rng.choices(choices, weights)[0]


def sample_counts(
    unit: AdministrativeUnit,
    spec: periods.PeriodSpec,
    profile: SampleProfile,
    *,
    carried_over: int | None,
    days: int,
    seed: str = "",
    noise: float = 1.0,
) -> dict[str, int]:
    """One month's counts around the unit's levels (noise of a few points), passing every
    check of formulas.check_identities; `carried_over` is what the month before left
    unresolved (the stock of the roll-up), `days` the days reported so far; `noise`
    scales the month-to-month noise of volume and rates (1: load_demo's sample)."""
    rng = random.Random(f"{seed}figures:{unit.structure}:{unit.code}:{spec.code}")
    index = _month_index(spec)

    def between(low: float, high: float) -> float:
        """rng.uniform(low, high) with its spread scaled by `noise` around the middle (the
        same draw as rng.uniform at noise 1)."""
        middle, half_width = (low + high) / 2, (high - low) / 2 * noise
        return rng.uniform(middle - half_width, middle + half_width)

    def share(key: str) -> float:
        return min(1.0, max(0.0, profile.level(key, index) + between(-0.025, 0.025)))

    received = max(3, round(profile.monthly * days / 30.4 * between(0.85, 1.15)))
    if carried_over is None:
        carried_over = rng.randint(0, max(1, received // 30))
    total = carried_over + received
    resolved = min(total, round(total * between(0.93, 0.99)))
    on_time = round(resolved * share("on_time"))
    online = round(received * share("online"))
    digitized = round(received * share("digitization"))
    digitized_full = round(digitized * between(0.7, 1.0))
    payments_total = round(resolved * between(0.4, 0.8))
    feedback_received = rng.choice([0, 0, 1, 1, 2, 3, 4])
    ratings_total = round(resolved * between(0.1, 0.4))

    def copies() -> int:  # drawn in its place among the shares: the demo's sample stays
        return rng.randint(5, 60) if noise == 1 else round(between(5, 60))

    return {
        "total": total,
        "carried_over": carried_over,
        "received": received,
        "with_portal_account": round(received * share("portal")),
        "received_in_person": received - online,
        "received_online": online,
        "digitized_partial": digitized - digitized_full,
        "digitized_full": digitized_full,
        "resolved": resolved,
        "results_digitized": round(resolved * share("e_results")),
        "reused": round(received * share("reuse")),
        "resolved_on_time": on_time,
        "resolved_late": resolved - on_time,
        "e_certified_copies": copies() * (5 if unit.level == UnitLevel.DISTRICT else 1),
        "payments_online": round(payments_total * share("payment")),
        "payments_total": payments_total,
        "feedback_received": feedback_received,
        "feedback_on_time": round(feedback_received * share("feedback")),
        "ratings_satisfied": round(ratings_total * share("satisfaction")),
        "ratings_total": ratings_total,
        "population_db_checked": round(received * share("population_db")),
    }


def sample_figures_generate(*, today: dt.date = DEMO_TODAY) -> int:
    """Monthly sample figures for the sample provinces' units (legacy desks and communes up
    to 2025-M06-ND09, the 2025 communes from 2025-M07-ND09), where no figure exists yet.
    A handful of queries and one bulk insert, whatever the number of units and months."""
    legacy = list(
        _in_sample_provinces(Structure.LEGACY, LEGACY_SAMPLE_PROVINCES).filter(
            level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE]
        )
    )
    reform = list(
        _in_sample_provinces(Structure.REFORM_2025, REFORM_SAMPLE_PROVINCES).filter(
            level=UnitLevel.COMMUNE
        )
    )
    province_codes = dict(
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).values_list("pk", "code")
    )
    # The province is the first unit of the materialised path.
    province_of = {u.pk: province_codes[u.ancestor_ids()[0]] for u in [*legacy, *reform]}
    months = {code: sample_months(first, today) for code, first in SAMPLE_FIRST_MONTH.items()}
    current = _month_index(months["52"][-1])
    every_month = {spec.code: spec for specs in months.values() for spec in specs}
    stored = {code: _period(code) for code in sorted(every_month)}

    taken = set(
        UnitFigures.objects.filter(period__in=list(stored.values())).values_list(
            "unit_id", "period_id"
        )
    )
    # A published real result wins over any sample of the days it covers.
    published = [
        (unit_id, start, end)
        for unit_id, start, end in PublishedResult.objects.values_list(
            "unit_id", "period__start", "period__end"
        )
    ]

    def is_published(unit_id: int, spec: periods.PeriodSpec) -> bool:
        return any(
            u == unit_id and start <= spec.start and spec.end <= end for u, start, end in published
        )

    profiles = _real_anchors(legacy)
    legacy_last = _month_index(periods.month(2025, 6, periods.Convention.DECREE09))
    for unit in legacy:
        if unit.pk not in profiles:
            profiles[unit.pk] = _random_profile(unit, _month_index(months[province_of[unit.pk]][0]))
    links = list(
        UnitSuccession.objects.filter(successor__in=reform).values_list(
            "successor_id", "predecessor_id"
        )
    )
    shares: dict[int, int] = {}
    for _successor, predecessor in UnitSuccession.objects.filter(
        predecessor__in=[p for _s, p in links]
    ).values_list("successor_id", "predecessor_id"):
        shares[predecessor] = shares.get(predecessor, 0) + 1
    parts: dict[int, list[tuple[SampleProfile, float]]] = {}
    for successor, predecessor in links:
        if predecessor in profiles:
            parts.setdefault(successor, []).append((profiles[predecessor], 1 / shares[predecessor]))
    for unit in reform:
        profiles[unit.pk] = _merged_profile(unit, parts.get(unit.pk, []), legacy_last)

    gia_lai_today = {u for u in reform if province_of[u.pk] == INDEX766_SAMPLE_PROVINCE}
    rows = []
    for unit in [*legacy, *reform]:
        carried: int | None = None
        for spec in months[province_of[unit.pk]]:
            if _in_force_at_end(spec) != unit.structure or not _reports_during(unit, spec):
                continue
            index = _month_index(spec)
            days = (min(spec.end, today) - spec.start).days + 1
            counts = sample_counts(unit, spec, profiles[unit.pk], carried_over=carried, days=days)
            carried = counts["total"] - counts["resolved"]
            period = stored[spec.code]
            status = sample_status(unit, index, current)
            if status is None or (unit.pk, period.pk) in taken or is_published(unit.pk, spec):
                continue
            extra = sample_index766_counts(unit, spec, counts) if unit in gia_lai_today else {}
            rows.append(
                UnitFigures(
                    unit=unit,
                    period=period,
                    is_sample=True,
                    source=SAMPLE_SOURCE,
                    status=status,
                    **counts,
                    **extra,
                )
            )
    UnitFigures.objects.bulk_create(rows, batch_size=1000)
    sample_catalogue_create(sorted(gia_lai_today, key=lambda u: u.code))
    return len(rows)


# The 766 pre-run's extra counts and catalogue figures are sampled for today's Gia Lai
# only (its communes' page shows computed scores; the other units show what is missing).
INDEX766_SAMPLE_PROVINCE = "52"
CATALOGUE_STATED_ON = dt.date(2025, 7, 1)


def sample_index766_counts(
    unit: AdministrativeUnit, spec: periods.PeriodSpec, counts: dict[str, int]
) -> dict[str, int]:
    """The optional counts of the 766 index for one sample month, consistent with its
    counts (checks.extra_identity_violations). A generator of its own, so that the standard
    counts stay what they were."""
    rng = random.Random(f"index766:{unit.structure}:{unit.code}:{spec.code}")
    in_progress = counts["total"] - counts["resolved"]
    feedback, on_time = counts["feedback_received"], counts["feedback_on_time"]
    dissatisfied = rng.randint(0, on_time // 2) if on_time else 0
    return {
        "in_progress_on_time": round(in_progress * rng.uniform(0.6, 1.0)),
        "synced_dossiers": round(counts["received"] * rng.uniform(0.9, 1.0)),
        "fee_dossiers": counts["payments_total"],
        "paid_online_dossiers": counts["payments_online"],
        "population_db_authenticated": round(counts["received"] * rng.uniform(0.3, 0.9)),
        "feedback_dissatisfied": dissatisfied,
        "feedback_repeated": 0,
        "feedback_overdue": feedback - on_time,
    }


def sample_catalogue_create(units: list[AdministrativeUnit]) -> int:
    """Catalogue figures of each unit stated on 01/07/2025 (the new communes' first day),
    where none is stated that day. One bulk insert."""
    rows = []
    for unit in units:
        rng = random.Random(f"catalogue:{unit.structure}:{unit.code}")
        total = rng.randint(280, 420)
        online = round(total * rng.uniform(0.8, 0.98))
        with_fee = round(total * rng.uniform(0.2, 0.35))
        rows.append(
            UnitCatalogue(
                unit=unit,
                stated_on=CATALOGUE_STATED_ON,
                procedures_total=total,
                procedures_online=online,
                procedures_online_used=round(online * rng.uniform(0.3, 0.7)),
                procedures_with_fee=with_fee,
                procedures_paid_online=round(with_fee * rng.uniform(0.5, 0.95)),
                procedures_fee_integrated=round(with_fee * rng.uniform(0.6, 1.0)),
                source=SAMPLE_SOURCE,
            )
        )
    UnitCatalogue.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --------------------------------------------------------------------------- at scale

SCALE_SOURCE = "Số liệu mẫu (sinh tự động để đo tốc độ)"
SCALE_PLAN_TITLE = "Chỉ tiêu cải cách TTHC năm {year} của {issuer} (kế hoạch mẫu)"
SCALE_BATCH = 2000  # rows per INSERT: bounded memory whatever the scope
SCALE_CALM = 0.4  # noise and trends of the demo's sample, scaled down
SCALE_DRAWS = 8  # draws of a month before keeping one that raises a warning


@dataclass
class ScaleReport:
    months: int = 0
    figures: int = 0
    skipped: int = 0
    plans: int = 0
    targets: int = 0
    warned: int = 0  # rows kept although they raise a warning (no draw passed)
    seconds: float = 0.0


def _months_between(first: tuple[int, int], last: tuple[int, int]) -> list[periods.PeriodSpec]:
    year, number = first
    months = []
    while (year, number) <= last:
        months.append(periods.month(year, number, periods.Convention.DECREE09))
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return months


def _scope_units(provinces: list[str] | None) -> UnitQuerySet:
    """Every unit (None: of the country), or those of the provinces with these codes in
    either structure (52 is Bình Định until 30/06/2025 and Gia Lai after)."""
    if provinces is None:
        return AdministrativeUnit.objects.all()
    roots = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code__in=provinces)
    subtrees = Q(pk__in=[])
    for root in roots:
        subtrees |= Q(path__startswith=root.path)
    return AdministrativeUnit.objects.filter(subtrees)


def scale_figures_generate(
    *,
    first: tuple[int, int],
    last: tuple[int, int],
    provinces: list[str] | None = None,
    seed: int = 0,
    today: dt.date = DEMO_TODAY,
    targets: bool = True,
) -> ScaleReport:
    """Sample figures of every reporting unit (district desks and communes) valid in each
    Decree 09 month from `first` to `last` (year, month), on the structure in force when
    the month closes, as load_demo's sample: each unit continues its real level where a
    document gives one, a 2025 commune its predecessors' ratio of sums; every identity of
    formulas.check_identities holds, rates move a few points a month (under the rate-jump
    warning) and counts stay within the outlier range of the unit's months. Approved,
    `is_sample`, source SCALE_SOURCE; seeded by `seed`, unit and period codes, so two runs
    give the same numbers. Idempotent: a (unit, month) that already has figures (real,
    entered or sample) is skipped, never replaced. Written month by month in batches of
    SCALE_BATCH rows, one transaction per month. With `targets`, each province valid in a
    year of the range gets a sample plan for that year (the Phổ Ninh rule, the national
    minimums) with targets for every unit of its subtree valid that year."""
    began = time.monotonic()
    report = ScaleReport()
    prefix = f"{seed}:" if seed else ""
    months = _months_between(first, last)
    report.months = len(months)
    scope = _scope_units(provinces)
    reporting = (
        list(
            scope.filter(level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE]).valid_during(
                months[0].start, months[-1].end
            )
        )
        if months
        else []
    )
    legacy = [unit for unit in reporting if unit.structure == Structure.LEGACY]
    reform = [unit for unit in reporting if unit.structure == Structure.REFORM_2025]
    start_index = _month_index(months[0]) if months else 0
    profiles = _real_anchors(legacy)
    for unit in legacy:
        if unit.pk not in profiles:
            profiles[unit.pk] = _random_profile(unit, start_index, prefix)
    merger = _month_index(periods.month(2025, 6, periods.Convention.DECREE09))
    links = list(
        UnitSuccession.objects.filter(successor__in=reform).values_list(
            "successor_id", "predecessor_id"
        )
    )
    shares: dict[int, int] = {}
    for predecessor in UnitSuccession.objects.filter(
        predecessor__in={p for _s, p in links}
    ).values_list("predecessor_id", flat=True):
        shares[predecessor] = shares.get(predecessor, 0) + 1
    parts: dict[int, list[tuple[SampleProfile, float]]] = {}
    for successor, predecessor in links:
        if predecessor in profiles:
            parts.setdefault(successor, []).append((profiles[predecessor], 1 / shares[predecessor]))
    for unit in reform:
        profiles[unit.pk] = _merged_profile(unit, parts.get(unit.pk, []), merger, prefix)
    for profile in profiles.values():
        # Slower trends than the demo's: over a year the counts stay inside the outlier
        # range of the unit's last 12 months.
        profile.pace = {key: pace * SCALE_CALM for key, pace in profile.pace.items()}
    history: dict[int, deque[dict[str, int]]] = {}
    carried: dict[int, int] = {}
    for spec in months:
        structure = _in_force_at_end(spec)
        period = _period(spec.code)
        taken = set(UnitFigures.objects.filter(period=period).values_list("unit_id", flat=True))
        # A month still open is reported in part (load_demo's current month); one not begun
        # has nothing yet.
        days = (min(spec.end, today) - spec.start).days + 1
        if days < 1:
            continue
        batch: list[UnitFigures] = []
        with transaction.atomic():
            for unit in legacy if structure == Structure.LEGACY else reform:
                if not _reports_during(unit, spec):
                    continue
                past = history.setdefault(unit.pk, deque(maxlen=12))
                counts = _calm_counts(
                    unit, spec, profiles[unit.pk], past, carried.get(unit.pk), days, prefix
                )
                if counts is None:
                    report.warned += 1
                    counts = sample_counts(
                        unit,
                        spec,
                        profiles[unit.pk],
                        carried_over=carried.get(unit.pk),
                        days=days,
                        seed=prefix,
                        noise=SCALE_CALM,
                    )
                past.append(counts)
                carried[unit.pk] = counts["total"] - counts["resolved"]
                if unit.pk in taken:
                    report.skipped += 1
                    continue
                batch.append(
                    UnitFigures(
                        unit=unit,
                        period=period,
                        is_sample=True,
                        source=SCALE_SOURCE,
                        status=FiguresStatus.APPROVED,
                        **counts,
                    )
                )
                if len(batch) >= SCALE_BATCH:
                    UnitFigures.objects.bulk_create(batch)
                    report.figures += len(batch)
                    batch = []
            UnitFigures.objects.bulk_create(batch)
            report.figures += len(batch)
    if targets and months:
        years = sorted({spec.year for spec in months if spec.year is not None})
        for year in years:
            plans, written = _scale_plans(scope, year)
            report.plans += plans
            report.targets += written
    report.seconds = time.monotonic() - began
    return report


def _calm_counts(
    unit: AdministrativeUnit,
    spec: periods.PeriodSpec,
    profile: SampleProfile,
    past: deque[dict[str, int]],
    carried_over: int | None,
    days: int,
    prefix: str,
) -> dict[str, int] | None:
    """A month's counts that raise no warning of domain/checks.py against the unit's
    previous month and its last 12 (what the entry form would ask to confirm): drawn
    again, with another seed, up to SCALE_DRAWS times; None if none passes."""
    history = list(reversed(past))  # newest first, as figures_history_counts reads them
    previous = history[0] if history else None
    for draw in range(SCALE_DRAWS):
        counts = sample_counts(
            unit,
            spec,
            profile,
            carried_over=carried_over,
            days=days,
            seed=f"{prefix}{draw}:" if draw else prefix,
            noise=SCALE_CALM,
        )
        if not checks.rate_jump_warnings(counts, previous) and not checks.outlier_warnings(
            counts, history
        ):
            return counts
    return None


@transaction.atomic
def _scale_plans(scope: UnitQuerySet, year: int) -> tuple[int, int]:
    """Each province of the scope valid in `year` issues a sample plan for it (found again
    by its title on a second run), unless it has an active plan of its own for the year;
    the rule gives every unit of its subtree valid that year a target. Returns (plans,
    targets computed)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    units = list(scope.exclude(level=UnitLevel.AGENCY).valid_during(start, end).order_by("path"))
    national = national_minimums(max(year, 2025))
    provinces = [unit for unit in units if unit.level == UnitLevel.PROVINCE]
    plans: list[tuple[TargetPlan, list[AdministrativeUnit]]] = []
    title_of = {p.pk: SCALE_PLAN_TITLE.format(year=year, issuer=p.full_name) for p in provinces}
    # A province with a plan of its own for the year keeps it (one active plan per issuer
    # and year): only the sample's own plans are created or completed.
    own = set(
        TargetPlan.objects.filter(year=year, is_active=True, issuer__in=provinces)
        .exclude(title__in=list(title_of.values()))
        .values_list("issuer_id", flat=True)
    )
    for province in provinces:
        if province.pk in own:
            continue
        plan, created = TargetPlan.objects.get_or_create(
            issuer=province,
            year=year,
            title=title_of[province.pk],
            defaults={
                "decision_number": "Kế hoạch mẫu (minh họa)",
                "applies_rule": True,
                "uplift_mode": "points",
                "uplift": Decimal(10),
            },
        )
        if created:
            PlanMinimum.objects.bulk_create(
                PlanMinimum(plan=plan, indicator=indicator, value=value)
                for indicator, value in national.minimums.items()
            )
        plans.append((plan, [unit for unit in units if unit.path.startswith(province.path)]))
    written = targets_apply_plans(plans=plans)
    return len(plans), written


def _reports_during(unit: AdministrativeUnit, spec: periods.PeriodSpec) -> bool:
    return (unit.valid_from is None or unit.valid_from <= spec.end) and (
        unit.valid_to is None or unit.valid_to >= spec.start
    )


def _in_sample_provinces(structure: str, codes: tuple[str, ...]) -> UnitQuerySet:
    provinces = AdministrativeUnit.objects.filter(
        structure=structure, level=UnitLevel.PROVINCE, code__in=codes
    )
    subtrees = Q(pk__in=[])
    for province in provinces:
        subtrees |= Q(path__startswith=province.path)
    return AdministrativeUnit.objects.filter(subtrees)


def demo_users_create() -> list[tuple[str, str, str]]:
    """One account per role. The shared demo password is printed by the run command."""
    created = []
    for account in DEMO_ACCOUNTS:
        unit = (
            unit_by_code(account.unit_code, on=account.as_of, level=account.level)
            if account.unit_code
            else None
        )
        user, was_created = User.objects.get_or_create(
            username=account.username, defaults={"role": account.role, "unit": unit}
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = account.role == Role.ADMIN
            user.save()
        label = f"{user.get_role_display()} — {unit}" if unit else str(user.get_role_display())
        created.append((account.username, DEMO_PASSWORD, label))
    return created


assert set(CSV_COLUMNS.values()) <= set(COUNT_FIELDS)
