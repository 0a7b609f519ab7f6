"""Real data from the source documents (Hoài Nhơn's H1 2023 dispatch, Đức Phổ's 01/2025
dispatch), plus clearly labelled sample data, for first run.

Real figures come from `fixtures/`; the sample generator is deterministic (seeded by unit
and period codes), so every run and every machine shows the same numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from indicators.domain import periods
from indicators.domain.formulas import COUNT_FIELDS
from indicators.models import (
    FiguresStatus,
    Indicator,
    Period,
    PlanMinimum,
    PublishedResult,
    TargetPlan,
    TierTarget,
    UnitFigures,
)
from indicators.targets.services import targets_apply, targets_apply_tiers
from units.models import AdministrativeUnit, Role, Structure, UnitLevel, UnitQuerySet, User
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

# Provinces that get sample figures: those of the source documents, Quảng Ngãi (51: Đức Phổ,
# Phổ Ninh) and Bình Định / Gia Lai (52: Hoài Nhơn).
SAMPLE_PROVINCES = ("51", "52")
LEGACY_SAMPLE_PERIODS = (
    "2023-H1-CAL",
    "2024-Q1-ND09",
    "2024-Q2-ND09",
    "2024-Q3-ND09",
    "2024-Q4-ND09",
    "2024-Y-ND09",
)
REFORM_SAMPLE_PERIODS = tuple(f"2026-M{m:02d}-ND09" for m in range(1, 11))

DEMO_PASSWORD = "ChiSo-TTHC-2025"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit_code: str
    as_of: dt.date
    level: str


DEMO_ACCOUNTS = (
    DemoAccount("quantri", Role.ADMIN, "", dt.date(2023, 6, 30), ""),
    DemoAccount("tinh.binhdinh", Role.PROVINCE_STAFF, "52", dt.date(2023, 6, 30), "province"),
    DemoAccount("huyen.hoainhon", Role.DISTRICT_STAFF, "543", dt.date(2023, 6, 30), "district"),
    DemoAccount("chutich.hoainhon", Role.CHAIRMAN, "543", dt.date(2023, 6, 30), "district"),
    DemoAccount("xa.hoaiduc", Role.COMMUNE_OFFICIAL, "21685", dt.date(2023, 6, 30), "commune"),
    DemoAccount("huyen.ducpho", Role.DISTRICT_STAFF, "534", dt.date(2024, 12, 14), "district"),
    DemoAccount("tinh.gialai", Role.PROVINCE_STAFF, "52", dt.date(2026, 1, 1), "province"),
)


@dataclass
class DemoReport:
    figures_real: int = 0
    figures_sample: int = 0
    published: int = 0
    targets: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)


def _period(code: str) -> Period:
    return Period.objects.for_spec(periods.parse_period_code(code))


def _indicators() -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.all()}


@transaction.atomic
def demo_load(*, sample: bool = True, users: bool = True) -> DemoReport:
    """Load everything a first run shows. Idempotent: rows are matched, not duplicated."""
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
    for plan_data in data["plans"]:
        report.targets += _load_plan(plan_data, data["national_minimums"], indicators)
    if users:
        report.users = demo_users_create()
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
    plan, _created = TargetPlan.objects.update_or_create(
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
    if plan.applies_rule and plan_data.get("apply_to"):
        parent = unit_by_code(plan_data["apply_to"], on=dt.date(plan.year, 1, 1))
        written += len(targets_apply(plan=plan, parent=parent))
    return written


def sample_figures_generate() -> int:
    """Plausible figures for the sample provinces' units in periods without real data."""
    legacy = _in_sample_provinces(Structure.LEGACY).filter(
        level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE]
    )
    reform = _in_sample_provinces(Structure.REFORM_2025).filter(level=UnitLevel.COMMUNE)
    created = 0
    for codes, units in ((LEGACY_SAMPLE_PERIODS, legacy), (REFORM_SAMPLE_PERIODS, reform)):
        unit_list = list(units)
        for code in codes:
            period = _period(code)
            taken = set(UnitFigures.objects.filter(period=period).values_list("unit_id", flat=True))
            # A published real result for the unit and period wins over any sample.
            taken |= set(
                PublishedResult.objects.filter(period__year=period.year).values_list(
                    "unit_id", flat=True
                )
            )
            rows = [
                UnitFigures(
                    unit=unit,
                    period=period,
                    is_sample=True,
                    source=SAMPLE_SOURCE,
                    status=status,
                    **sample_counts(unit, period),
                )
                for unit in unit_list
                if unit.pk not in taken and (status := sample_status(unit, code)) is not None
            ]
            UnitFigures.objects.bulk_create(rows, batch_size=500)
            created += len(rows)
    return created


def _in_sample_provinces(structure: str) -> UnitQuerySet:
    provinces = AdministrativeUnit.objects.filter(
        structure=structure, level=UnitLevel.PROVINCE, code__in=SAMPLE_PROVINCES
    )
    subtrees = Q(pk__in=[])
    for province in provinces:
        subtrees |= Q(path__startswith=province.path)
    return AdministrativeUnit.objects.filter(subtrees)


def sample_status(unit: AdministrativeUnit, period_code: str) -> str | None:
    """Older sample periods are approved; the latest two are still being collected, so the
    status screens show drafts, submissions and units that have not reported (None)."""
    recent = REFORM_SAMPLE_PERIODS[-2:]
    if period_code not in recent:
        return FiguresStatus.APPROVED
    rng = random.Random(f"status:{unit.structure}:{unit.code}:{period_code}")
    if period_code == recent[-1] and rng.random() < 0.15:
        return None
    return rng.choices(
        [FiguresStatus.APPROVED, FiguresStatus.SUBMITTED, FiguresStatus.DRAFT], [5, 3, 2]
    )[0]


def sample_counts(unit: AdministrativeUnit, period: Period) -> dict[str, int]:
    """Counts that pass every check of formulas.check_identities, with a unit-specific propensity
    (some communes are good at online filing, some are not) and a trend over time."""
    unit_rng = random.Random(f"unit:{unit.structure}:{unit.code}")
    rng = random.Random(f"figures:{unit.structure}:{unit.code}:{period.code}")
    yearly = (
        unit_rng.randint(4000, 12000)
        if unit.level == UnitLevel.DISTRICT
        else unit_rng.randint(500, 2600)
    )
    days = (period.end - period.start).days + 1
    received = max(5, round(yearly * days / 365 * rng.uniform(0.85, 1.15)))
    progress = min(1.0, max(0.0, (period.start.year - 2023) / 3 + period.start.month / 36))

    def share(base_low: float, base_high: float, gain: float) -> float:
        base = unit_rng.uniform(base_low, base_high)
        return min(1.0, max(0.0, base + gain * progress + rng.uniform(-0.04, 0.04)))

    carried_over = rng.randint(0, max(1, received // 40))
    received_online = round(received * share(0.25, 0.85, 0.2))
    digitized_full = round(received * share(0.3, 0.85, 0.15))
    digitized_partial = round((received - digitized_full) * rng.uniform(0.0, 0.6))
    total = carried_over + received
    resolved = round(total * rng.uniform(0.95, 0.995))
    resolved_late = min(resolved, rng.choice([0, 0, 0, 1, 2, 3, 5]))
    payments_total = round(resolved * rng.uniform(0.4, 0.8))
    feedback_received = rng.randint(0, 6)
    ratings_total = round(resolved * rng.uniform(0.1, 0.4))
    return {
        "total": total,
        "carried_over": carried_over,
        "received": received,
        "with_portal_account": round(received * share(0.4, 0.9, 0.1)),
        "received_in_person": received - received_online,
        "received_online": received_online,
        "digitized_partial": digitized_partial,
        "digitized_full": digitized_full,
        "resolved": resolved,
        "results_digitized": round(resolved * share(0.3, 0.9, 0.15)),
        "reused": round(received * share(0.02, 0.5, 0.2)),
        "resolved_on_time": resolved - resolved_late,
        "resolved_late": resolved_late,
        "e_certified_copies": rng.randint(50, 700),
        "payments_online": round(payments_total * share(0.3, 0.95, 0.1)),
        "payments_total": payments_total,
        "feedback_received": feedback_received,
        "feedback_on_time": feedback_received
        - (1 if feedback_received and rng.random() < 0.2 else 0),
        "ratings_satisfied": round(ratings_total * share(0.85, 0.99, 0.02)),
        "ratings_total": ratings_total,
        "population_db_checked": round(received * share(0.4, 1.0, 0.1)),
    }


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
