"""Administrative units (GSO codes, valid dates, succession) and the users who belong to them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The 2025 reform: districts abolished, communes merged; codes were reused for other units.
LEGACY_END = dt.date(2025, 6, 30)
REFORM_START = dt.date(2025, 7, 1)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    AGENCY = "agency", _("Cơ quan")


class Structure(models.TextChoices):
    LEGACY = "legacy", _("3 cấp (đến 30/06/2025)")
    REFORM_2025 = "2025", _("2 cấp (từ 01/07/2025)")


class UnitQuerySet(models.QuerySet["AdministrativeUnit"]):
    def valid_on(self, day: dt.date) -> UnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def valid_during(self, start: dt.date, end: dt.date) -> UnitQuerySet:
        """Units that existed at some point of [start, end]."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=end),
            Q(valid_to__isnull=True) | Q(valid_to__gte=start),
        )

    def in_subtree(self, root: AdministrativeUnit) -> UnitQuerySet:
        return self.filter(path__startswith=root.path)


class AdministrativeUnit(models.Model):
    """A province, district, commune or agency, valid between two dates.

    A GSO code names a unit only together with a date: the 2025 structure reuses old codes
    for different units, so (code, level, structure) is unique, not the code alone.
    """

    code = models.CharField(_("mã ĐVHC"), max_length=12, blank=True, db_index=True)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    unit_type = models.CharField(_("loại"), max_length=40)  # Xã, Phường, Thị xã, Tỉnh, Sở...
    name = models.CharField(_("tên"), max_length=150)  # without the type: "Hoài Nhơn"
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Materialised ancestor path of primary keys, "/12/345/6789/": a subtree is one
    # indexed prefix query instead of a recursive walk.
    path = models.CharField(max_length=80, db_index=True, editable=False, default="")
    structure = models.CharField(_("cơ cấu"), max_length=8, choices=Structure.choices)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # Normalised name key of the vietnamadminunits dataset ("tinhbinhdinh_thixahoainhon_
    # phuongbongson"); the old->new converter is keyed by it.
    source_key = models.CharField(max_length=200, blank=True, db_index=True)
    # The unit's point (WGS 84) as the vietnamadminunits dataset gives it: the maps beside
    # the rankings and the summary place each unit there. Empty for agencies, the country
    # and units made by hand.
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    successors: models.ManyToManyField[AdministrativeUnit, UnitSuccession] = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "level", "structure"],
                condition=~Q(code=""),
                name="unit_code_unique_per_structure",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        path = self.build_path()
        if path != self.path:
            self.path = path
            AdministrativeUnit.objects.filter(pk=self.pk).update(path=path)

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.pk}/"

    @property
    def full_name(self) -> str:
        # strip(): the country (units.selectors.the_country) has a name and no type.
        return f"{self.unit_type} {self.name}".strip()

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_within(self, other: AdministrativeUnit) -> bool:
        """True when self is other or lies in other's subtree."""
        return bool(other.path) and self.path.startswith(other.path)


class UnitSuccession(models.Model):
    """Old unit -> new unit on a reform date. A merger has several predecessors for one
    successor; a split has one predecessor with several successors (one is the default)."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    effective_date = models.DateField(_("ngày hiệu lực"), default=REFORM_START)
    is_default = models.BooleanField(
        _("đơn vị kế thừa chính"),
        default=True,
        help_text=_("Khi một xã cũ được chia cho nhiều xã mới, đây là xã nhận phần chính."),
    )

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="succession_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Role(models.TextChoices):
    COMMUNE_OFFICIAL = "commune_official", _("Công chức cấp xã")
    DISTRICT_STAFF = "district_staff", _("Chuyên viên Văn phòng cấp huyện")
    CHAIRMAN = "chairman", _("Chủ tịch UBND")
    PROVINCE_STAFF = "province_staff", _("Chuyên viên Văn phòng cấp tỉnh")
    # Reads the whole country (provinces ranked, every commune); enters, approves and plans
    # nothing: that stays with the units' own offices.
    NATIONAL = "national", _("Chuyên viên cấp Trung ương (Bộ, Văn phòng Chính phủ)")
    ADMIN = "admin", _("Quản trị hệ thống")


class User(AbstractUser):
    """A portal user belongs to one unit and has one role; they see that unit's subtree."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("đơn vị"),
    )
    role = models.CharField(
        _("vai trò"), max_length=20, choices=Role.choices, default=Role.COMMUNE_OFFICIAL
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    @property
    def is_portal_admin(self) -> bool:
        """Administrators may do anything anywhere (approve, manage any plan)."""
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def sees_everything(self) -> bool:
        """Reads every unit of the country: administrators and the national role."""
        return self.is_portal_admin or self.role == Role.NATIONAL

    def can_see(self, unit: AdministrativeUnit) -> bool:
        if self.sees_everything:
            return True
        return self.unit is not None and unit.is_within(self.unit)

    def can_edit_figures(self, unit: AdministrativeUnit) -> bool:
        """Commune officials enter their own unit's figures; office staff may correct any
        unit they oversee. The chairman and the national role only read."""
        return self.role not in (Role.CHAIRMAN, Role.NATIONAL) and self.can_see(unit)

    def can_review_figures(self, unit: AdministrativeUnit) -> bool:
        """Approving, sending back and unlocking belong to the office above the unit:
        nobody approves their own unit's figures."""
        if self.is_portal_admin:
            return True
        reviewers = (Role.DISTRICT_STAFF, Role.PROVINCE_STAFF)
        return self.role in reviewers and self.can_see(unit) and unit.pk != self.unit_id

    def visible_units(self) -> UnitQuerySet:
        units = AdministrativeUnit.objects.all()
        if self.sees_everything:
            return units
        if self.unit is None:
            return units.none()
        return units.in_subtree(self.unit)


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Đăng nhập")
    LOGIN_FAILED = "login_failed", _("Đăng nhập sai")
    LOCKOUT = "lockout", _("Khóa đăng nhập")
    LOGIN_UNLOCK = "login_unlock", _("Mở khóa đăng nhập")
    LOGOUT = "logout", _("Đăng xuất")
    PASSWORD_CHANGE = "password_change", _("Đổi mật khẩu")
    IMPORT = "import", _("Nhập tệp số liệu")
    SUBMIT = "submit", _("Gửi số liệu")
    APPROVE = "approve", _("Duyệt số liệu")
    RETURN = "return", _("Trả lại số liệu")
    UNLOCK = "unlock", _("Mở khóa số liệu")
    TARGET_CHANGE = "target_change", _("Thay đổi chỉ tiêu")
    USERS_IMPORT = "users_import", _("Tạo người dùng từ tệp")
    USER_CHANGE = "user_change", _("Thêm, sửa, xóa người dùng")


class AuditEvent(models.Model):
    """Who did what, when and from where. Written by `units.services.audit_log` only."""

    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("người thực hiện"),
    )
    # The username as it was (kept when the account is deleted, or typed at a failed login).
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    action = models.CharField(_("hành động"), max_length=20, choices=AuditAction.choices)
    target = models.CharField(_("đối tượng"), max_length=300, blank=True)
    details = models.JSONField(_("chi tiết"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("nhật ký hoạt động")
        verbose_name_plural = _("nhật ký hoạt động")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "at"], name="audit_action_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action} {self.target}"
