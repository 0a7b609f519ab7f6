"""Forms only validate and convert; access is checked in the views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.domain import checks, formulas, index766
from indicators.domain.formatting import parse_count

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How an official reads the counts: what came in, what was digitized, what was resolved,
# then payments, feedback and satisfaction.
FIELD_GROUPS: tuple[tuple[StrOrPromise, tuple[str, ...]], ...] = (
    (
        _("Tiếp nhận"),
        (
            "total",
            "carried_over",
            "received",
            "with_portal_account",
            "received_in_person",
            "received_online",
        ),
    ),
    (
        _("Số hóa"),
        (
            "digitized_partial",
            "digitized_full",
            "results_digitized",
            "reused",
            "population_db_checked",
            "e_certified_copies",
        ),
    ),
    (_("Giải quyết"), ("resolved", "resolved_on_time", "resolved_late")),
    (_("Thanh toán trực tuyến"), ("payments_online", "payments_total")),
    (_("Phản ánh, kiến nghị"), ("feedback_received", "feedback_on_time")),
    (_("Mức độ hài lòng"), ("ratings_satisfied", "ratings_total")),
)
assert {f for _, fields in FIELD_GROUPS for f in fields} == set(formulas.COUNT_FIELDS)

# The optional counts of the Decision 766 index, in a collapsed fieldset of their own: a
# unit that does not count them leaves them empty and its 766 pre-run says what is missing.
EXTRA_TITLE = _("Số liệu cho Chỉ số 766 (không bắt buộc)")
ALL_FIELDS = {**formulas.COUNT_FIELDS, **index766.EXTRA_COUNT_FIELDS}


class CountField(forms.IntegerField):
    """A whole count typed the way officials write it ("1.087"). Django's localized
    IntegerField drops every separator, so "1.5" would be stored as 15; this refuses it."""

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_count(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class FiguresForm(forms.Form):
    """All raw counts of one unit and period. Validates the identities of DOMAIN.md and
    converts Vietnamese-formatted numbers ("1.087"); it never writes."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    confirm_warnings = forms.BooleanField(
        label=_("Tôi đã kiểm tra và xác nhận các cảnh báo trên"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in ALL_FIELDS.items():
            self.fields[name] = CountField(
                label=label,
                required=False,
                min_value=0,
                max_value=10**9,
                localize=True,
                error_messages={
                    "invalid": _("%(label)s: cần nhập số nguyên (ví dụ 1.087).") % {"label": label},
                    "min_value": _("%(label)s không được âm.") % {"label": label},
                    "max_value": _("%(label)s quá lớn.") % {"label": label},
                },
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        counts = {name: cleaned.get(name) for name in ALL_FIELDS}
        if any(name in self.errors for name in ALL_FIELDS):
            return cleaned  # identities are meaningless until every number parses
        for violation in formulas.check_identities(counts):
            self.add_error(violation.field, violation.message_vi)
        for violation in checks.extra_identity_violations(counts):
            self.add_error(violation.field, violation.message_vi)
        return cleaned

    @property
    def counts(self) -> dict[str, int | None]:
        """Every count the form holds: the standard ones and the 766 extras."""
        return {name: self.cleaned_data.get(name) for name in ALL_FIELDS}

    def groups(self) -> list[tuple[StrOrPromise, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in FIELD_GROUPS]

    def extra_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in index766.EXTRA_COUNT_FIELDS]

    @property
    def extra_title(self) -> StrOrPromise:
        return EXTRA_TITLE

    @property
    def has_extra_values(self) -> bool:
        """Open the 766 fieldset when it holds values or errors."""
        return any(
            self[name].value() not in (None, "") or self[name].errors
            for name in index766.EXTRA_COUNT_FIELDS
        )


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label=_("Ý kiến / lý do"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
