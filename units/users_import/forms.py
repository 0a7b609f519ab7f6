"""The users import form: it only validates the upload; the service reads it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class UsersImportForm(forms.Form):
    file = forms.FileField(
        label=_("Danh sách người dùng (.xlsx)"),
        help_text=_(
            "Dòng đầu là tiêu đề: tên đăng nhập, họ và tên, email, vai trò, mã đơn vị, "
            "ngày đọc mã (dd/mm/yyyy; để trống là hôm nay)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel .xlsx."))
        return upload
