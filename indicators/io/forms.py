"""Forms of the import page: they validate and convert; access is checked in the views and
the services. The downloads read ?parent=&period= with indicators.scope.ScopeForm."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from indicators.domain import periods
from indicators.domain.formatting import format_int_vi
from indicators.models import Period
from indicators.scope import read_spec
from indicators.selectors import period_for_spec
from units.models import AdministrativeUnit, UnitQuerySet, User


def import_parents(user: User) -> UnitQuerySet:
    """Units the user may import for: visible units that have children, and their own."""
    children = AdministrativeUnit.objects.filter(parent=OuterRef("pk"))
    visible = user.visible_units()
    return (
        visible.filter(Q(Exists(children)) | Q(pk=user.unit_id))
        .select_related("parent")
        .order_by("path")
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        dates = ""
        if obj.valid_to is not None:
            dates = f" (đến {obj.valid_to:%d/%m/%Y})"
        elif obj.valid_from is not None:
            dates = f" (từ {obj.valid_from:%d/%m/%Y})"
        prefix = f"{obj.parent.name} › " if obj.parent_id and obj.parent else ""
        return f"{prefix}{obj.full_name}{dates}"


class ImportUploadForm(forms.Form):
    parent = UnitChoiceField(label=_("Đơn vị"), queryset=AdministrativeUnit.objects.none())
    period = forms.CharField(
        label=_("Kỳ báo cáo"),
        max_length=40,
        help_text=_("Mã kỳ, ví dụ 2023-H1-CAL, 2024-Y-ND09 hoặc 2023-01-01..2023-06-30."),
    )
    file = forms.FileField(
        label=_("Tệp số liệu (.xlsx, .xls, .ods hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds copies of the fields declared above: "parent" is that one.
        cast(UnitChoiceField, self.fields["parent"]).queryset = import_parents(user)
        if user.unit_id and not self.is_bound:
            self.initial.setdefault("parent", user.unit_id)

    def clean_period(self) -> Period | periods.PeriodSpec:
        spec = read_spec(self.cleaned_data["period"])
        return period_for_spec(spec) or spec

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp quá lớn (%(size)s byte); tối đa %(limit)s byte.")
                % {"size": format_int_vi(upload.size), "limit": format_int_vi(limit)}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        parent: AdministrativeUnit | None = cleaned.get("parent")
        period = cleaned.get("period")
        if parent is not None and period is not None:
            spec = period.spec if isinstance(period, Period) else period
            if not (parent.is_valid_on(spec.start) or parent.is_valid_on(spec.end)):
                self.add_error(
                    "parent",
                    _("%(unit)s không tồn tại trong kỳ %(period)s.")
                    % {"unit": parent.full_name, "period": spec.long_label_vi},
                )
        return cleaned
