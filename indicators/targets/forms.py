"""Forms of the targets pages: they validate and convert; access and ranges are checked in
the views and services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from indicators.forms_fields import PercentField
from indicators.models import Indicator, TargetPlan
from units.models import AdministrativeUnit, UnitQuerySet

# These messages are formatted with the limit as parameters: "%" is written "%%".
RATE_ERROR = _("Chỉ tiêu tỷ lệ phải từ 0 đến 100 %%.")


class ApplyRuleForm(forms.Form):
    """Which unit the rule is applied to: the issuer by default, or one of its units."""

    parent = forms.ModelChoiceField(
        label=_("Áp dụng cho"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": _("Đơn vị này không thuộc phạm vi của kế hoạch.")},
    )

    def __init__(self, *args: Any, parents: UnitQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds copies of the fields declared above: "parent" is that one.
        parent = cast("forms.ModelChoiceField[AdministrativeUnit]", self.fields["parent"])
        parent.queryset = parents


class TargetOverrideForm(forms.Form):
    """A target set by hand: a rate (95,96 or 95.96) and the reason, both required."""

    value = PercentField(
        label=_("Chỉ tiêu (%)"),
        required_message=_("Cần nhập chỉ tiêu."),
        invalid_message=_("Chỉ tiêu phải là một số, ví dụ 95,96."),
        out_of_range_message=RATE_ERROR,
        decimals_message=_("Chỉ tiêu có tối đa 2 chữ số thập phân."),
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Cần ghi lý do khi sửa chỉ tiêu."),
            "max_length": _("Lý do tối đa 300 ký tự."),
        },
    )


YES_NO = [("1", _("Có")), ("0", _("Không"))]


@dataclass(frozen=True)
class PlanFormOptions:
    """The choices of the new-plan forms for one user: the units they may issue a plan
    for, the plans they may copy, whether they may issue the central list."""

    issuers: UnitQuerySet
    copyable: QuerySet[TargetPlan]
    central: bool


def _plan_label(plan: TargetPlan) -> str:
    return f"{plan.year} · {plan.issuer_label} · {plan.title}"


if TYPE_CHECKING:
    _PlanChoiceBase = forms.ModelChoiceField[TargetPlan]
else:  # the field is generic for the type checker only
    _PlanChoiceBase = forms.ModelChoiceField


class _PlanChoiceField(_PlanChoiceBase):
    def label_from_instance(self, obj: TargetPlan) -> str:
        return _plan_label(obj)


MINIMUM_PREFIX = "min_"


class PlanStartForm(forms.Form):
    """What a new plan starts from (read on GET): the issuer, the year, and another plan to
    copy ("Sao chép kế hoạch năm trước")."""

    issuer = forms.ModelChoiceField(
        label=_("Cơ quan ban hành"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        error_messages={
            "required": _("Cần chọn cơ quan ban hành."),
            "invalid_choice": _("Bạn không lập được kế hoạch của đơn vị này."),
        },
    )
    year = forms.IntegerField(
        label=_("Năm kế hoạch"),
        error_messages={
            "required": _("Cần nhập năm kế hoạch."),
            "invalid": _("Năm kế hoạch phải là một số, ví dụ 2026."),
        },
    )
    copy_from = _PlanChoiceField(
        label=_("Sao chép kế hoạch năm trước"),
        queryset=TargetPlan.objects.none(),
        required=False,
        empty_label=_("Không sao chép (chỉ tiêu tối thiểu của Trung ương)"),
        error_messages={"invalid_choice": _("Không sao chép được kế hoạch này.")},
    )

    def __init__(self, *args: Any, options: PlanFormOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issuer = cast("forms.ModelChoiceField[AdministrativeUnit]", self.fields["issuer"])
        issuer.queryset = options.issuers
        # Only administrators issue the central government's list.
        issuer.required = not options.central
        issuer.empty_label = _("Trung ương") if options.central else None
        copy_from = cast("forms.ModelChoiceField[TargetPlan]", self.fields["copy_from"])
        copy_from.queryset = options.copyable


class PlanCreateForm(PlanStartForm):
    """The new plan itself: the decision, the rule and uplift, and the national minimums
    (one field per indicator, empty = not in the plan). Ranges and duplicates are checked
    by services.plan_create, which names the field; `field_for` maps it back here."""

    title = forms.CharField(
        label=_("Tên kế hoạch"),
        max_length=300,
        error_messages={
            "required": _("Cần ghi tên kế hoạch."),
            "max_length": _("Tên kế hoạch tối đa 300 ký tự."),
        },
    )
    decision_number = forms.CharField(
        label=_("Số văn bản"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Số văn bản tối đa 200 ký tự.")},
    )
    decision_date = forms.DateField(
        label=_("Ngày ban hành"),
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Ngày ban hành phải có dạng dd/mm/yyyy, ví dụ 15/01/2026.")},
    )
    applies_rule = forms.TypedChoiceField(
        label=_("Áp dụng nguyên tắc Phổ Ninh"),
        choices=YES_NO,
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Cần chọn có hay không áp dụng nguyên tắc Phổ Ninh.")},
    )
    uplift = forms.DecimalField(
        label=_("Mức tăng"),
        localize=True,
        error_messages={
            "required": _("Cần nhập mức tăng, ví dụ 10."),
            "invalid": _("Mức tăng phải là một số, ví dụ 10 hoặc 7,5."),
        },
    )
    uplift_mode = forms.ChoiceField(
        label=_("Cách tăng"),
        choices=TargetPlan._meta.get_field("uplift_mode").choices or [],
        error_messages={"invalid_choice": _("Cách tăng không hợp lệ.")},
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for name in ("issuer", "year", "copy_from"):
            self.fields[name].widget = forms.HiddenInput()
        for indicator in indicators:
            self.fields[MINIMUM_PREFIX + indicator.code] = forms.DecimalField(
                label=indicator.name_vi,
                required=False,
                localize=True,
                error_messages={
                    "invalid": _("%(name)s: chỉ tiêu tối thiểu phải là một số, ví dụ 85,5.")
                    % {"name": indicator.name_vi}
                },
            )

    def minimum_fields(self) -> list[forms.BoundField]:
        return [self[MINIMUM_PREFIX + indicator.code] for indicator in self.indicators]

    def minimums(self) -> dict[Indicator, Decimal]:
        """The minimums filled in, by indicator (empty fields are not in the plan)."""
        values = {}
        for indicator in self.indicators:
            value = self.cleaned_data.get(MINIMUM_PREFIX + indicator.code)
            if value is not None:
                values[indicator] = value
        return values

    def field_for(self, service_field: str) -> str | None:
        """The form field a services.PlanError is about (None: the form as a whole)."""
        if service_field.startswith("minimum:"):
            name = MINIMUM_PREFIX + service_field.split(":", 1)[1]
        else:
            name = service_field
        return name if name in self.fields else None
