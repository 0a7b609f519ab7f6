from __future__ import annotations

import io
from dataclasses import asdict
from typing import Any, cast

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from kpi_portal.spreadsheets.sheets import active_sheet
from kpi_portal.spreadsheets.text import put_text
from units.audit.services import audit_lockout_lifted, audit_log
from units.models import AdministrativeUnit, AuditAction, AuditEvent, UnitSuccession, User
from units.users_import.forms import UsersImportForm
from units.users_import.sealed import seal, unseal
from units.users_import.services import UsersImportRefused, users_import_xlsx

# Initial passwords of the last users import, sealed (units/users_import/sealed.py): the
# session keeps one half until the download, the browser the other.
PASSWORDS_SESSION_KEY = "users_import_passwords_sealed"


# Deleting a failed-login record in the admin is how an admin lifts a lockout before the
# cool-off ends: who lifted which one goes to the audit log like the lockout itself.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(AccessAttemptAdmin):
    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for attempt in queryset:
            audit_lockout_lifted(attempt=attempt, request=request)
        return super().log_deletions(request, queryset)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "unit_full_name", "level", "structure", "valid_from", "valid_to")
    list_filter = ("level", "structure")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    readonly_fields = ("path",)
    list_select_related = ("parent",)

    @admin.display(description=_("tên đầy đủ"), ordering="name")
    def unit_full_name(self, unit: AdministrativeUnit) -> str:
        return unit.full_name


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "effective_date", "is_default")
    list_filter = ("is_default", "effective_date")
    search_fields = ("predecessor__code", "predecessor__name", "successor__code", "successor__name")
    raw_id_fields = ("predecessor", "successor")
    list_select_related = ("predecessor", "successor")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the unit a user belongs to and their role."""

    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Đơn vị và vai trò"), {"fields": ("unit", "role")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Đơn vị và vai trò"), {"fields": ("unit", "role")}),
    )
    list_display = ("username", "first_name", "last_name", "unit", "role", "is_staff")
    list_filter = ("role", *DjangoUserAdmin.list_filter)
    raw_id_fields = ("unit",)
    list_select_related = ("unit",)

    change_list_template = "admin/units/user/change_list.html"

    # Who may see and approve which figures is decided here (role, unit, password reset):
    # every such change goes to the audit log, not only Django's admin history.
    def log_addition(self, request: HttpRequest, obj: User, message: Any) -> Any:
        self._audit(request, obj, "add", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: User, message: Any) -> Any:
        self._audit(request, obj, "change", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for user in queryset:
            self._audit(request, user, "delete", [])
        return super().log_deletions(request, queryset)

    def _audit(self, request: HttpRequest, obj: User, kind: str, message: Any) -> None:
        audit_log(
            request=request,
            action=AuditAction.USER_CHANGE,
            target=obj.get_username(),
            details={"kind": kind, "change": message},
        )

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "nhap-tu-tep/",
                self.admin_site.admin_view(self.import_view),
                name="units_user_import",
            ),
            path(
                "nhap-tu-tep/mat-khau.xlsx",
                self.admin_site.admin_view(self.passwords_download),
                name="units_user_import_passwords",
            ),
        ]
        return own + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Create users from a list (.xlsx, .xls, .ods, CSV): all of them or none, with an
        error per row."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        errors: list[str] = []
        created = None
        passwords_key = ""
        form = UsersImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                created = users_import_xlsx(
                    data=form.cleaned_data["file"].read(),
                    by=cast(User, request.user),  # the admin serves logged-in staff only
                    request=request,
                    filename=form.cleaned_data["file"].name,
                )
            except UsersImportRefused as refused:
                errors = refused.errors
            else:
                request.session[PASSWORDS_SESSION_KEY], passwords_key = seal(
                    [asdict(c) for c in created]
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Tạo người dùng từ tệp Excel"),
            "form": form,
            "errors": errors,
            "created": created,
            "passwords_key": passwords_key,
        }
        return TemplateResponse(request, "admin/units/user/import_users.html", context)

    def passwords_download(self, request: HttpRequest) -> HttpResponse:
        """The initial passwords of the last import as xlsx, once: then they are gone. A POST
        from the import's result page, which carries the key to the sealed passwords."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        sealed = request.session.pop(PASSWORDS_SESSION_KEY, None)
        rows = unseal(sealed, request.POST.get("key", "")) if sealed else None
        if not rows:
            self.message_user(
                request,
                _("Mật khẩu ban đầu chỉ tải được một lần, ngay sau khi tạo người dùng."),
                level="warning",
            )
            return redirect("admin:units_user_changelist")
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = active_sheet(workbook)
        sheet.title = "Mat khau ban dau"
        sheet.append(["Tên đăng nhập", "Họ và tên", "Vai trò", "Đơn vị", "Mật khẩu ban đầu"])
        for row in rows:
            values = [
                row["username"],
                row["full_name"],
                row["role_label"],
                row["unit_label"],
                row["password"],
            ]
            row_number = sheet.max_row + 1
            for column, value in enumerate(values, start=1):
                put_text(sheet.cell(row=row_number, column=column), str(value))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="mat-khau-ban-dau.xlsx"'
        response["Cache-Control"] = "no-store"
        return response


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log: read only, for everyone allowed to see it."""

    list_display = ("at", "username", "action", "target", "ip_address")
    list_filter = ("action", ("at", admin.DateFieldListFilter))
    search_fields = ("username", "user__username", "target")
    date_hierarchy = "at"
    list_select_related = ("user",)
    readonly_fields = ("at", "user", "username", "ip_address", "action", "target", "details")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
