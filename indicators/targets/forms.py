"""Forms of the targets pages: they validate and convert; access and ranges are checked in
the views and services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

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

    value = forms.DecimalField(
        label=_("Chỉ tiêu (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": _("Cần nhập chỉ tiêu."),
            "invalid": _("Chỉ tiêu phải là một số, ví dụ 95,96."),
            "min_value": RATE_ERROR,
            "max_value": RATE_ERROR,
            "max_digits": RATE_ERROR,
            "max_whole_digits": RATE_ERROR,
            "max_decimal_places": _("Chỉ tiêu có tối đa 2 chữ số thập phân."),
        },
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
