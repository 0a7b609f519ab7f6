"""Every URL of the project, as every role, with ids and codes of units outside the user's
scope: 403/404 (or a 400 form error), and not a trace of the outside units' data.

The URL patterns are read from the URL conf, and a pattern without a recipe here fails the
test: a new view cannot escape it. Outside units get a marker in their name ("ZQ<pk>Q") and
planted figures with numbers that appear nowhere else, so a leak is a plain substring.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from indicators.dispatch.drafting import dispatch_as_dict, sample_dispatch
from indicators.domain.periods import parse_period_code
from indicators.models import (
    DispatchDraft,
    DispatchTemplate,
    FiguresChange,
    FiguresStatus,
    ImportBatch,
    Indicator,
    Period,
    Target,
    TargetPlan,
    TargetSource,
    UnitFigures,
)
from tests.base import H1_2023, BaseTestCase, make_user
from units.models import AdministrativeUnit, Role, UnitLevel, User
from units.selectors import unit_by_code

LOGIN_URL = "/dang-nhap/"
# Patterns that are not the portal's pages: Django's own admin, the language switch, and
# the login/logout views themselves (their own tests live with the auth work).
SKIPPED_PREFIXES = ("quan-tri/", "i18n/", "static/", "media/", "__debug__/")
SKIPPED_NAMES = {"login", "logout"}

LEGACY_PERIOD = "2024-Y-ND09"  # planted figures of units of the 3-level structure
REFORM_PERIOD = "2026-M01-ND09"  # planted figures of units of the 2025 structure
REFORM_DAY = dt.date(2025, 7, 1)

DENIED = {400, 403, 404}
# Every page carries random CSRF tokens (64 letters and digits, freshly masked per render);
# now and then one contains a marker such as "ZP1P" by pure chance, so they are cut out
# before the body is searched.
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
METHOD_NOT_ALLOWED = 405


# --------------------------------------------------------------------------- URL patterns


def walk_patterns(
    patterns: list[URLPattern | URLResolver] | None = None,
    prefix: str = "",
    namespace: str = "",
) -> Iterator[tuple[str, str]]:
    """(route, "namespace:name") of every pattern of the URL conf, includes unfolded."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk_patterns(entry.url_patterns, route, inner)
        else:
            yield route, f"{namespace}{entry.name or ''}"


def portal_patterns() -> dict[str, str]:
    found: dict[str, str] = {}
    for route, name in walk_patterns():
        if route.startswith(SKIPPED_PREFIXES) or name.rsplit(":", 1)[-1] in SKIPPED_NAMES:
            continue
        found[name or route] = route
    return found


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    method: str  # "get" | "post"
    url: str
    # Any: query values for a GET, form fields and uploaded files for a POST.
    data: Mapping[str, Any] = field(default_factory=dict)
    # Statuses that are acceptable for this request; the body is always searched.
    allowed: frozenset[int] = frozenset(DENIED)
    label: str = ""


@dataclass
class Outside:
    """What one user must not see: units, their planted numbers, plans, targets, batches."""

    units: list[AdministrativeUnit]
    name_units: list[AdministrativeUnit]  # outside units whose very name is private
    plans: list[TargetPlan]  # plans the user cannot open
    targets: list[Target]  # targets (of any plan) of units the user cannot see
    batches: list[ImportBatch]  # batches uploaded by someone else


def marker(unit: AdministrativeUnit) -> str:
    return f"ZQ{unit.pk}Q"


def code_period(unit: AdministrativeUnit) -> str:
    return REFORM_PERIOD if unit.structure == "2025" else LEGACY_PERIOD


class URLScopeTestCase(BaseTestCase):
    binh_dinh: AdministrativeUnit
    quang_ngai: AdministrativeUnit
    sibling: AdministrativeUnit
    pho_ninh: AdministrativeUnit
    gl_commune: AdministrativeUnit
    gia_lai: AdministrativeUnit
    pool: list[AdministrativeUnit]
    province_bd: User
    province_qn: User
    uploader: User
    colleague: User
    numbers: dict[int, tuple[int, int]]
    plans: list[TargetPlan]
    batches: list[ImportBatch]
    drafts: list[DispatchDraft]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Both districts have a province above them (the assert narrows the optional parent).
        assert cls.hoai_nhon.parent is not None and cls.duc_pho.parent is not None
        cls.binh_dinh = cls.hoai_nhon.parent
        cls.quang_ngai = cls.duc_pho.parent
        sibling = (
            AdministrativeUnit.objects.filter(parent=cls.hoai_nhon, level=UnitLevel.COMMUNE)
            .exclude(pk=cls.hoai_duc.pk)
            .valid_on(H1_2023)
            .order_by("code")
            .first()
        )
        assert sibling is not None
        cls.sibling = sibling
        cls.pho_ninh = unit_by_code("21460", on=H1_2023)
        # The same GSO code after the reform: a commune of the new Gia Lai province.
        cls.gl_commune = unit_by_code("21664", on=REFORM_DAY)
        gia_lai = cls.gl_commune.parent
        assert cls.gl_commune.structure == "2025" and gia_lai is not None
        cls.gia_lai = gia_lai
        cls.pool = [
            cls.binh_dinh,
            cls.hoai_nhon,
            cls.hoai_duc,
            cls.sibling,
            cls.quang_ngai,
            cls.duc_pho,
            cls.pho_ninh,
            cls.gia_lai,
            cls.gl_commune,
        ]
        cls.province_bd = make_user("province.bd", Role.PROVINCE_STAFF, cls.binh_dinh)
        cls.province_qn = make_user("province.qn", Role.PROVINCE_STAFF, cls.quang_ngai)
        cls.uploader = make_user("uploader", Role.DISTRICT_STAFF, cls.duc_pho)
        cls.colleague = make_user("colleague", Role.DISTRICT_STAFF, cls.hoai_nhon)

        # Names with a marker, and figures whose numbers appear nowhere else.
        cls.numbers = {}
        for i, unit in enumerate(cls.pool):
            AdministrativeUnit.objects.filter(pk=unit.pk).update(name=f"{unit.name} {marker(unit)}")
            unit.refresh_from_db()
            received, online = 9_100_003 + 100_003 * i, 5_200_007 + 70_001 * i
            cls.numbers[unit.pk] = (received, online)
            period = Period.objects.for_spec(parse_period_code(code_period(unit)))
            UnitFigures.objects.update_or_create(
                unit=unit,
                period=period,
                defaults={
                    "received": received,
                    "received_online": online,
                    "total": received,
                    "status": FiguresStatus.SUBMITTED,
                },
            )

        online_indicator = Indicator.objects.get(code="online")  # `online` is a count above

        def plan(issuer: AdministrativeUnit, key: str, units: list[AdministrativeUnit]):
            made = TargetPlan.objects.create(
                issuer=issuer, year=2024, title=f"Kế hoạch ZP{key}P", applies_rule=False
            )
            for j, unit in enumerate(units):
                Target.objects.create(
                    plan=made,
                    unit=unit,
                    indicator=online_indicator,
                    value=Decimal("61.37") + j,
                    source=TargetSource.MANUAL,
                    reason=f"lý do ZR{unit.pk}R",
                )
            return made

        cls.plans = [
            plan(cls.hoai_nhon, "hn", [cls.hoai_nhon, cls.hoai_duc, cls.sibling]),
            plan(cls.binh_dinh, "bd", [cls.binh_dinh, cls.hoai_nhon]),
            plan(cls.duc_pho, "dp", [cls.duc_pho, cls.pho_ninh]),
            plan(cls.quang_ngai, "qn", [cls.quang_ngai, cls.duc_pho]),
            plan(cls.gia_lai, "gl", [cls.gia_lai, cls.gl_commune]),
        ]
        # The seed plans too (Đức Phổ's 2025 plan with targets applied by the rule).
        for seed in TargetPlan.objects.exclude(pk__in=[p.pk for p in cls.plans]):
            TargetPlan.objects.filter(pk=seed.pk).update(title=f"{seed.title} ZP{seed.pk}P")

        cls.batches = [
            ImportBatch.objects.create(
                uploaded_by=uploader,
                parent=parent,
                period=Period.objects.get(code=LEGACY_PERIOD),
                filename=f"ZB{parent.pk}B.csv",
                content=b"gso_code,received\n",
                report={"kind": "csv", "fields": ["received"], "rows": [], "totals": []},
            )
            for uploader, parent in ((cls.uploader, cls.duc_pho), (cls.colleague, cls.hoai_nhon))
        ]
        # A saved dispatch draft and an office template for every unit, naming it.
        sample = dispatch_as_dict(sample_dispatch())
        cls.drafts = []
        for unit in cls.pool:
            content = dict(sample, intro=f"Dự thảo của {unit.name}")
            period = Period.objects.get(code=code_period(unit))
            cls.drafts.append(
                DispatchDraft.objects.create(
                    parent=unit,
                    period=period,
                    content=content,
                    created_by=cls.admin,
                    updated_by=cls.admin,
                )
            )
            DispatchTemplate.objects.create(
                unit=unit, filename=f"ZT{unit.pk}T.docx", content=b"", uploaded_by=cls.admin
            )

    # ------------------------------------------------------------------- what is outside

    def outside_for(self, user: User) -> Outside:
        units = [u for u in self.pool if not user.can_see(u)]
        ancestors = set(user.unit.ancestor_ids()) if user.unit else set()
        from indicators.access import can_see_plan

        plans = [p for p in TargetPlan.objects.all() if not can_see_plan(user, p)]
        targets = [
            t
            for t in Target.objects.select_related("unit", "plan").filter(
                unit__in=[u.pk for u in units]
            )
        ]
        return Outside(
            units=units,
            name_units=[u for u in units if u.pk not in ancestors],
            plans=plans,
            targets=targets,
            batches=[b for b in self.batches if b.uploaded_by_id != user.pk],
        )

    def secrets(self, outside: Outside) -> list[str]:
        """Strings that must not appear in any response to the user."""
        found = [marker(u) for u in outside.name_units]
        for unit in outside.units:
            for number in self.numbers[unit.pk]:
                found += [str(number), f"{number:,}".replace(",", ".")]
        found += [p.title.split()[-1] for p in outside.plans if "ZP" in p.title]
        found += [f"ZR{t.unit_id}R" for t in outside.targets if "ZR" in t.reason]
        found += [b.filename for b in outside.batches]
        found += [f"ZT{u.pk}T" for u in outside.units]
        return found

    # ------------------------------------------------------------------- recipes

    def recipes(self) -> dict[str, Callable[[User, Outside], list[Case]]]:
        def query(place: AdministrativeUnit, **extra: str) -> dict[str, str]:
            return {"parent": place.code, "period": code_period(place), **extra}

        def list_page(name: str, **extra: str) -> Callable[[User, Outside], list[Case]]:
            def build(user: User, outside: Outside) -> list[Case]:
                url = reverse(name)
                cases = [Case("get", url, allowed=frozenset({200, 302, *DENIED}), label="defaults")]
                cases += [
                    Case("get", url, query(u, **extra), label=f"parent {u}") for u in outside.units
                ]
                return cases

            return build

        def ranking(user: User, outside: Outside) -> list[Case]:
            cases = list_page("indicators:ranking", indicator="online")(user, outside)
            url = reverse("indicators:ranking")
            cases += [
                Case("get", url, query(u, indicator="all"), label=f"all, parent {u}")
                for u in outside.units
            ]
            if user.unit is not None:
                # The user's own table, asking for the trend of an outside unit.
                cases += [
                    Case(
                        "get",
                        url,
                        {**query(user.unit, indicator="online"), "unit": u.code},
                        allowed=frozenset({200, 400, 403}),
                        label=f"trend of {u}",
                    )
                    for u in outside.units
                    if u.structure == user.unit.structure
                ]
            return cases

        def chart_data(user: User, outside: Outside) -> list[Case]:
            cases = []
            for chart, indicator in (("bars", "online"), ("heatmap", "all"), ("trend", "online")):
                for fmt in ("csv", "xlsx"):
                    url = reverse("indicators:ranking_chart_data", args=[chart, fmt])
                    cases += [
                        Case("get", url, query(u, indicator=indicator, unit=u.code))
                        for u in outside.units
                    ]
            return cases

        def unit_urls(name: str, *extra: str) -> Callable[[User, Outside], list[Case]]:
            def build(user: User, outside: Outside) -> list[Case]:
                cases = []
                for unit in outside.units:
                    args: list[object] = [unit.pk]
                    if name not in ("indicators:unit_page", "indicators:index766_unit"):
                        args.append(code_period(unit))
                    args += list(extra)
                    url = reverse(name, args=args)
                    if name != "indicators:figures_action":
                        cases.append(Case("get", url))
                    if name in ("indicators:figures_edit", "indicators:figures_action"):
                        cases.append(
                            Case(
                                "post",
                                url,
                                {
                                    "received": "5",
                                    "received_online": "1",
                                    "version": "1",
                                    "comment": "x",
                                },
                            )
                        )
                return cases

            return build

        def figures_action(user: User, outside: Outside) -> list[Case]:
            cases = []
            for action in ("nop", "duyet", "tra-lai", "mo-khoa"):
                cases += unit_urls("indicators:figures_action", action)(user, outside)
            for unit in outside.units[:1]:
                url = reverse(
                    "indicators:figures_action", args=[unit.pk, code_period(unit), "duyet"]
                )
                cases.append(Case("get", url, allowed=frozenset({METHOD_NOT_ALLOWED})))
            return cases

        def approve_bulk(user: User, outside: Outside) -> list[Case]:
            # Refused as a whole: back to the list with a message naming no outside unit.
            url = reverse("indicators:figures_approve_bulk")
            cases = []
            for unit in outside.units:
                for figures in UnitFigures.objects.filter(unit=unit):
                    data = {
                        "figures": f"{figures.pk}:{figures.version}",
                        "parent": unit.code,
                        "period": figures.period.code,
                    }
                    cases.append(Case("post", url, data, allowed=frozenset({302})))
            cases.append(Case("get", url, allowed=frozenset({METHOD_NOT_ALLOWED})))
            return cases

        def plan_urls(name: str) -> Callable[[User, Outside], list[Case]]:
            def build(user: User, outside: Outside) -> list[Case]:
                cases = []
                for plan in outside.plans:
                    url = reverse(name, args=[plan.pk])
                    if name == "indicators:targets_plan":
                        cases.append(Case("get", url))
                    else:
                        cases.append(Case("post", url, {"parent": str(plan.issuer_id or "")}))
                if name == "indicators:targets_apply":
                    # A plan the user manages, applied to a unit outside their scope.
                    for plan in self.plans:
                        if plan not in outside.plans:
                            for unit in outside.units:
                                cases.append(
                                    Case(
                                        "post",
                                        reverse(name, args=[plan.pk]),
                                        {"parent": str(unit.pk)},
                                        allowed=frozenset({302, *DENIED}),
                                        label=f"apply to {unit}",
                                    )
                                )
                else:
                    # A plan the user may open lists no target of an outside unit.
                    for plan in self.plans:
                        if plan not in outside.plans:
                            cases.append(
                                Case("get", reverse(name, args=[plan.pk]), allowed=frozenset({200}))
                            )
                return cases

            return build

        def target_urls(user: User, outside: Outside) -> list[Case]:
            cases = []
            for target in outside.targets:
                url = reverse("indicators:targets_target", args=[target.plan_id, target.pk])
                cases.append(Case("get", url))
                cases.append(Case("post", url, {"value": "12,5", "reason": "thử"}))
            return cases

        def batch_urls(name: str) -> Callable[[User, Outside], list[Case]]:
            def build(user: User, outside: Outside) -> list[Case]:
                method = "post" if name == "indicators:import_commit" else "get"
                return [
                    Case(method, reverse(name, args=[b.pk]), allowed=frozenset({404}))
                    for b in outside.batches
                ]

            return build

        def import_upload(user: User, outside: Outside) -> list[Case]:
            url = reverse("indicators:import_upload")
            cases = [Case("get", url, allowed=frozenset({200}))]
            for unit in outside.units:
                cases.append(
                    Case(
                        "get",
                        url,
                        {"parent": unit.pk, "period": code_period(unit)},
                        allowed=frozenset({200}),
                    )
                )
                csv = f"gso_code,received,received_online\n{unit.code},10,5\n".encode()
                cases.append(
                    Case(
                        "post",
                        url,
                        {
                            "parent": str(unit.pk),
                            "period": code_period(unit),
                            "file": SimpleUploadedFile("so-lieu.csv", csv, "text/csv"),
                        },
                    )
                )
            return cases

        def home(user: User, outside: Outside) -> list[Case]:
            url = reverse("indicators:index")
            return [Case("get", url, allowed=frozenset({302}))] + [
                Case("get", url, query(u), allowed=frozenset({302})) for u in outside.units
            ]

        def plans_list(user: User, outside: Outside) -> list[Case]:
            url = reverse("indicators:targets_plans")
            return [Case("get", url, allowed=frozenset({200}))] + [
                Case("get", url, query(u), allowed=frozenset({200})) for u in outside.units
            ]

        def plan_create(user: User, outside: Outside) -> list[Case]:
            """A new plan of a unit outside the user's reach, or copied from a plan they
            may not see: refused, and the page names neither."""
            url = reverse("indicators:targets_plan_create")
            plan_form = {"year": "2024", "title": "thử", "applies_rule": "0", "uplift": "10"}
            cases = [Case("get", url, allowed=frozenset({200, 403}), label="defaults")]
            for unit in outside.units:
                cases.append(Case("get", url, {"issuer": unit.pk, "year": 2024}))
                cases.append(Case("post", url, {**plan_form, "issuer": str(unit.pk)}))
            own = str(user.unit_id or "")
            for plan in outside.plans:
                cases.append(Case("get", url, {"issuer": own, "year": 2024, "copy_from": plan.pk}))
                cases.append(
                    Case("post", url, {**plan_form, "issuer": own, "copy_from": str(plan.pk)})
                )
            return cases

        def draft_urls(name: str, method: str = "get") -> Callable[[User, Outside], list[Case]]:
            def build(user: User, outside: Outside) -> list[Case]:
                data = {"number": "9/UBND-VP", "issued_on": "14/07/2030", "version": "1"}
                return [
                    Case(method, reverse(name, args=[d.pk]), data if method == "post" else {})
                    for d in self.drafts
                    if d.parent in outside.units
                ] + [Case(method, reverse(name, args=[999_999]), label="no such draft")]

            return build

        def draft_create(user: User, outside: Outside) -> list[Case]:
            url = reverse("indicators:dispatch_draft_create")
            return [Case("post", url, query(u), label=f"parent {u}") for u in outside.units]

        def template_urls(name: str) -> Callable[[User, Outside], list[Case]]:
            def build(user: User, outside: Outside) -> list[Case]:
                url = reverse(name)
                cases = [Case("get", url, {"unit": str(u.pk)}) for u in outside.units]
                if name == "indicators:dispatch_template":
                    cases += [
                        Case("post", url, {"unit": str(u.pk), "reset": "1"}) for u in outside.units
                    ]
                return cases

            return build

        def own_account(name: str) -> Callable[[User, Outside], list[Case]]:
            """Pages about the signed-in user's own account: nothing of any unit; a wrong
            form is refused and changes nothing."""

            def build(user: User, outside: Outside) -> list[Case]:
                url = reverse(name)
                cases = [Case("get", url, allowed=frozenset({200}))]
                cases += [
                    Case("get", url, query(u), allowed=frozenset({200})) for u in outside.units
                ]
                bad = {"old_password": "wrong", "new_password1": "x", "new_password2": "y"}
                cases.append(Case("post", url, bad, allowed=frozenset({200, 400, 405})))
                return cases

            return build

        def unit_search(user: User, outside: Outside) -> list[Case]:
            # The search answers 200 with the user's own units only: an outside unit's
            # code or name finds nothing.
            url = reverse("indicators:unit_search")
            return [
                Case("get", url, {"q": text, "period": code_period(u)}, allowed=frozenset({200}))
                for u in outside.units
                for text in (u.code, u.name)
            ]

        return {
            "password_change": own_account("password_change"),
            "indicators:unit_search": unit_search,
            "password_change_done": own_account("password_change_done"),
            "indicators:index": home,
            "indicators:ranking": ranking,
            "indicators:ranking_chart_data": chart_data,
            "indicators:figures_list": list_page("indicators:figures_list"),
            "indicators:figures_edit": unit_urls("indicators:figures_edit"),
            "indicators:figures_history": unit_urls("indicators:figures_history"),
            "indicators:figures_action": figures_action,
            "indicators:figures_approve_bulk": approve_bulk,
            "indicators:summary": list_page("indicators:summary"),
            "indicators:unit_page": unit_urls("indicators:unit_page"),
            "indicators:reminders_csv": list_page("indicators:reminders_csv"),
            "indicators:targets_plans": plans_list,
            "indicators:targets_plan": plan_urls("indicators:targets_plan"),
            "indicators:targets_apply": plan_urls("indicators:targets_apply"),
            "indicators:targets_target": target_urls,
            "indicators:targets_plan_create": plan_create,
            "indicators:dispatch": list_page("indicators:dispatch"),
            "indicators:dispatch_docx": list_page("indicators:dispatch_docx"),
            "indicators:dispatch_xlsx": list_page("indicators:dispatch_xlsx"),
            "indicators:dispatch_draft": draft_urls("indicators:dispatch_draft"),
            "indicators:dispatch_draft_docx": draft_urls("indicators:dispatch_draft_docx"),
            "indicators:dispatch_draft_xlsx": draft_urls("indicators:dispatch_draft_xlsx"),
            "indicators:dispatch_draft_issue": draft_urls(
                "indicators:dispatch_draft_issue", "post"
            ),
            "indicators:dispatch_draft_create": draft_create,
            "indicators:dispatch_template": template_urls("indicators:dispatch_template"),
            "indicators:dispatch_template_download": template_urls(
                "indicators:dispatch_template_download"
            ),
            "indicators:import_upload": import_upload,
            "indicators:import_template": list_page("indicators:import_template"),
            "indicators:import_preview": batch_urls("indicators:import_preview"),
            "indicators:import_commit": batch_urls("indicators:import_commit"),
            "indicators:export_xlsx": list_page("indicators:export_xlsx"),
            "indicators:export_csv": list_page("indicators:export_csv"),
            "indicators:index766": list_page("indicators:index766"),
            "indicators:index766_csv": list_page("indicators:index766_csv"),
            "indicators:index766_unit": unit_urls("indicators:index766_unit"),
        }

    # ------------------------------------------------------------------- running

    def state(self) -> tuple[object, ...]:
        """Every row a denied request could have changed."""
        return (
            sorted(UnitFigures.objects.values_list("pk", "version", "status", "received")),
            FiguresChange.objects.count(),
            sorted(Target.objects.values_list("pk", "value", "reason", "source")),
            sorted(TargetPlan.objects.values_list("pk", "title")),
            sorted(ImportBatch.objects.values_list("pk", "status")),
            sorted(DispatchDraft.objects.values_list("pk", "version", "status")),
            sorted(DispatchTemplate.objects.values_list("pk", "filename")),
        )

    def send(self, case: Case):
        if case.method == "post":
            data = dict(case.data)
            upload = data.get("file")
            if isinstance(upload, SimpleUploadedFile):
                upload.seek(0)
            return self.client.post(case.url, data)
        return self.client.get(case.url, case.data)

    def body(self, response) -> str:
        content = b"".join(response) if response.streaming else response.content
        return CSRF_TOKEN.sub('name="csrfmiddlewaretoken"', content.decode("utf-8", "replace"))

    def test_it_has_a_recipe_for_every_url_pattern(self) -> None:
        found = portal_patterns()
        recipes = self.recipes()
        missing = sorted(set(found) - set(recipes))
        self.assertEqual(
            missing,
            [],
            f"URL patterns without a scope recipe in {__name__}: {missing} — add one so the "
            "new view is checked with units outside each user's scope.",
        )
        self.assertEqual(sorted(set(recipes) - set(found)), [], "recipes of removed patterns")
        self.assertGreaterEqual(len(found), 20)

    def check_role(self, user: User) -> int:
        recipes = self.recipes()
        outside = self.outside_for(user)
        self.assertTrue(outside.units, f"{user} has nothing outside: the test would be empty")
        secrets = self.secrets(outside)
        self.login(user)
        before = self.state()
        failures: list[str] = []
        count = 0
        for name in sorted(portal_patterns()):
            if name not in recipes:
                continue  # test_every_pattern_has_a_recipe names it
            for case in recipes[name](user, outside):
                count += 1
                response = self.send(case)
                where = f"{user.username} {case.method.upper()} {case.url} {case.data} {case.label}"
                if response.status_code not in case.allowed:
                    failures.append(f"{where}: status {response.status_code}")
                if response.status_code == 302:
                    location = response["Location"]
                    if any(marker(u) in location for u in outside.name_units):
                        failures.append(f"{where}: redirects to {location}")
                text = self.body(response)
                leaked = [s for s in secrets if s in text]
                if leaked:
                    failures.append(f"{where}: shows {leaked}")
        self.assertEqual(failures, [], "\n".join(failures))
        self.assertEqual(self.state(), before, "a denied request changed data")
        return count

    def test_it_scopes_a_commune_official(self) -> None:
        self.assertGreater(self.check_role(self.commune), 200)

    def test_it_scopes_district_staff(self) -> None:
        self.assertGreater(self.check_role(self.district), 150)

    def test_it_scopes_a_chairman(self) -> None:
        self.assertGreater(self.check_role(self.chairman), 150)

    def test_it_scopes_district_staff_of_another_province(self) -> None:
        self.check_role(self.outsider)

    def test_it_scopes_province_staff(self) -> None:
        self.check_role(self.province_bd)

    def test_it_scopes_province_staff_of_another_province(self) -> None:
        self.check_role(self.province_qn)

    def test_it_shows_the_planted_data_to_an_admin(self) -> None:
        """Sanity: the same recipes as an administrator reach the data, so the denials
        above are about scope and not about broken URLs."""
        self.login(self.admin)
        outside = self.outside_for(self.district)
        checks = [
            (
                reverse("indicators:ranking"),
                {"parent": self.duc_pho.code, "period": LEGACY_PERIOD, "indicator": "online"},
                self.pho_ninh,
            ),
            (
                reverse("indicators:summary"),
                {"parent": self.duc_pho.code, "period": LEGACY_PERIOD},
                self.pho_ninh,
            ),
            (
                reverse("indicators:figures_list"),
                {"parent": self.gia_lai.code, "period": REFORM_PERIOD},
                self.gl_commune,
            ),
            (reverse("indicators:unit_page", args=[self.pho_ninh.pk]), {}, self.pho_ninh),
            (
                reverse("indicators:figures_edit", args=[self.gl_commune.pk, REFORM_PERIOD]),
                {},
                self.gl_commune,
            ),
            (
                reverse("indicators:figures_history", args=[self.pho_ninh.pk, LEGACY_PERIOD]),
                {},
                self.pho_ninh,
            ),
        ]
        for url, data, unit in checks:
            response = self.client.get(url, data)
            self.assertEqual(response.status_code, 200, url)
            self.assertIn(marker(unit), self.body(response), url)
        received, _online = self.numbers[self.pho_ninh.pk]
        response = self.client.get(
            reverse("indicators:ranking"),
            {"parent": self.duc_pho.code, "period": LEGACY_PERIOD, "indicator": "online"},
        )
        self.assertIn(f"{received:,}".replace(",", "."), self.body(response))
        for plan in outside.plans:
            response = self.client.get(reverse("indicators:targets_plan", args=[plan.pk]))
            self.assertEqual(response.status_code, 200)
        for target in outside.targets:
            url = reverse("indicators:targets_target", args=[target.plan_id, target.pk])
            self.assertEqual(self.client.get(url).status_code, 200, url)
        for batch in self.batches:
            response = self.client.get(reverse("indicators:import_preview", args=[batch.pk]))
            self.assertEqual(response.status_code, 200)
            self.assertIn(batch.filename, self.body(response))
        for name in (
            "dispatch",
            "dispatch_docx",
            "dispatch_xlsx",
            "export_xlsx",
            "export_csv",
            "import_template",
            "reminders_csv",
            "index766_csv",
        ):
            response = self.client.get(
                reverse(f"indicators:{name}"),
                {"parent": self.duc_pho.code, "period": LEGACY_PERIOD},
            )
            self.assertEqual(response.status_code, 200, name)

    def test_it_sends_logged_out_visitors_to_login(self) -> None:
        """Every pattern, with real ids: the login page, never the data."""
        self.client.logout()
        own = self.hoai_duc
        plan = self.plans[0]
        target = Target.objects.filter(plan=plan).first()
        assert target is not None
        kwargs = {
            "unit_id": own.pk,
            "period_code": LEGACY_PERIOD,
            "action": "nop",
            "chart": "bars",
            "fmt": "csv",
            "plan_id": plan.pk,
            "target_id": target.pk,
            "batch_id": self.batches[0].pk,
            "draft_id": self.drafts[0].pk,
        }
        post_only = {
            "indicators:figures_action",
            "indicators:figures_approve_bulk",
            "indicators:import_commit",
            "indicators:targets_apply",
            "indicators:dispatch_draft_create",
            "indicators:dispatch_draft_issue",
        }
        secrets = [marker(u) for u in self.pool]
        for numbers in self.numbers.values():
            secrets += [f"{n:,}".replace(",", ".") for n in numbers]
        query = {"parent": self.hoai_nhon.code, "period": LEGACY_PERIOD, "indicator": "online"}
        failures = []
        for name, route in sorted(portal_patterns().items()):
            needed = {key: value for key, value in kwargs.items() if f":{key}>" in route}
            url = reverse(name, kwargs=needed)
            primary, other = ("post", "get") if name in post_only else ("get", "post")
            response = getattr(self.client, primary)(url, query)
            if response.status_code != 302 or not response["Location"].startswith(LOGIN_URL):
                failures.append(f"{primary.upper()} {url}: {response.status_code}")
            response = getattr(self.client, other)(url, query)
            redirected = response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
            if not (redirected or response.status_code == METHOD_NOT_ALLOWED):
                failures.append(f"{other.upper()} {url}: {response.status_code}")
            if any(s in self.body(response) for s in secrets):
                failures.append(f"{url}: shows data")
        self.assertEqual(failures, [], "\n".join(failures))
