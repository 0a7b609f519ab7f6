"""Which parent unit and period a request means: the one place that reads ?parent= and
?period= and chooses what a page opens on when the URL names neither.

Codes, so a URL can be shared: ?parent=543&period=2023-H1-CAL. A GSO code names a unit
only together with a date (codes were reused in 2025), so the parent's code is read as of
the period's dates. A code that cannot be read is an error message for the user, never
silently replaced by another period or unit.

The defaults: the latest period with figures in the user's units, and the user's own unit
(a user without one, an administrator, gets the page's `fallback` parent). Pages that keep
their filters in the URL (the ranking, the dispatch) redirect to them
(`redirect_to_defaults`); the others show them directly (`scope_or_defaults`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django import forms
from django.core.management.base import CommandError, CommandParser
from django.http import HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from indicators.domain import periods
from indicators.models import Period
from indicators.selectors import (
    overlapping_figures,
    parents_for_ranking,
    period_for_spec,
    periods_with_figures,
)
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit, UnitQuerySet, User
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
    """?parent=<GSO code>&period=<period code>. Cleaned: "period" the stored Period (None
    for a period without figures, allowed with `require_stored_period=False`), "spec" the
    period as read, "parent" the unit the code named during the period."""

    period = forms.CharField(label=_("Kỳ báo cáo"), max_length=40)
    parent = forms.CharField(label=_("Đơn vị"), max_length=12)
    # Whether ?parent=VN (the whole country) may be asked for on this page.
    country_scope = False

    def __init__(self, *args: Any, require_stored_period: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.require_stored_period = require_stored_period

    def clean_period(self) -> Period | None:
        spec = read_spec(self.cleaned_data["period"])
        self.cleaned_data["spec"] = spec
        if self.require_stored_period:
            return stored_period(spec)
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
    message for a code that could not be read; that field then holds its default."""

    period: Period | None
    parent: AdministrativeUnit | None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def error(self) -> str:
        return " ".join(self.errors.values())


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
    country: bool = False,
) -> ScopeChoice:
    """?period= and ?parent= where given and readable, the defaults otherwise: the latest
    period with figures in the user's units, the user's unit or else `fallback`. Period
    and parent are None only when the user's units have no figures at all."""
    errors: dict[str, str] = {}
    visible = user.visible_units()
    period = _read(query, "period", errors, lambda code: stored_period(read_spec(code)))
    period = period or periods_with_figures(visible).first()
    if period is None:
        return ScopeChoice(period=None, parent=None, errors=errors)
    parent = _read(
        query, "parent", errors, lambda code: read_parent(code, spec=period, country=country)
    )
    parent = parent or user.unit or fallback(visible, period)
    return ScopeChoice(period=period, parent=parent, errors=errors)


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

PERIOD_HELP = "Mã kỳ (2023-H1-CAL, 2024-Y-ND09...) hoặc khoảng ngày 2023-01-01..2023-06-30."


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
