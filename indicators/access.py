"""Access checks shared by every view: one place decides who may see which unit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from units.models import AdministrativeUnit, User


def check_unit_for_user(user: User, unit: AdministrativeUnit) -> AdministrativeUnit:
    """The unit, if it lies in the user's subtree; 403 otherwise."""
    if not user.can_see(unit):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi của bạn."))
    return unit


def get_unit_for_user(user: User, unit_id: int) -> AdministrativeUnit:
    unit = get_object_or_404(AdministrativeUnit.objects.select_related("parent"), pk=unit_id)
    return check_unit_for_user(user, unit)
