"""The ranking page's filter: the shared parent/period filter, the indicator (or "all") and
how the table is drawn."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from indicators.scope import ScopeForm

ALL_INDICATORS = "all"


class RankingTableForm(ScopeForm):
    """?parent=543&period=2023-H1-CAL&indicator=online, where the indicator may also be
    "all" (units × indicators)."""

    indicator = forms.CharField(label=_("Chỉ số"), max_length=20)
    # ?parent=VN: the country's provinces, or with tier=commune every commune of it.
    country_scope = True
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

    def clean_indicator(self) -> Indicator | str:
        code = self.cleaned_data["indicator"].strip()
        if code == ALL_INDICATORS:
            return ALL_INDICATORS
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            raise forms.ValidationError(_("Không có chỉ số mã %(code)s.") % {"code": code})
        return indicator
