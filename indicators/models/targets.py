"""Target plans, their national minimums and tier targets, and the target of each unit."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.domain import rules
from units.models import AdministrativeUnit, UnitLevel

from .catalogue import Indicator


class TargetPlan(models.Model):
    """A decision that sets targets for a year: who issued it, under which number, with
    which national minimums and which uplift. issuer=None means the central government."""

    issuer = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="target_plans",
        verbose_name=_("cơ quan ban hành"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    decision_number = models.CharField(_("số văn bản"), max_length=200, blank=True)
    decision_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    uplift_mode = models.CharField(
        _("cách tăng"),
        max_length=10,
        choices=[
            (rules.UpliftMode.POINTS.value, _("cộng điểm phần trăm")),
            (rules.UpliftMode.RELATIVE.value, _("tăng tương đối")),
        ],
        default=rules.UpliftMode.POINTS.value,
    )
    uplift = models.DecimalField(_("mức tăng"), max_digits=5, decimal_places=2, default=Decimal(10))
    applies_rule = models.BooleanField(
        _("áp dụng nguyên tắc Phổ Ninh"),
        default=True,
        help_text=_(
            "Chỉ tiêu = chỉ tiêu Trung ương nếu kết quả năm trước thấp hơn, "
            "ngược lại = kết quả năm trước + mức tăng."
        ),
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("kế hoạch chỉ tiêu")
        verbose_name_plural = _("kế hoạch chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def issuer_label(self) -> str:
        return "Trung ương" if self.issuer is None else str(self.issuer)


class PlanMinimum(models.Model):
    """The national minimum N for one indicator, as the plan quotes it."""

    plan = models.ForeignKey(TargetPlan, on_delete=models.CASCADE, related_name="minimums")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("chỉ tiêu tối thiểu (%)"), max_digits=7, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="plan_minimum_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.indicator.code} ≥ {self.value}"


class TierTarget(models.Model):
    """A target an issuer sets for every unit of one tier (Hoài Nhơn's H1 2023 dispatch: 25 %
    for the district desk, 70 % for communes). Units of that tier inherit it."""

    plan = models.ForeignKey(TargetPlan, on_delete=models.CASCADE, related_name="tier_targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    value = models.DecimalField(_("chỉ tiêu (%)"), max_digits=7, decimal_places=2)
    # "từ 55 đến 60 % tùy từng địa phương" (Hoài Nhơn's H1 2023 dispatch): a range; each
    # unit then gets its own value within it, and value is the floor.
    value_high = models.DecimalField(
        _("chỉ tiêu tối đa của khoảng (%)"), max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator", "level"], name="tier_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.indicator.code} {self.level} {self.value}"


class TargetSource(models.TextChoices):
    RULE = "rule", _("theo nguyên tắc")
    MANUAL = "manual", _("giao thủ công")
    INHERITED = "inherited", _("kế thừa chỉ tiêu theo cấp")


class Target(models.Model):
    """The target of one unit for one indicator under one plan, with what it came from."""

    plan = models.ForeignKey(TargetPlan, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("chỉ tiêu (%)"), max_digits=7, decimal_places=2)
    # Upper end when the issuer set a range for the unit; met means rate >= value.
    value_high = models.DecimalField(
        _("chỉ tiêu tối đa của khoảng (%)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=TargetSource.choices)
    branch = models.CharField(
        _("nhánh nguyên tắc"),
        max_length=20,
        blank=True,
        choices=[(b.value, b.name) for b in rules.Branch],
    )
    baseline = models.DecimalField(
        _("kết quả năm trước (%)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    national_minimum = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    baseline_note = models.CharField(_("nguồn kết quả năm trước"), max_length=300, blank=True)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit", "indicator"], name="target_unique_per_plan"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator.code} {self.value}"

    def explain(self) -> str:
        """One Vietnamese sentence saying where this target comes from."""
        year = self.plan.year
        if self.source == TargetSource.MANUAL:
            return f"Chỉ tiêu {year} giao thủ công: {self.reason or 'không ghi lý do'}."
        if self.source == TargetSource.INHERITED:
            document = self.plan.decision_number or self.plan.title
            return (
                f"Chỉ tiêu {year} do {self.plan.issuer_label} giao chung cho "
                f"{self.unit.get_level_display().lower()} ({document})."
            )
        # Re-derive the decision from the stored inputs: the sentence then always matches
        # the rule's arithmetic, including the cap at 100.
        decision = rules.phoninh_target(
            baseline=self.baseline,
            national_minimum=self.national_minimum
            if self.national_minimum is not None
            else self.value,
            uplift=self.plan.uplift,
            mode=rules.UpliftMode(self.plan.uplift_mode),
        )
        return rules.explain_vi(
            decision,
            year=year,
            indicator_name="",  # the page shows the indicator beside the sentence
            baseline_note=self.baseline_note,
        )
