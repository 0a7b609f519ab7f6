"""Targets pages: the plans a user sees, one plan with every target explained, applying the
rule to a jurisdiction in one action and overriding one target with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.access import (
    can_manage_plan,
    get_plan_for_user,
    require_can_manage_plan,
    require_unit,
)
from indicators.targets import selectors, services
from indicators.targets.forms import ApplyRuleForm, TargetOverrideForm
from units.http import AuthenticatedRequest


@login_required
def plans_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    plans = selectors.plans_visible_to(user).filter(is_active=True).order_by("-year", "title")
    return render(request, "indicators/targets_plans.html", {"plans": plans})


@login_required
def plan_detail(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = get_plan_for_user(user, plan_id)
    can_manage = can_manage_plan(user, plan)
    context: dict[str, object] = {
        "page": selectors.plan_page(plan=plan, user=user),
        "plan": plan,
        "can_manage": can_manage,
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
