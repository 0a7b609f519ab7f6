"""The period picker: kind (month, quarter, 6 months, 9 months, year), its number, the
convention (Decree 09 or calendar) and the year, turned into a period code.

Every page that takes a period shows it (templates/indicators/_period_picker.html, through
the `period_picker` tag). It is a plain GET form: without any script its fields reach the
server as ?period_kind=M&period_number=11&…, and `PeriodPickerMiddleware` answers with the
same URL where they are replaced by ?period=<code>, the other parameters (parent,
indicator, …) kept, so that every page reads one parameter and its URL names the period
it shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from indicators.domain import periods

KIND, NUMBER, CONVENTION, YEAR = "period_kind", "period_number", "period_convention", "period_year"
PICKER_FIELDS = (KIND, NUMBER, CONVENTION, YEAR)

KINDS = [
    (periods.PeriodKind.MONTH.value, _("Tháng")),
    (periods.PeriodKind.QUARTER.value, _("Quý")),
    (periods.PeriodKind.HALF.value, _("6 tháng")),
    (periods.PeriodKind.NINE_MONTHS.value, _("9 tháng đầu năm")),
    (periods.PeriodKind.YEAR.value, _("Năm")),
]
CONVENTIONS = [
    (periods.Convention.DECREE09.value, _("Nghị định 09 (15 – 14)")),
    (periods.Convention.CALENDAR.value, _("Dương lịch")),
]
# How many numbered periods a kind has in a year (the 9 months and the year have none).
NUMBERS = {
    periods.PeriodKind.MONTH.value: 12,
    periods.PeriodKind.QUARTER.value: 4,
    periods.PeriodKind.HALF.value: 2,
}

_BUILD: dict[str, Callable[[int, int | None, periods.Convention], periods.PeriodSpec]] = {
    "M": lambda year, n, c: periods.month(year, n or 0, c),
    "Q": lambda year, n, c: periods.quarter(year, n or 0, c),
    "H": lambda year, n, c: periods.half(year, n or 0, c),
    "9M": lambda year, _n, c: periods.nine_months(year, c),
    "Y": lambda year, _n, c: periods.year_period(year, c),
}


class PeriodPickerForm(forms.Form):
    """The picker's four fields; cleaned "spec" is the period and "code" its code."""

    period_kind = forms.ChoiceField(label=_("Loại kỳ"), choices=KINDS)
    period_number = forms.TypedChoiceField(
        label=_("Tháng / quý / 6 tháng thứ"),
        choices=[(n, str(n)) for n in range(1, 13)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    period_convention = forms.ChoiceField(label=_("Quy ước"), choices=CONVENTIONS)
    period_year = forms.IntegerField(
        label=_("Năm"), min_value=periods.MIN_YEAR, max_value=periods.MAX_YEAR
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, year = cleaned.get(KIND), cleaned.get(YEAR)
        convention = cleaned.get(CONVENTION)
        if kind is None or year is None or convention is None:
            return cleaned
        number = cleaned.get(NUMBER) if kind in NUMBERS else None
        if kind in NUMBERS and number is None:
            raise forms.ValidationError(_("Hãy chọn tháng, quý hoặc 6 tháng thứ mấy."))
        try:
            spec = _BUILD[kind](year, number, periods.Convention(convention))
        except periods.PeriodError as error:
            raise forms.ValidationError(str(error)) from error
        cleaned["spec"], cleaned["code"] = spec, spec.code
        return cleaned

    @staticmethod
    def initial_for(spec: periods.PeriodSpec | None, *, today: dt.date) -> dict[str, object]:
        """The fields showing `spec`; for none (or a date range), the month of today."""
        if spec is None or spec.kind is periods.PeriodKind.CUSTOM:
            spec = periods.reporting_period_containing(
                today, periods.PeriodKind.MONTH, periods.Convention.DECREE09
            )
        return {
            KIND: spec.kind.value,
            NUMBER: spec.number,
            CONVENTION: spec.convention.value,
            YEAR: spec.year,
        }

    def typed_code(self) -> str:
        """The code the fields spell, read or not, so that the page that receives it says
        what is wrong with it in the words every period code gets."""
        data = self.data
        kind = data.get(KIND, "")
        number = data.get(NUMBER, "") if kind in NUMBERS else ""
        return f"{data.get(YEAR, '')}-{kind}{number}-{data.get(CONVENTION, '')}"


def kept_query(query: QueryDict) -> list[tuple[str, str]]:
    """The query's parameters other than the period and the picker's own: what the picker
    carries along as hidden fields."""
    drop = {"period", *PICKER_FIELDS}
    return [(key, value) for key, values in query.lists() if key not in drop for value in values]


class PeriodPickerMiddleware:
    """A GET with the picker's fields: the same URL with ?period=<code> instead of them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and KIND in request.GET:
            form = PeriodPickerForm(request.GET)
            code = form.cleaned_data["code"] if form.is_valid() else form.typed_code()
            query = QueryDict(mutable=True)
            for key, value in kept_query(request.GET):
                query.appendlist(key, value)
            query["period"] = code
            target = f"{request.path}?{query.urlencode()}"
            # A path such as //elsewhere.example/ would send the user off the portal.
            if url_has_allowed_host_and_scheme(target, allowed_hosts=None):
                return redirect(target)
        return self.get_response(request)
