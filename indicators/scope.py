"""Which parent unit and period a request means: the one place that reads ?parent= and
?period= and chooses what a page opens on when the URL names neither.

Codes, so a URL can be shared: ?parent=543&period=2023-H1-CAL. A GSO code names a unit
only together with a date (codes were reused in 2025), so the parent's code is read as of
the period's dates. A code that cannot be read is an error message for the user, never
silently replaced by another period or unit.

Any period can be opened, started or not by anyone (`open_period`): the district must see
who has not reported for a month nobody has entered yet. Only a period that has not begun
(it starts after today), a code that cannot be read, or a date range nobody entered
anything for are messages.

The defaults: the latest period in which most of the user's reporting units (communes and
district desks existing then) have submitted or approved figures, so that one commune's
draft does not turn every landing page grey; else the latest with any submitted or
approved figures; else the latest with figures. The parent is the user's own unit (a user
without one, an administrator, gets the page's `fallback` parent). Pages that keep
their filters in the URL (the ranking, the dispatch) redirect to them
(`redirect_to_defaults`); the others show them directly (`scope_or_defaults`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django import forms
from django.core.management.base import CommandError, CommandParser
from django.http import HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.domain import periods
from indicators.domain.formatting import format_date_vi
from indicators.models import Period
from indicators.selectors import (
    PeriodReporting,
    ReportCount,
    overlapping_figures,
    parents_for_ranking,
    period_for_spec,
    periods_by_reporting,
    periods_for_user,
    report_count,
)
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit, Role, UnitQuerySet, User
from units.selectors import (
    COUNTRY_CODE,
    AmbiguousUnit,
    UnitNotFound,
    the_country,
    unit_by_code_during,
)

T = TypeVar("T")
# The parent a page opens on for a user without a unit: (the user's units, period) -> unit.
ParentFallback = Callable[[UnitQuerySet, Period], AdministrativeUnit | None]


# --------------------------------------------------------------------------- reading codes


def read_spec(code: str) -> periods.PeriodSpec:
    """A period code (2023-H1-CAL, 2024-Y-ND09, 2023-01-01..2023-06-30) as a period."""
    try:
        return periods.parse_period_code(code.strip())
    except periods.PeriodError as error:
        raise forms.ValidationError(str(error)) from error


def stored_period(spec: periods.PeriodSpec) -> Period:
    """The stored period of `spec`: one that has (or had) figures."""
    period = period_for_spec(spec)
    if period is None and overlapping_figures(spec.start, spec.end).exists():
        # Built from the periods entered inside it (its months), or refused with the reason
        # when they cannot build it: stored on first use, so that pages, links and commands
        # can name it like any other.
        period = Period.objects.for_spec(spec)
    if period is None:
        raise forms.ValidationError(
            _("Chưa có số liệu cho kỳ %(period)s.") % {"period": spec.long_label_vi}
        )
    return period


def open_period(spec: periods.PeriodSpec, *, today: dt.date | None = None) -> Period:
    """The period a page opens for `spec`, with or without figures: the stored one, or else
    stored now (get_or_create on its unique code, so opening it twice, or at once from two
    requests, makes one row and writes no figures; the pages, their links and the entry
    form name periods by their stored row). Refused with a message: a period that starts
    after today and holds no figures, and a date range nobody entered figures in (ranges
    are typed freely, and a row for each of them would grow without bound)."""
    today = today or timezone.localdate()
    period = period_for_spec(spec)
    future = spec.start > today
    if (period is None or future) and not overlapping_figures(spec.start, spec.end).exists():
        if future:
            raise forms.ValidationError(
                _(
                    "Kỳ %(period)s chưa bắt đầu (bắt đầu ngày %(start)s, hôm nay là "
                    "%(today)s): chưa có gì để xem. Hãy chọn kỳ hiện tại hoặc một kỳ đã qua."
                )
                % {
                    "period": spec.long_label_vi,
                    "start": format_date_vi(spec.start),
                    "today": format_date_vi(today),
                }
            )
        if spec.kind is periods.PeriodKind.CUSTOM:
            raise forms.ValidationError(
                _(
                    "Chưa có số liệu trong khoảng %(period)s. Hãy chọn một kỳ tháng, quý, "
                    "6 tháng, 9 tháng hoặc năm."
                )
                % {"period": spec.range_vi}
            )
    return period or Period.objects.for_spec(spec)


def read_parent(
    code: str, *, spec: periods.PeriodSpec | Period, country: bool = False
) -> AdministrativeUnit:
    """The unit the GSO `code` named during the period; with `country`, "VN" is the whole
    country (the pages that rank provinces say so; the others refuse it)."""
    if code.strip().upper() == COUNTRY_CODE:
        if country:
            return the_country()
        raise forms.ValidationError(
            _(
                "Trang này xem theo từng đơn vị; cả nước (mã %(code)s) chỉ có trên trang "
                "Xếp hạng và Tổng hợp."
            )
            % {"code": COUNTRY_CODE}
        )
    try:
        return unit_by_code_during(code, start=spec.start, end=spec.end)
    except (UnitNotFound, AmbiguousUnit) as error:
        raise forms.ValidationError(str(error)) from error


class ScopeForm(forms.Form):
    """?parent=<GSO code>&period=<period code>. Cleaned: "period" the Period as opened by
    `open_period` (with `require_stored_period=False`: the stored one or None, nothing
    stored; with `require_figures`: one with figures, refused otherwise), "spec" the
    period as read, "parent" the unit the code named during the period."""

    period = forms.CharField(label=_("Kỳ báo cáo"), max_length=40)
    parent = forms.CharField(label=_("Đơn vị"), max_length=12)
    # Whether ?parent=VN (the whole country) may be asked for on this page.
    country_scope = False

    def __init__(
        self,
        *args: Any,
        require_stored_period: bool = True,
        require_figures: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.require_stored_period = require_stored_period
        # A download of the figures themselves has nothing to give for a period without.
        self.require_figures = require_figures

    def clean_period(self) -> Period | None:
        spec = read_spec(self.cleaned_data["period"])
        self.cleaned_data["spec"] = spec
        if self.require_figures:
            return stored_period(spec)
        if self.require_stored_period:
            return open_period(spec)
        return period_for_spec(spec)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        spec: periods.PeriodSpec | None = cleaned.get("spec")
        code = cleaned.get("parent")
        if spec is not None and code:
            try:
                cleaned["parent"] = read_parent(code, spec=spec, country=self.country_scope)
            except forms.ValidationError as error:
                self.add_error("parent", error)
        return cleaned

    @property
    def parent_unit(self) -> AdministrativeUnit:
        return self.cleaned_data["parent"]

    def error_texts(self) -> list[str]:
        return [str(e) for errors in self.errors.values() for e in errors]


# --------------------------------------------------------------------------- the defaults


def first_ranked_parent(visible: UnitQuerySet, period: Period) -> AdministrativeUnit | None:
    """The first unit, in tree order, the user may rank under (the summary, figures list)."""
    return parents_for_ranking(visible, period).first()


def parent_of_first_reporting_unit(
    visible: UnitQuerySet, period: Period
) -> AdministrativeUnit | None:
    """The parent of the first unit, in tree order, with figures for the period (the
    ranking: its table then has rows)."""
    unit = (
        visible.filter(figures__period=period, parent__isnull=False)
        .select_related("parent")
        .order_by("path")
        .first()
    )
    return unit.parent if unit is not None else None


def the_whole_country(visible: UnitQuerySet, period: Period) -> AdministrativeUnit | None:
    """The parent a page opens on for those who see every unit (administrators, the
    national role): the country, its provinces ranked."""
    return the_country()


@dataclass(frozen=True)
class ScopeChoice:
    """What `scope_or_defaults` found. `errors` holds, by field ("period", "parent"), the
    message for a code that could not be read; that field then holds its default.
    `is_default`: the period was chosen by the rule, not named in the URL; `reported`: how
    many reporting units under the parent are in for the period (None without one)."""

    period: Period | None
    parent: AdministrativeUnit | None
    errors: dict[str, str] = field(default_factory=dict)
    is_default: bool = False
    reported: ReportCount | None = None

    @property
    def error(self) -> str:
        return " ".join(self.errors.values())


def default_period(units: UnitQuerySet | None, *, live_cycle: bool = False) -> Period | None:
    """The latest period in which most reporting units among `units` submitted or had
    approved figures; else the one with the most of them in (the latest of equals: for the
    whole country, where only some provinces use the portal, the best-reported month rather
    than the one just started); else the latest with figures at all (a period holding only
    drafts comes last of all). With `live_cycle` (the national role) the latest period of
    `live_cycle_period` comes first. Three queries (periods_by_reporting), whatever the
    number of periods and units."""
    candidates = periods_by_reporting(units)
    chosen = live_cycle_period(candidates) if live_cycle else None
    chosen = chosen or next((c for c in candidates if c.count.most), None)
    chosen = chosen or max(
        (c for c in candidates if c.count.reported), key=lambda c: c.count.reported, default=None
    )
    chosen = chosen or next(iter(candidates), None)
    return chosen.period if chosen is not None else None


def live_cycle_period(candidates: list[PeriodReporting]) -> PeriodReporting | None:
    """The national role's default: the latest period on the 2025 structure (figures of
    its communes) that most of the units taking part in the live cycle are in — most of
    those in the best-reported such period — so the month just started, with its first
    few submissions, waits until it is mostly in.

    Why not the rule of the other roles: only the provinces that use the portal report,
    so no period has most of the country's units in, and that rule falls back to the
    period with the most units in — a legacy month (06/2025 on the whole country's units
    with the demo's two provinces), the legacy structure having more communes and
    district desks than today's, however live today's monthly cycle is. For the
    ministries the live monthly cycle on today's structure matters most; the other roles
    keep their rule (the administrator's included).
    `candidates` newest first, as periods_by_reporting gives them."""
    live = [c for c in candidates if c.reported_on_2025]
    if not live:
        return None
    best = max(c.reported_on_2025 for c in live)
    return next(c for c in live if c.reported_on_2025 * 2 > best)


def user_default_period(user: User) -> Period | None:
    """`default_period` among the units the user sees (the whole country, read by level,
    for those who see everything), on the live cycle for the national role."""
    units = None if user.sees_everything else user.visible_units()
    return default_period(units, live_cycle=user.role == Role.NATIONAL)


def reported_under(parent: AdministrativeUnit, period: Period) -> ReportCount:
    """How many reporting units of the parent's subtree are in for the period (the line
    "118/135 đơn vị đã nộp hoặc được duyệt" of the pages)."""
    units = AdministrativeUnit.objects.in_subtree(parent)
    return report_count(units=units, start=period.start, end=period.end)


def search_period(code: str, *, user: User) -> Period | None:
    """The period a unit search reads the units of (those existing then): the stored one
    of the code, or else the newest with figures among the user's units; nothing is
    stored (a search is a read)."""
    try:
        period = period_for_spec(read_spec(code)) if code.strip() else None
    except forms.ValidationError:
        period = None
    return period or periods_for_user(user).first()


def _read(query: QueryDict, key: str, errors: dict[str, str], read: Callable[[str], T]) -> T | None:
    code = query.get(key, "")
    if not code:
        return None
    try:
        return read(code)
    except forms.ValidationError as error:
        errors[key] = " ".join(error.messages)
        return None


def scope_or_defaults(
    query: QueryDict,
    *,
    user: User,
    fallback: ParentFallback = first_ranked_parent,
    count: bool = False,
    country: bool = False,
) -> ScopeChoice:
    """?period= and ?parent= where given and readable, the defaults otherwise: the period
    of `default_period` in the user's units, the user's unit or else `fallback`. Period
    and parent are None only when the user's units have no figures at all and the URL
    names no period. With `count`, how many units are in (one more query)."""
    errors: dict[str, str] = {}
    visible = user.visible_units()
    period = _read(query, "period", errors, lambda code: open_period(read_spec(code)))
    is_default = period is None
    period = period or user_default_period(user)
    if period is None:
        return ScopeChoice(period=None, parent=None, errors=errors)
    parent = _read(
        query, "parent", errors, lambda code: read_parent(code, spec=period, country=country)
    )
    parent = parent or user.unit or fallback(visible, period)
    reported = reported_under(parent, period) if count and parent is not None else None
    return ScopeChoice(
        period=period, parent=parent, errors=errors, is_default=is_default, reported=reported
    )


def redirect_to_defaults(
    request: AuthenticatedRequest, *, fallback: ParentFallback, **extra: str
) -> HttpResponse | None:
    """None when the query names the parent, the period and every `extra` key; else the
    same URL with the defaults filled in where missing (the no-data page when there are
    none), so that the page's URL always says what it shows."""
    if {"parent", "period", *extra} <= set(request.GET):
        return None
    # An empty query: every default, whatever the URL already says.
    defaults = scope_or_defaults(QueryDict(), user=request.user, fallback=fallback)
    if defaults.period is None or defaults.parent is None:
        return render(request, "indicators/no_data.html")
    query = request.GET.copy()
    filled = {"parent": defaults.parent.code, "period": defaults.period.code, **extra}
    for key, value in filled.items():
        query.setdefault(key, value)
    return redirect(f"{request.path}?{query.urlencode()}")


def bad_query(messages: Iterable[str]) -> HttpResponse:
    """The 400 answer of a download whose query cannot be read: plain text, never HTML,
    since the messages quote what was typed into the URL."""
    return HttpResponseBadRequest(" ".join(messages), content_type="text/plain; charset=utf-8")


# --------------------------------------------------------------------------- command line

PERIOD_HELP = (
    "Mã kỳ (2023-H1-CAL, 2026-9M-ND09, 2024-Y-ND09...) hoặc khoảng ngày 2023-01-01..2023-06-30."
)


def add_scope_arguments(parser: CommandParser, *, parent_help: str) -> None:
    """--parent and --period, as every command that works on one unit's subtree takes them."""
    parser.add_argument("--parent", required=True, help=parent_help)
    parser.add_argument("--period", required=True, help=PERIOD_HELP)


@dataclass(frozen=True)
class CommandScope:
    parent: AdministrativeUnit
    spec: periods.PeriodSpec
    period: Period | None  # None: nothing was ever stored for this period


def command_scope(
    options: Mapping[str, Any],
    *,
    require_stored_period: bool = True,
    returncode: int = 1,
    country: bool = False,
) -> CommandScope:
    """A command's --parent and --period read as the pages read ?parent= and ?period=; a
    CommandError with the same Vietnamese message otherwise. With `country`, --parent VN
    is the whole country."""
    try:
        spec = read_spec(options["period"])
        parent = read_parent(options["parent"], spec=spec, country=country)
        period = stored_period(spec) if require_stored_period else period_for_spec(spec)
    except forms.ValidationError as error:
        raise CommandError(" ".join(error.messages), returncode=returncode) from error
    return CommandScope(parent=parent, spec=spec, period=period)


# --------------------------------------------------------------------------- drafts

INCLUDE_DRAFTS = "include_drafts"


def read_include_drafts(query: Mapping[str, Any]) -> bool:
    """?include_drafts=1: the user asked for draft figures in ranks, totals and downloads
    (the "Gồm cả số liệu nháp" box). Anything else, or nothing, leaves drafts out."""
    return str(query.get(INCLUDE_DRAFTS, "")).strip().lower() in ("1", "on", "true", "yes")
