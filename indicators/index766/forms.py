"""Forms only validate and convert; access is checked in the views."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

SCORE_ERROR = _("Điểm công bố phải từ 0 đến 100, ví dụ 83,66.")


class PublishedScoreForm(forms.Form):
    """The total the national portal published for the unit and period (83,66 or 83.66)."""

    total = forms.DecimalField(
        label=_("Điểm Chỉ số 766 đã công bố"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": _("Cần nhập điểm công bố."),
            "invalid": SCORE_ERROR,
            "min_value": SCORE_ERROR,
            "max_value": SCORE_ERROR,
            "max_digits": SCORE_ERROR,
            "max_whole_digits": SCORE_ERROR,
            "max_decimal_places": _("Điểm công bố có tối đa 2 chữ số thập phân."),
        },
    )
    source = forms.CharField(
        label=_("Nguồn (ví dụ: Cổng DVCQG, tháng 10/2026)"), max_length=300, required=False
    )
