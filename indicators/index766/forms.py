"""Forms only validate and convert; access is checked in the views."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.forms_fields import PercentField

SCORE_ERROR = _("Điểm công bố phải từ 0 đến 100, ví dụ 83,66.")


class PublishedScoreForm(forms.Form):
    """The total the national portal published for the unit and period (83,66 or 83.66)."""

    total = PercentField(
        label=_("Điểm Chỉ số 766 đã công bố"),
        required_message=_("Cần nhập điểm công bố."),
        invalid_message=SCORE_ERROR,
        out_of_range_message=SCORE_ERROR,
        decimals_message=_("Điểm công bố có tối đa 2 chữ số thập phân."),
    )
    source = forms.CharField(
        label=_("Nguồn (ví dụ: Cổng DVCQG, tháng 10/2026)"), max_length=300, required=False
    )
