"""Targets pages: the plans a user sees, one plan with every target explained, applying the
rule to a jurisdiction in one action and overriding one target with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.access import (
    can_create_plan,
    can_create_plans,
    can_manage_plan,
    get_plan_for_user,
    require_can_create_plan,
    require_can_create_plans,
    require_can_manage_plan,
    require_unit,
)
from indicators.links import IdUrl
from indicators.models import Indicator, TargetPlan, TargetSource
from indicators.targets import selectors, services
from indicators.targets.forms import (
    MINIMUM_PREFIX,
    ApplyRuleForm,
    PlanCreateForm,
    PlanFormOptions,
    PlanStartForm,
    TargetOverrideForm,
)
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit


@login_required
def plans_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    plans = selectors.plans_visible_to(user).filter(is_active=True).order_by("-year", "title")
    context = {"plans": plans, "can_create_plans": can_create_plans(user)}
    return render(request, "indicators/targets_plans.html", context)


def _posted_issuer(request: AuthenticatedRequest) -> AdministrativeUnit | None:
    raw = request.POST.get("issuer", "").strip()
    return AdministrativeUnit.objects.filter(pk=int(raw)).first() if raw.isdigit() else None


@dataclass(frozen=True)
class _Choice:
    """What the new plan starts from: issuer (None: central), year, plan copied."""

    issuer: AdministrativeUnit | None
    year: int
    copy_from: TargetPlan | None

    @classmethod
    def read(cls, data: dict[str, Any], default: _Choice) -> _Choice:
        """From a form's cleaned data; what is missing or invalid stays as by default."""
        return cls(
            issuer=data.get("issuer", default.issuer),
            year=data.get("year") or default.year,
            copy_from=data.get("copy_from"),
        )

    def initial(self) -> dict[str, object]:
        return {"issuer": self.issuer, "year": self.year, "copy_from": self.copy_from}

    def draft(self) -> selectors.PlanDraft:
        return selectors.plan_draft(issuer=self.issuer, year=self.year, copy_from=self.copy_from)


@login_required
def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new plan. GET picks the issuer, the year and a plan to copy (PlanStartForm) and
    fills the form from them: the copied plan, or the defaults and the latest national
    list. POST creates it through services.plan_create and opens the plan's page."""
    user = request.user
    require_can_create_plans(user)
    issuers = selectors.plan_issuers_for(user)
    options = PlanFormOptions(
        issuers=issuers, copyable=selectors.plans_to_copy(user), central=user.sees_everything
    )
    indicators = list(Indicator.objects.order_by("order"))
    own = None if user.sees_everything else issuers.first()
    year = selectors.next_plan_year()
    if own is not None and own.valid_to is not None:
        year = min(year, own.valid_to.year)  # a district office: its district's last year
    default = _Choice(issuer=own, year=year, copy_from=None)
    # Both forms hold issuer, year and copy_from: the element ids must differ.
    start_id = "start_%s"
    status = 200
    if request.method == "POST":
        posted = _posted_issuer(request)
        if posted is not None:
            require_can_create_plan(user, posted)  # 403 for a unit outside the user's reach
        form = PlanCreateForm(request.POST, options=options, indicators=indicators)
        if form.is_valid():
            data = form.cleaned_data
            require_can_create_plan(user, data["issuer"])
            try:
                plan = services.plan_create(
                    issuer=data["issuer"],
                    year=data["year"],
                    title=data["title"],
                    decision_number=data["decision_number"],
                    decision_date=data["decision_date"],
                    applies_rule=data["applies_rule"],
                    uplift=data["uplift"],
                    uplift_mode=data["uplift_mode"],
                    minimums=form.minimums(),
                    copy_from=data["copy_from"],
                    user=user,
                )
            except services.PlanError as error:
                form.add_error(form.field_for(error.field), error.message)
            else:
                messages.success(
                    request,
                    _("Đã tạo kế hoạch «%(title)s» năm %(year)s.")
                    % {"title": plan.title, "year": plan.year},
                )
                return redirect("indicators:targets_plan", plan_id=plan.pk)
        choice = _Choice.read(form.cleaned_data, default)
        start = PlanStartForm(initial=choice.initial(), options=options, auto_id=start_id)
        status = 400
    else:
        start = PlanStartForm(request.GET or None, options=options, auto_id=start_id)
        choice = default
        if not start.is_bound:
            start = PlanStartForm(initial=default.initial(), options=options, auto_id=start_id)
        elif start.is_valid():
            choice = _Choice.read(start.cleaned_data, default)
        else:
            status = 400
        form = PlanCreateForm(
            initial=_initial(choice, indicators), options=options, indicators=indicators
        )
    previous = selectors.previous_plan(issuer=choice.issuer, year=choice.year)
    if previous is not None and not options.copyable.filter(pk=previous.pk).exists():
        previous = None
    context = {
        "form": form,
        "start": start,
        "choice": choice,
        "draft": choice.draft(),
        "previous": previous,
    }
    return render(request, "indicators/targets_create.html", context, status=status)


def _trimmed(value: Decimal) -> Decimal:
    """90.00 -> 90, 85.50 -> 85.5: a prefilled minimum as the plan page writes it."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _initial(choice: _Choice, indicators: list[Indicator]) -> dict[str, object]:
    """The form's starting values from what the plan starts from (selectors.plan_draft)."""
    draft = choice.draft()
    initial: dict[str, object] = {
        **choice.initial(),
        "title": draft.title,
        "applies_rule": "1" if draft.applies_rule else "0",
        "uplift": _trimmed(draft.uplift),
        "uplift_mode": draft.uplift_mode,
    }
    for indicator, value in draft.minimums.items():
        initial[MINIMUM_PREFIX + indicator.code] = _trimmed(value)
    return initial


def _int_or_none(value: str | None) -> int | None:
    """A query parameter's id; anything else is no id (the first page opens)."""
    return int(value) if value is not None and value.isascii() and value.isdigit() else None


@login_required
def plan_detail(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = get_plan_for_user(user, plan_id)
    can_manage = can_manage_plan(user, plan)
    context: dict[str, object] = {
        "page": selectors.plan_page(
            plan=plan,
            user=user,
            page_number=request.GET.get("page", 1),
            unit_id=_int_or_none(request.GET.get("unit")),
        ),
        "plan": plan,
        "can_manage": can_manage,
        "can_copy": can_create_plan(user, plan.issuer),
        # A plan lists thousands of targets (5.166 for a province): the link of each and
        # the label of its source are built once per page, not once per row.
        "target_url": IdUrl.of("indicators:targets_target", plan.pk),
        "source_labels": {value: str(label) for value, label in TargetSource.choices},
    }
    if can_manage:
        context["apply_form"] = ApplyRuleForm(
            initial={"parent": plan.issuer_id}, parents=selectors.apply_parents(plan)
        )
    return render(request, "indicators/targets_plan.html", context)


@login_required
@require_POST
def plan_apply(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = get_plan_for_user(user, plan_id)
    require_can_manage_plan(user, plan)
    form = ApplyRuleForm(request.POST, parents=selectors.apply_parents(plan))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("indicators:targets_plan", plan_id=plan.pk)
    parent = form.cleaned_data["parent"] or plan.issuer
    if parent is not None:
        require_unit(user, parent)
    try:
        report = services.targets_apply_jurisdiction(plan=plan, parent=parent)
    except services.TargetError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Đã áp dụng cho %(unit)s: %(rule)s chỉ tiêu theo nguyên tắc, %(tier)s chỉ tiêu "
                "theo cấp được tạo hoặc cập nhật; chỉ tiêu giao thủ công được giữ nguyên."
            )
            % {"unit": parent, "rule": report.rule_targets, "tier": report.tier_targets},
        )
    return redirect("indicators:targets_plan", plan_id=plan.pk)


@login_required
def target_detail(request: AuthenticatedRequest, plan_id: int, target_id: int) -> HttpResponse:
    user = request.user
    plan = get_plan_for_user(user, plan_id)
    target = selectors.target_get(plan=plan, target_id=target_id)
    if target is None:
        raise Http404(_("Không có chỉ tiêu này trong kế hoạch."))
    require_unit(user, target.unit)
    can_manage = can_manage_plan(user, plan)
    tier = selectors.tier_for(target)
    form = None
    if request.method == "POST":
        require_can_manage_plan(user, plan)
        form = TargetOverrideForm(request.POST)
        if form.is_valid():
            try:
                services.target_override(
                    target=target,
                    value=form.cleaned_data["value"],
                    reason=form.cleaned_data["reason"],
                    user=user,
                )
            except services.TargetError as error:
                form.add_error("value", str(error))
            else:
                messages.success(request, _("Đã lưu chỉ tiêu và lý do."))
                url = reverse("indicators:targets_target", args=[plan.pk, target.pk])
                return redirect(url)
    elif can_manage:
        form = TargetOverrideForm(initial={"value": target.value})
    context = {
        "plan": plan,
        "target": target,
        "sentence": selectors.sentence_for(target),
        "tier": tier,
        "form": form,
        "can_manage": can_manage,
        "trail": target.reason.split(services.TRAIL_SEPARATOR) if target.reason else [],
    }
    return render(
        request,
        "indicators/targets_target.html",
        context,
        status=400 if form and form.errors else 200,
    )
