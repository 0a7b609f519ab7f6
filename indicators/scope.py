"""Which parent unit and period a request means."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.domain import periods
from indicators.models import Indicator, Period
from indicators.selectors import period_for_spec
from units.models import AdministrativeUnit
from units.selectors import AmbiguousUnit, UnitNotFound, unit_by_code_during


class RankingFilterForm(forms.Form):
    """?parent=543&period=2023-H1-CAL&indicator=online — codes, so a URL can be shared.
    The parent's GSO code is read as of the period's dates (codes were reused in 2025)."""

    period = forms.CharField(label=_("Kỳ báo cáo"), max_length=40)
    parent = forms.CharField(label=_("Đơn vị"), max_length=12)
    indicator = forms.ModelChoiceField(
        label=_("Chỉ số"),
        queryset=Indicator.objects.all(),
        to_field_name="code",
        empty_label=None,
    )
    # Which tier of the parent's subtree to rank ("" = its natural children), the unit
    # whose trend is drawn, and how the heat map is coloured.
    tier = forms.ChoiceField(
        label=_("Cấp đơn vị"),
        required=False,
        choices=[
            ("", _("Đơn vị trực thuộc")),
            ("commune", _("Cấp xã")),
            ("district", _("Cấp huyện (bộ phận một cửa)")),
            ("agency", _("Cơ quan")),
        ],
    )
    unit = forms.CharField(label=_("Xu hướng của đơn vị"), required=False, max_length=12)
    colour = forms.ChoiceField(
        label=_("Tô màu bản đồ nhiệt"),
        required=False,
        choices=[("status", _("Theo tình trạng")), ("rate", _("Theo tỷ lệ"))],
    )

    def clean_period(self) -> Period:
        code = self.cleaned_data["period"].strip()
        try:
            spec = periods.parse_period_code(code)
        except periods.PeriodError as error:
            raise forms.ValidationError(str(error)) from error
        period = period_for_spec(spec)
        if period is None:
            raise forms.ValidationError(
                _("Chưa có số liệu cho kỳ %(period)s.") % {"period": spec.long_label_vi}
            )
        return period

    def clean(self) -> dict:
        cleaned = super().clean()
        period: Period | None = cleaned.get("period")
        code = cleaned.get("parent")
        if period is not None and code:
            try:
                cleaned["parent"] = unit_by_code_during(code, start=period.start, end=period.end)
            except (UnitNotFound, AmbiguousUnit) as error:
                self.add_error("parent", str(error))
        return cleaned

    @property
    def parent_unit(self) -> AdministrativeUnit:
        return self.cleaned_data["parent"]
