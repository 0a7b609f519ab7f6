from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from units.models import AdministrativeUnit, UnitSuccession, User


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
