"""Indicators, reporting periods, unit figures and targets.

Formulas, period arithmetic and the target rule live in `indicators.domain` (pure Python);
the models here hold the data and the logic that needs only one row.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from indicators.domain import formulas, rules
from indicators.domain.periods import Convention, PeriodKind, PeriodSpec
from units.models import AdministrativeUnit, UnitLevel


class Indicator(models.Model):
    """One row per indicator of the catalogue (seeded by migration 0002)."""

    code = models.SlugField(_("mã"), max_length=20, unique=True)
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)
    short_vi = models.CharField(_("tên ngắn"), max_length=60)
    numerator_fields = models.CharField(_("tử số"), max_length=200)  # comma separated
    denominator_field = models.CharField(_("mẫu số"), max_length=60)
    higher_is_better = models.BooleanField(_("càng cao càng tốt"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    @property
    def definition(self) -> formulas.IndicatorDef:
        return formulas.get_indicator(self.code)

    @property
    def numerator_label(self) -> str:
        return " + ".join(formulas.COUNT_FIELDS[name] for name in self.definition.numerator)

    @property
    def denominator_label(self) -> str:
        return formulas.COUNT_FIELDS[self.definition.denominator]


class PeriodQuerySet(models.QuerySet["Period"]):
    def for_spec(self, spec: PeriodSpec) -> Period:
        period, _created = self.get_or_create(
            code=spec.code,
            defaults={
                "kind": spec.kind.value,
                "convention": spec.convention.value,
                "year": spec.year,
                "number": spec.number,
                "start": spec.start,
                "end": spec.end,
                "label_vi": spec.label_vi,
                "label_en": spec.label_en,
            },
        )
        return period


class Period(models.Model):
    """A reporting period. The convention (Decree 09 cut-off on the 14th, calendar, or a
    custom range) is part of its identity: "Năm 2024" means different days in each."""

    code = models.CharField(_("mã kỳ"), max_length=30, unique=True)
    kind = models.CharField(
        _("loại kỳ"), max_length=5, choices=[(k.value, k.name) for k in PeriodKind]
    )
    convention = models.CharField(
        _("quy ước"), max_length=5, choices=[(c.value, c.name) for c in Convention]
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    label_vi = models.CharField(max_length=80)
    label_en = models.CharField(max_length=80)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "end"]
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="period_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.start:%d/%m/%Y} – {self.end:%d/%m/%Y})"

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "vi").startswith("en") else self.label_vi

    @property
    def spec(self) -> PeriodSpec:
        return PeriodSpec(
            kind=PeriodKind(self.kind),
            convention=Convention(self.convention),
            year=self.year,
            number=self.number,
            start=self.start,
            end=self.end,
        )


class FiguresStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp")
    APPROVED = "approved", _("Đã duyệt")


def _count_field(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True)


class UnitFigures(models.Model):
    """The raw counts of one unit for one period (seed 004 appendix columns plus payment,
    feedback, satisfaction and population-database counts). Empty means not reported."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="figures")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="figures")

    total = _count_field(formulas.COUNT_FIELDS["total"])
    carried_over = _count_field(formulas.COUNT_FIELDS["carried_over"])
    received = _count_field(formulas.COUNT_FIELDS["received"])
    with_portal_account = _count_field(formulas.COUNT_FIELDS["with_portal_account"])
    received_in_person = _count_field(formulas.COUNT_FIELDS["received_in_person"])
    received_online = _count_field(formulas.COUNT_FIELDS["received_online"])
    digitized_partial = _count_field(formulas.COUNT_FIELDS["digitized_partial"])
    digitized_full = _count_field(formulas.COUNT_FIELDS["digitized_full"])
    resolved = _count_field(formulas.COUNT_FIELDS["resolved"])
    results_digitized = _count_field(formulas.COUNT_FIELDS["results_digitized"])
    reused = _count_field(formulas.COUNT_FIELDS["reused"])
    resolved_on_time = _count_field(formulas.COUNT_FIELDS["resolved_on_time"])
    resolved_late = _count_field(formulas.COUNT_FIELDS["resolved_late"])
    e_certified_copies = _count_field(formulas.COUNT_FIELDS["e_certified_copies"])
    payments_online = _count_field(formulas.COUNT_FIELDS["payments_online"])
    payments_total = _count_field(formulas.COUNT_FIELDS["payments_total"])
    feedback_received = _count_field(formulas.COUNT_FIELDS["feedback_received"])
    feedback_on_time = _count_field(formulas.COUNT_FIELDS["feedback_on_time"])
    ratings_satisfied = _count_field(formulas.COUNT_FIELDS["ratings_satisfied"])
    ratings_total = _count_field(formulas.COUNT_FIELDS["ratings_total"])
    population_db_checked = _count_field(formulas.COUNT_FIELDS["population_db_checked"])

    is_sample = models.BooleanField(
        _("số liệu mẫu"),
        default=False,
        help_text=_("Số liệu sinh tự động để minh họa, không phải số liệu thật."),
    )
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    status = models.CharField(
        _("trạng thái"), max_length=10, choices=FiguresStatus.choices, default=FiguresStatus.DRAFT
    )
    # Optimistic locking: every write says which version it started from and bumps it,
    # so the second of two concurrent saves is refused instead of silently winning.
    version = models.PositiveIntegerField(default=1)
    review_comment = models.CharField(_("ý kiến khi trả lại"), max_length=1000, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người duyệt"),
    )

    class Meta:
        verbose_name = _("số liệu kỳ")
        verbose_name_plural = _("số liệu kỳ")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="figures_one_per_unit_period")
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period.label_vi}"

    def counts(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in formulas.COUNT_FIELDS}

    def rate(self, indicator_code: str) -> Decimal | None:
        return formulas.indicator_rate(formulas.get_indicator(indicator_code), self.counts())

    @property
    def is_locked(self) -> bool:
        """Approved figures change only after an unlock with a reason."""
        return self.status == FiguresStatus.APPROVED


class FiguresChange(models.Model):
    """One line of a figures' history: a value changed, or a step of the workflow.
    Nothing is ever deleted from here."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Sửa")
        IMPORT = "import", _("Nhập từ tệp")
        SUBMIT = "submit", _("Nộp")
        APPROVE = "approve", _("Duyệt")
        RETURN = "return", _("Trả lại")
        UNLOCK = "unlock", _("Mở khóa")

    figures = models.ForeignKey(UnitFigures, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("thao tác"), max_length=10, choices=Action.choices)
    field = models.CharField(_("trường"), max_length=40, blank=True)
    old_value = models.BigIntegerField(_("giá trị cũ"), null=True, blank=True)
    new_value = models.BigIntegerField(_("giá trị mới"), null=True, blank=True)
    comment = models.CharField(_("ghi chú"), max_length=1000, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)  # of the figures after it
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    changed_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("lịch sử số liệu")
        verbose_name_plural = _("lịch sử số liệu")

    def __str__(self) -> str:
        return f"{self.figures_id} {self.action} {self.field}"

    @property
    def field_label(self) -> str:
        return formulas.COUNT_FIELDS.get(self.field, self.field)


class PublishedResult(models.Model):
    """A rate published by an authority without its raw counts (seed 000 gives Đức Phổ's
    2024 rates only). Used as a target baseline when no figures exist."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField(_("tỷ lệ (%)"), max_digits=7, decimal_places=2)
    source = models.CharField(_("nguồn"), max_length=300)

    class Meta:
        verbose_name = _("kết quả đã công bố")
        verbose_name_plural = _("kết quả đã công bố")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "indicator"], name="published_result_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator.code} {self.rate}"


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
    """A target an issuer sets for every unit of one tier (seed 004: 25 % for the district
    desk, 70 % for communes). Units of that tier inherit it."""

    plan = models.ForeignKey(TargetPlan, on_delete=models.CASCADE, related_name="tier_targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    value = models.DecimalField(_("chỉ tiêu (%)"), max_digits=7, decimal_places=2)
    # "từ 55 đến 60 % tùy từng địa phương" (seed 004): a range; each unit then gets its
    # own value within it, and value is the floor.
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
            decision = self.plan.decision_number or self.plan.title
            return (
                f"Chỉ tiêu {year} do {self.plan.issuer_label} giao chung cho "
                f"{self.unit.get_level_display().lower()} ({decision})."
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


class ImportBatch(models.Model):
    """An uploaded file, kept from preview to commit: the user reads the preview, then
    commits exactly the bytes that were checked (not a second upload)."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Đang xem trước")
        COMMITTED = "committed", _("Đã ghi")
        REJECTED = "rejected", _("Bị từ chối")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    parent = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("tên tệp"), max_length=255)
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    report = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("lần nhập tệp")
        verbose_name_plural = _("lần nhập tệp")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
