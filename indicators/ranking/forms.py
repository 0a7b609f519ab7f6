"""The ranking page's filter: the shared parent/period filter plus the indicator (or "all")."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from indicators.scope import RankingFilterForm

ALL_INDICATORS = "all"


class RankingTableForm(RankingFilterForm):
    """The ranking filter, where the indicator may also be "all" (units × indicators)."""

    indicator = forms.CharField(label=_("Chỉ số"), max_length=20)

    def clean_indicator(self) -> Indicator | str:
        code = self.cleaned_data["indicator"].strip()
        if code == ALL_INDICATORS:
            return ALL_INDICATORS
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            raise forms.ValidationError(_("Không có chỉ số mã %(code)s.") % {"code": code})
        return indicator
