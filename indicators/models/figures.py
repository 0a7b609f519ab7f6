"""The figures of a unit for a period, their history, rates published without counts, and
uploaded files kept from preview to commit."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.domain import formulas, index766
from units.models import AdministrativeUnit

from .catalogue import Indicator, Period


class FiguresStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp")
    APPROVED = "approved", _("Đã duyệt")


def _count_field(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True)


class UnitFigures(models.Model):
    """The raw counts of one unit for one period (the appendix columns of Hoài Nhơn's H1 2023
    dispatch plus payment, feedback, satisfaction and population-database counts). Empty
    means not reported."""

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
    # The extra counts of the Decision 766 index (optional; not part of COUNT_FIELDS, so
    # the standard rates, imports and exports do not see them).
    in_progress_on_time = _count_field(index766.EXTRA_COUNT_FIELDS["in_progress_on_time"])
    synced_dossiers = _count_field(index766.EXTRA_COUNT_FIELDS["synced_dossiers"])
    fee_dossiers = _count_field(index766.EXTRA_COUNT_FIELDS["fee_dossiers"])
    paid_online_dossiers = _count_field(index766.EXTRA_COUNT_FIELDS["paid_online_dossiers"])
    population_db_authenticated = _count_field(
        index766.EXTRA_COUNT_FIELDS["population_db_authenticated"]
    )
    feedback_dissatisfied = _count_field(index766.EXTRA_COUNT_FIELDS["feedback_dissatisfied"])
    feedback_repeated = _count_field(index766.EXTRA_COUNT_FIELDS["feedback_repeated"])
    feedback_overdue = _count_field(index766.EXTRA_COUNT_FIELDS["feedback_overdue"])

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

    def extra_counts(self) -> dict[str, int | None]:
        """The optional counts of the Decision 766 index."""
        return {name: getattr(self, name) for name in index766.EXTRA_COUNT_FIELDS}

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
        return formulas.COUNT_FIELDS.get(self.field) or index766.count_label(self.field)


class PublishedResult(models.Model):
    """A rate published by an authority without its raw counts (Đức Phổ's 01/2025 dispatch
    gives its 2024 rates only). Used as a target baseline when no figures exist."""

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
