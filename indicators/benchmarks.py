"""The cases of `manage.py benchmark` (issue 14's table): each page as a user opens it
(in-process test client), beside the bare SQL that returns the same numbers (one SUM …
GROUP BY joined to units), with query counts, response sizes and the goals each meets.

Only measures: speed is never asserted by a test (2 shared cores vary ±50 % between
runs); query counts are, by the tests.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.test import Client

from indicators.demo import SCALE_PLAN_TITLE, SCALE_SOURCE, scale_figures_generate
from indicators.domain import formulas, periods
from indicators.models import FiguresStatus, Target, TargetPlan, UnitFigures
from units.models import AdministrativeUnit, Role, Structure, UnitLevel, User

# The figures the benchmark reads: the Decree 09 months of 2024 (three tiers) and of 2026
# up to the last one closed by the demo's today (two tiers), as in the table.
LEGACY_RANGE = ((2024, 1), (2024, 12))
REFORM_RANGE = ((2026, 1), (2026, 11))
LEGACY_PERIOD = "2024-Y-ND09"
REFORM_PERIOD = "2026-Y-ND09"

# The units (whole country) and, for a quick run on one province, their stand-ins.
NATIONAL_UNITS = {"district": "543", "legacy": "38", "reform": "01"}
PROVINCE_UNITS = {"district": "543", "legacy": "52", "reform": "52"}

# Goals (PostgreSQL, 2 cores, server time).
GOAL_PROVINCE_MS = 150.0
GOAL_ONE_INDICATOR_MS = 60.0
GOAL_COUNTRY_MS = 500.0
GOAL_RATIO = 10.0
RATIO_FROM_UNITS = 500


class QueryCounter:
    """Every statement the connection runs (connection.execute_wrapper): unlike
    CaptureQueriesContext, which keeps only the last 9.000, it never drops any."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting_queries() -> Iterator[QueryCounter]:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


@dataclass
class Case:
    page: str
    scope: str
    url: str
    user: User
    units: int
    bare_sql: str
    bare_params: list[Any]
    goal_ms: float
    kind: str = "page"  # "page" | "country"


@dataclass
class Measured:
    case: Case
    page_ms: float
    queries: int
    status: int
    size: int
    bare_ms: float
    goals: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.page_ms / self.bare_ms if self.bare_ms else float("inf")


def median_ms(run: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


# --------------------------------------------------------------------------- data


def ensure_data(*, provinces: list[str] | None, rebuild: bool, out: Callable[[str], None]) -> None:
    """Reuse the sample of an earlier run when both ranges hold some; build it otherwise
    (generate_figures' sample: it skips what exists, so building again is safe)."""
    for first, last in (LEGACY_RANGE, REFORM_RANGE):
        codes = [
            periods.month(*first, periods.Convention.DECREE09).code,
            periods.month(*last, periods.Convention.DECREE09).code,
        ]
        present = UnitFigures.objects.filter(source=SCALE_SOURCE, period__code__in=codes)
        if not rebuild and present.values("period").distinct().count() == len(codes):
            out(f"Dùng lại số liệu mẫu {codes[0]} … {codes[1]}.")
            continue
        report = scale_figures_generate(first=first, last=last, provinces=provinces)
        out(
            f"Sinh số liệu mẫu {codes[0]} … {codes[1]}: {report.figures} dòng, "
            f"{report.targets} chỉ tiêu ({report.seconds:.1f} giây)."
        )


def staff_of(unit: AdministrativeUnit) -> User:
    """The province office's user of `unit`, one per unit (a legacy and a 2025 province
    share a code): each case keeps its own user while the others are built."""
    return _user(f"benchmark.{unit.structure}.{unit.code}", Role.PROVINCE_STAFF, unit)


def _user(name: str, role: str, unit: AdministrativeUnit | None) -> User:
    user, _created = User.objects.get_or_create(
        username=name, defaults={"role": role, "unit": unit}
    )
    if user.role != role or user.unit_id != (unit.pk if unit else None):
        user.role, user.unit = role, unit
        user.save(update_fields=["role", "unit"])
    return user


# --------------------------------------------------------------------------- bare SQL

_DONE = (FiguresStatus.SUBMITTED.value, FiguresStatus.APPROVED.value)


def _sums(fields: list[str]) -> str:
    return ", ".join(f'SUM(f."{name}")' for name in fields)


def _bare_figures(
    fields: list[str], where: str, params: list[Any], spec: periods.PeriodSpec
) -> tuple[str, list[Any]]:
    """The sums of the period's submitted and approved rows per unit: what a page shows,
    without the roll-up's rule (one convention's months inside the period)."""
    sql = (
        f"SELECT u.id, u.name, {_sums(fields)} "
        "FROM indicators_unitfigures f JOIN units_administrativeunit u ON u.id = f.unit_id "
        "JOIN indicators_period p ON p.id = f.period_id "
        f'WHERE {where} AND p.start >= %s AND p."end" <= %s AND f.status IN (%s, %s) '
        "GROUP BY u.id, u.name"
    )
    return sql, [*params, spec.start, spec.end, *_DONE]


def _bare_country(
    fields: list[str], structure: str, spec: periods.PeriodSpec
) -> tuple[str, list[Any]]:
    sql = (
        f"SELECT prov.id, prov.name, {_sums(fields)} "
        "FROM indicators_unitfigures f JOIN units_administrativeunit u ON u.id = f.unit_id "
        "JOIN indicators_period p ON p.id = f.period_id "
        "JOIN units_administrativeunit prov ON prov.level = 'province' "
        "AND prov.structure = %s AND u.path LIKE prov.path || '%%' "
        'WHERE p.start >= %s AND p."end" <= %s AND f.status IN (%s, %s) '
        "GROUP BY prov.id, prov.name"
    )
    return sql, [structure, spec.start, spec.end, *_DONE]


def run_bare(sql: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


# --------------------------------------------------------------------------- cases


def build_cases(*, provinces: list[str] | None, include_drafts: bool) -> list[Case]:
    codes = PROVINCE_UNITS if provinces is not None else NATIONAL_UNITS
    legacy_spec = periods.parse_period_code(LEGACY_PERIOD)
    reform_spec = periods.parse_period_code(REFORM_PERIOD)
    day_legacy, day_reform = legacy_spec.end, dt.date(2026, 6, 30)
    units = AdministrativeUnit.objects

    def one(code: str, structure: str, day: dt.date) -> AdministrativeUnit | None:
        return (
            units.filter(code=code, structure=structure)
            .exclude(level=UnitLevel.AGENCY)
            .valid_on(day)
            .order_by("level")
            .first()
        )

    district = one(codes["district"], Structure.LEGACY, day_legacy)
    legacy = one(codes["legacy"], Structure.LEGACY, day_legacy)
    reform = one(codes["reform"], Structure.REFORM_2025, day_reform)
    admin = _user("benchmark.quantri", Role.ADMIN, None)
    national = _user("benchmark.quocgia", Role.NATIONAL, None)
    drafts = "&include_drafts=1" if include_drafts else ""
    every = list(formulas.COUNT_FIELDS)
    online = ["received_online", "received"]
    cases: list[Case] = []

    def children(parent: AdministrativeUnit, spec: periods.PeriodSpec) -> int:
        return parent.children.valid_during(spec.start, spec.end).count() + 1

    if district is not None and district.parent is not None:
        user = staff_of(district.parent)
        sql, params = _bare_figures(online, "u.parent_id = %s", [district.pk], legacy_spec)
        cases.append(
            Case(
                "/xep-hang/ một chỉ số",
                district.full_name,
                f"/xep-hang/?parent={district.code}&period={LEGACY_PERIOD}&indicator=online{drafts}",
                user,
                children(district, legacy_spec),
                sql,
                params,
                GOAL_ONE_INDICATOR_MS,
            )
        )
    if legacy is not None:
        user = staff_of(legacy)
        communes = (
            units.in_subtree(legacy)
            .filter(level=UnitLevel.COMMUNE)
            .valid_during(legacy_spec.start, legacy_spec.end)
            .count()
        )
        where, params = "u.path LIKE %s AND u.level = 'commune'", [f"{legacy.path}%"]
        base = f"/xep-hang/?parent={legacy.code}&period={LEGACY_PERIOD}&tier=commune{drafts}"
        sql, bare = _bare_figures(online, where, params, legacy_spec)
        cases.append(
            Case(
                "/xep-hang/ một chỉ số, mọi xã",
                legacy.full_name,
                f"{base}&indicator=online",
                user,
                communes,
                sql,
                bare,
                GOAL_ONE_INDICATOR_MS,
            )
        )
        sql, bare = _bare_figures(every, where, params, legacy_spec)
        cases.append(
            Case(
                "/xep-hang/ mọi chỉ số, mọi xã",
                legacy.full_name,
                f"{base}&indicator=all",
                user,
                communes,
                sql,
                bare,
                GOAL_PROVINCE_MS,
            )
        )
        cases.append(
            Case(
                "/xep-hang/ mọi chỉ số, mọi xã (quản trị)",
                legacy.full_name,
                f"{base}&indicator=all",
                admin,
                communes,
                sql,
                bare,
                GOAL_PROVINCE_MS,
            )
        )
        sql, bare = _bare_figures(every, "u.parent_id = %s", [legacy.pk], legacy_spec)
        cases.append(
            Case(
                "/tong-hop/ (quản trị)",
                legacy.full_name,
                f"/tong-hop/?parent={legacy.code}&period={LEGACY_PERIOD}{drafts}",
                admin,
                children(legacy, legacy_spec),
                sql,
                bare,
                GOAL_PROVINCE_MS,
            )
        )
        title = SCALE_PLAN_TITLE.format(year=2024, issuer=legacy.full_name)
        plan = TargetPlan.objects.filter(issuer=legacy, year=2024, title=title).first()
        if plan is not None:
            targets = plan.targets.count()
            sql = (
                "SELECT t.unit_id, u.name, t.indicator_id, t.value, t.baseline "
                "FROM indicators_target t JOIN units_administrativeunit u ON u.id = t.unit_id "
                "WHERE t.plan_id = %s ORDER BY u.path, t.indicator_id"
            )
            cases.append(
                Case(
                    f"/chi-tieu/<kế hoạch>/ ({targets} chỉ tiêu)",
                    legacy.full_name,
                    f"/chi-tieu/{plan.pk}/",
                    user,
                    targets,
                    sql,
                    [plan.pk],
                    GOAL_PROVINCE_MS,
                )
            )
    if reform is not None:
        user = staff_of(reform)
        count = children(reform, reform_spec)
        sql, bare = _bare_figures(every, "u.parent_id = %s", [reform.pk], reform_spec)
        query = f"?parent={reform.code}&period={REFORM_PERIOD}{drafts}"
        cases.append(
            Case(
                "/tong-hop/",
                reform.full_name,
                f"/tong-hop/{query}",
                user,
                count,
                sql,
                bare,
                GOAL_PROVINCE_MS,
            )
        )
        cases.append(
            Case(
                "/cong-van/",
                reform.full_name,
                f"/cong-van/{query}",
                user,
                count,
                sql,
                bare,
                GOAL_PROVINCE_MS,
            )
        )
    provinces_now = units.filter(level=UnitLevel.PROVINCE, structure=Structure.REFORM_2025).count()
    communes_now = (
        units.filter(level=UnitLevel.COMMUNE, structure=Structure.REFORM_2025)
        .valid_during(reform_spec.start, reform_spec.end)
        .count()
    )
    country = f"?parent=VN&period={REFORM_PERIOD}{drafts}"
    sql, bare = _bare_country(online, Structure.REFORM_2025, reform_spec)
    cases.append(
        Case(
            "/xep-hang/ cả nước, các tỉnh",
            "cả nước",
            f"/xep-hang/{country}&indicator=online",
            national,
            provinces_now,
            sql,
            bare,
            GOAL_COUNTRY_MS,
            "country",
        )
    )
    sql, bare = _bare_figures(
        online, "u.level = 'commune' AND u.structure = %s", [Structure.REFORM_2025], reform_spec
    )
    cases.append(
        Case(
            "/xep-hang/ cả nước, mọi xã (trang 1)",
            "cả nước",
            f"/xep-hang/{country}&indicator=online&tier=commune",
            national,
            communes_now,
            sql,
            bare,
            GOAL_COUNTRY_MS,
            "country",
        )
    )
    sql, bare = _bare_country(every, Structure.REFORM_2025, reform_spec)
    cases.append(
        Case(
            "/tong-hop/ cả nước",
            "cả nước",
            f"/tong-hop/{country}",
            national,
            provinces_now,
            sql,
            bare,
            GOAL_COUNTRY_MS,
            "country",
        )
    )
    return cases


def measure(case: Case, *, repeat: int) -> Measured:
    client = Client()
    client.force_login(case.user)
    response = client.get(case.url)  # warms caches and the connection; also the size
    with counting_queries() as counter:
        client.get(case.url)
    page_ms = median_ms(lambda: client.get(case.url), repeat)
    run_bare(case.bare_sql, case.bare_params)
    bare_ms = median_ms(lambda: run_bare(case.bare_sql, case.bare_params), repeat)
    result = Measured(
        case, page_ms, counter.count, response.status_code, len(response.content), bare_ms
    )
    result.goals.append(
        (f"< {case.goal_ms:g} ms", response.status_code == 200 and page_ms < case.goal_ms)
    )
    if case.units >= RATIO_FROM_UNITS:
        result.goals.append((f"≤ {GOAL_RATIO:g}× SQL", result.ratio <= GOAL_RATIO))
    return result


# --------------------------------------------------------------------------- batch


@dataclass
class BatchMeasured:
    name: str
    rows: int
    seconds: float
    queries: int
    goal_s: float

    @property
    def met(self) -> bool:
        return self.seconds < self.goal_s


def measure_targets(*, provinces: list[str] | None, year: int = 2026) -> BatchMeasured | None:
    """The rule of every sample plan of `year`, for every unit of each province's subtree
    (the whole country with a national scope), computed and written, then rolled back."""
    from indicators.targets.services import targets_apply_plans

    plans = list(
        TargetPlan.objects.filter(
            year=year, title__endswith="(kế hoạch mẫu)", issuer__level=UnitLevel.PROVINCE
        ).select_related("issuer")
    )
    if provinces is not None:
        plans = [plan for plan in plans if plan.issuer and plan.issuer.code in provinces]
    if not plans:
        return None
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    every = list(
        AdministrativeUnit.objects.exclude(level=UnitLevel.AGENCY).valid_during(start, end)
    )
    work = [
        (plan, [u for u in every if plan.issuer and u.path.startswith(plan.issuer.path)])
        for plan in plans
    ]
    with transaction.atomic():
        # Written from scratch (the sample's targets exist), then rolled back.
        Target.objects.filter(plan__in=plans).delete()
        with counting_queries() as counter:
            started = time.perf_counter()
            rows = targets_apply_plans(plans=work)
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return BatchMeasured(f"Tính chỉ tiêu năm {year}", rows, seconds, counter.count, 10.0)


def _month_file(units: list[AdministrativeUnit], spec: periods.PeriodSpec) -> bytes:
    """The portal's CSV for a month of these units, counts from the sample generator."""
    import csv
    import io

    from indicators.demo import SampleProfile, sample_counts

    keys = ("online", "payment", "digitization", "e_results", "reuse", "feedback",
            "satisfaction", "on_time", "population_db", "portal")  # fmt: skip
    profile = SampleProfile(
        monthly=120, anchors={k: (0.8, 0) for k in keys}, pace=dict.fromkeys(keys, 0.0)
    )
    fields = list(formulas.COUNT_FIELDS)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["gso_code", "unit_name", *fields])
    for unit in units:
        counts = sample_counts(unit, spec, profile, carried_over=0, days=30)
        writer.writerow([unit.code, unit.full_name, *(counts[name] for name in fields)])
    return out.getvalue().encode("utf-8")


def _timed_import(parent: AdministrativeUnit, user: User, data: bytes) -> tuple[float, int]:
    from indicators.io.services import figures_import_commit, figures_import_preview

    spec = periods.month(2026, 12, periods.Convention.DECREE09)
    with counting_queries() as counter:
        started = time.perf_counter()
        preview = figures_import_preview(
            data=data, filename="thang.csv", parent=parent, period=spec, user=user
        )
        figures_import_commit(batch=preview.batch, user=user)
        return time.perf_counter() - started, counter.count


def measure_import(*, parent: AdministrativeUnit, user: User) -> BatchMeasured:
    """A month's file of every unit under `parent` (the portal's CSV), checked, previewed
    and committed as the page does, then rolled back: 2026-M12-ND09, not in the sample."""
    spec = periods.month(2026, 12, periods.Convention.DECREE09)
    children = list(parent.children.valid_during(spec.start, spec.end).order_by("code"))
    with transaction.atomic():
        seconds, queries = _timed_import(parent, user, _month_file(children, spec))
        transaction.set_rollback(True)
    return BatchMeasured(
        f"Nhập tệp 1 tháng ({parent.full_name})", len(children), seconds, queries, 10.0
    )


def measure_import_rows(*, rows: int = 10_000) -> BatchMeasured:
    """An import of `rows` units at once, as a national month (the file of a parent with
    that many communes; no parent has that many, so a throwaway one is made), then rolled
    back with everything it wrote."""
    spec = periods.month(2026, 12, periods.Convention.DECREE09)
    with transaction.atomic():
        province = AdministrativeUnit.objects.create(
            code="99", level=UnitLevel.PROVINCE, unit_type="Tỉnh", name="Đo tốc độ",
            structure=Structure.REFORM_2025, valid_from=dt.date(2025, 7, 1),
        )  # fmt: skip
        communes = AdministrativeUnit.objects.bulk_create(
            AdministrativeUnit(
                code=f"9{number:05d}",
                level=UnitLevel.COMMUNE,
                unit_type="Xã",
                name=f"Đo {number}",
                parent=province,
                structure=Structure.REFORM_2025,
                valid_from=dt.date(2025, 7, 1),
            )
            for number in range(rows)
        )
        for commune in communes:
            commune.path = f"{province.path}{commune.pk}/"
        AdministrativeUnit.objects.bulk_update(communes, ["path"], batch_size=1000)
        user = staff_of(province)
        seconds, queries = _timed_import(province, user, _month_file(communes, spec))
        transaction.set_rollback(True)
    return BatchMeasured(f"Nhập tệp {format_rows(rows)} dòng", rows, seconds, queries, 10.0)


def format_rows(rows: int) -> str:
    return f"{rows:,}".replace(",", ".")
