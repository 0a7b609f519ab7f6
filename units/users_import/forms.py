"""The users import form: it only validates the upload; the service reads it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# What the shared reading layer reads (kpi_portal.spreadsheets.tabular); the content decides,
# the name only keeps an obviously wrong file (a .docx, a .pdf) out early.
ACCEPTED_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")


class UsersImportForm(forms.Form):
    file = forms.FileField(
        label=_("Danh sách người dùng (.xlsx, .xls, .ods hoặc .csv)"),
        help_text=_(
            "Dòng đầu là tiêu đề: tên đăng nhập, họ và tên, email, vai trò, mã đơn vị, "
            "ngày đọc mã (dd/mm/yyyy; để trống là hôm nay)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn."))
        if not upload.name.lower().endswith(ACCEPTED_SUFFIXES):
            raise forms.ValidationError(
                _("Chỉ nhận tệp Excel (.xlsx, .xls), LibreOffice (.ods) hoặc CSV (.csv).")
            )
        return upload
