"""Who may do what: the one place every view asks. A view calls a `require_…` or `get_…`
helper at the top (403, or 404 for what the user may not know exists); templates read the
same answers as `portal_perms` (indicators/context_processors.py). The rules about one
user and one unit (`User.can_see`, `can_edit_figures`, `can_review_figures`) are model
methods, used here."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from indicators.models import DispatchDraft, FiguresChange, ImportBatch, TargetPlan, UnitFigures
from units.models import AdministrativeUnit, Role, User
from units.selectors import COUNTRY_CODE

# --------------------------------------------------------------------------- units


def require_unit(user: User, unit: AdministrativeUnit) -> AdministrativeUnit:
    """The unit, if it lies in the user's subtree; 403 otherwise."""
    if not user.can_see(unit):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi của bạn."))
    return unit


def get_unit_for_user(user: User, unit_id: int) -> AdministrativeUnit:
    """The unit with this id: 404 if there is none, 403 outside the user's subtree."""
    unit = get_object_or_404(AdministrativeUnit.objects.select_related("parent"), pk=unit_id)
    return require_unit(user, unit)


def home_page(user: User) -> str:
    """Where each role lands: a commune official on their unit's page, the chairman on the
    summary (the national role: the country's), everyone else on the ranking."""
    if user.role == Role.COMMUNE_OFFICIAL and user.unit_id is not None:
        return reverse("indicators:unit_page", kwargs={"unit_id": user.unit_id})
    if user.role in (Role.CHAIRMAN, Role.NATIONAL):
        return reverse("indicators:summary")
    return reverse("indicators:ranking")


# --------------------------------------------------------------------------- figures


def can_edit_figures(user: User, unit: AdministrativeUnit, figures: UnitFigures | None) -> bool:
    """The user may enter the unit's figures (see `User.can_edit_figures`) and they are
    not locked by a submission or an approval."""
    return user.can_edit_figures(unit) and not (figures is not None and figures.is_locked)


def require_can_edit_figures(
    user: User, unit: AdministrativeUnit, figures: UnitFigures | None
) -> None:
    if not can_edit_figures(user, unit, figures):
        raise PermissionDenied(_("Bạn không được sửa số liệu này."))


def require_can_take_step(user: User, unit: AdministrativeUnit, step: str) -> None:
    """Submitting belongs to whoever may enter the unit's figures; approving, returning
    and unlocking to the office above it."""
    if step == FiguresChange.Action.SUBMIT:
        allowed = user.can_edit_figures(unit)
    else:
        allowed = user.can_review_figures(unit)
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def get_import_batch_for_user(user: User, batch_id: int) -> ImportBatch:
    """A batch the user uploaded (any batch for an administrator), for a unit they see;
    others' batches are 404."""
    batches = ImportBatch.objects.select_related("parent", "period", "uploaded_by")
    if not user.is_portal_admin:
        batches = batches.filter(uploaded_by=user)
    batch = get_object_or_404(batches, pk=batch_id)
    require_unit(user, batch.parent)
    return batch


# --------------------------------------------------------------------------- dispatch


def can_draft_dispatch(user: User) -> bool:
    """A dispatch is a district (or province) office document about the units it
    oversees: a commune has no units to praise or criticise, and its own standing is on
    the ranking and unit pages. Administrators may draft any."""
    return user.role != Role.COMMUNE_OFFICIAL or user.sees_everything


def require_can_draft_dispatch(user: User) -> None:
    if not can_draft_dispatch(user):
        raise PermissionDenied(
            _("Công văn do Văn phòng cấp huyện, cấp tỉnh soạn; cấp xã không dùng chức năng này.")
        )


def can_keep_dispatch(user: User) -> bool:
    """Saving, editing and issuing drafts and changing the office's template are writes:
    not for the national role, which reads only."""
    return can_draft_dispatch(user) and user.role != Role.NATIONAL


def require_can_keep_dispatch(user: User, unit: AdministrativeUnit) -> AdministrativeUnit:
    if not can_keep_dispatch(user):
        raise PermissionDenied(
            _("Tài khoản của bạn chỉ xem; lưu, sửa và ban hành công văn do văn phòng đơn vị làm.")
        )
    return require_unit(user, unit)


def get_dispatch_draft_for_user(user: User, draft_id: int) -> DispatchDraft:
    """The saved draft: 404 if there is none, 403 if its issuer lies outside the user's
    subtree or the user may not keep dispatches."""
    draft = get_object_or_404(
        DispatchDraft.objects.select_related(
            "parent__parent", "period", "created_by", "updated_by"
        ),
        pk=draft_id,
    )
    require_can_keep_dispatch(user, draft.parent)
    return draft


# --------------------------------------------------------------------------- target plans

# Office staff manage the plans their own unit issued and those of the units below it;
# the chairman reads, a commune official reads their own unit's targets.
MANAGING_ROLES = (Role.DISTRICT_STAFF, Role.PROVINCE_STAFF)


def can_see_plan(user: User, plan: TargetPlan) -> bool:
    """Central plans, plans issued in the user's subtree or above it (administrators:
    all). The list of such plans is `targets.selectors.plans_visible_to`."""
    if user.sees_everything or plan.issuer is None:
        return True
    if user.unit is None:
        return False
    return plan.issuer.is_within(user.unit) or user.unit.is_within(plan.issuer)


def get_plan_for_user(user: User, plan_id: int) -> TargetPlan:
    """404 for an unknown plan, 403 for a plan issued outside the user's reach."""
    plan = TargetPlan.objects.select_related("issuer").filter(pk=plan_id).first()
    if plan is None:
        raise Http404(_("Không có kế hoạch chỉ tiêu này."))
    if not can_see_plan(user, plan):
        raise PermissionDenied(_("Kế hoạch này nằm ngoài phạm vi của bạn."))
    return plan


def can_manage_plan(user: User, plan: TargetPlan) -> bool:
    """Who may apply the rule and override targets: administrators for every plan; staff
    of a district or province office for plans issued by their unit or a unit below it.
    A central plan is managed by administrators only."""
    if user.is_portal_admin:
        return True
    if user.role not in MANAGING_ROLES or user.unit is None or plan.issuer is None:
        return False
    return plan.issuer.is_within(user.unit)


def require_can_manage_plan(user: User, plan: TargetPlan) -> None:
    if not can_manage_plan(user, plan):
        raise PermissionDenied(
            _("Chỉ Văn phòng của cơ quan ban hành hoặc cấp trên mới được sửa chỉ tiêu.")
        )


def can_create_plans(user: User) -> bool:
    """Who may open the new-plan page: administrators, and the staff of a district or
    province office (a district office only for the years its district existed: the
    service refuses the others, naming the dates)."""
    if user.sees_everything:
        return True
    return user.role in MANAGING_ROLES and user.unit is not None


def can_create_plan(user: User, issuer: AdministrativeUnit | None) -> bool:
    """A plan of `issuer`: office staff for their own unit or a unit below it, as they
    manage its plans; a central plan (issuer None): administrators only."""
    if user.sees_everything:
        return True
    if issuer is None or not can_create_plans(user):
        return False
    assert user.unit is not None  # can_create_plans
    return issuer.is_within(user.unit)


def require_can_create_plans(user: User) -> None:
    if not can_create_plans(user):
        raise PermissionDenied(
            _("Kế hoạch chỉ tiêu do Văn phòng cấp tỉnh, cấp huyện lập; bạn không lập được.")
        )


def require_can_create_plan(user: User, issuer: AdministrativeUnit | None) -> None:
    if not can_create_plan(user, issuer):
        raise PermissionDenied(
            _("Bạn chỉ lập được kế hoạch của đơn vị mình hoặc đơn vị trực thuộc.")
        )


# --------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class PortalPerms:
    """What the page frame (base.html) may offer the user."""

    can_draft_dispatch: bool = False
    # The whole country may be chosen as the parent (?parent=VN) on the ranking and summary.
    sees_country: bool = False
    country_code: str = COUNTRY_CODE


def portal_perms_for(user: AbstractBaseUser | AnonymousUser) -> PortalPerms:
    if not isinstance(user, User) or not user.is_authenticated:
        return PortalPerms()
    return PortalPerms(
        can_draft_dispatch=can_draft_dispatch(user), sees_country=user.sees_everything
    )
