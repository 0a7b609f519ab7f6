"""The Decision 766 index as data: versioned rule sets (groups and indicators with their
points, rule kind and the counts each needs), the catalogue figures of a unit stated on a
date, and the score the national portal published for a unit and period (to compare the
pre-run with). The arithmetic lives in indicators/domain/index766.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.domain import index766
from units.models import AdministrativeUnit

from .catalogue import Period


def _terms(text: str) -> tuple[str, ...]:
    """ "resolved_on_time, in_progress_on_time" → the count names (a "-" subtracts)."""
    return tuple(t.strip() for t in text.split(",") if t.strip())


class Index766RuleSetQuerySet(models.QuerySet["Index766RuleSet"]):
    def in_force(self, on: dt.date) -> Index766RuleSet | None:
        """The version in force on `on` (a period's end): the latest valid from then, its
        groups and indicators fetched with it (two more queries)."""
        return (
            self.filter(valid_from__lte=on)
            .order_by("-valid_from", "-pk")
            .prefetch_related("groups__indicators")
            .first()
        )


class Index766RuleSet(models.Model):
    """One version of the scoring table. A corrected table is a new version valid from a
    date: scores of periods ending before it keep the version they were computed with."""

    version = models.CharField(_("phiên bản"), max_length=40, unique=True)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    source_note = models.TextField(_("nguồn, ghi chú"), blank=True)
    not_applicable_full = models.BooleanField(
        _("chỉ số không áp dụng được tính đủ điểm"),
        default=True,
        help_text=_(
            "Như Cổng Dịch vụ công quốc gia: chỉ số không áp dụng ở cấp của đơn vị được tính "
            "đủ điểm; bỏ chọn để loại chúng khỏi tổng điểm."
        ),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    objects = Index766RuleSetQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("bảng điểm Chỉ số 766")
        verbose_name_plural = _("bảng điểm Chỉ số 766")

    def __str__(self) -> str:
        return f"{self.version} ({self.valid_from:%d/%m/%Y})"

    def table(self) -> index766.RuleTable:
        """The domain's table (reads the prefetched groups and indicators)."""
        groups = list(self.groups.all())
        return index766.RuleTable(
            version=self.version,
            groups=tuple(g.definition() for g in groups),
            rules=tuple(i.rule() for g in groups for i in g.indicators.all()),
            not_applicable_full=self.not_applicable_full,
        )


class Index766Group(models.Model):
    rule_set = models.ForeignKey(Index766RuleSet, on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(_("mã nhóm"), max_length=30)
    name_vi = models.CharField(_("tên nhóm"), max_length=200)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("nhóm chỉ số 766")
        verbose_name_plural = _("nhóm chỉ số 766")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="index766_group_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.max_points})"

    def definition(self) -> index766.GroupDef:
        return index766.GroupDef(
            code=self.code, name_vi=self.name_vi, max_points=self.max_points, order=self.order
        )


class Index766Indicator(models.Model):
    """One row of the table. The counts are named fields of the figures, the catalogue or
    "in_progress" (total − resolved), separated by commas; "-name" subtracts."""

    class Kind(models.TextChoices):
        LINEAR = index766.RuleKind.LINEAR.value, _("Tuyến tính: điểm tối đa × R")
        THRESHOLD = index766.RuleKind.THRESHOLD.value, _("Đủ điểm khi R ≥ ngưỡng")
        FULL_IF_EMPTY = (
            index766.RuleKind.FULL_IF_EMPTY.value,
            _("Tuyến tính, đủ điểm khi mẫu số bằng 0"),
        )

    group = models.ForeignKey(Index766Group, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("mã chỉ số"), max_length=40)
    name_vi = models.CharField(_("tên chỉ số"), max_length=300)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=5, decimal_places=2)
    kind = models.CharField(_("cách tính"), max_length=20, choices=Kind.choices)
    threshold = models.DecimalField(
        _("ngưỡng (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    numerator = models.CharField(_("tử số (các trường số liệu)"), max_length=300, blank=True)
    denominator = models.CharField(_("mẫu số (các trường số liệu)"), max_length=300, blank=True)
    approx_numerator = models.CharField(_("tử số gần đúng"), max_length=300, blank=True)
    approx_denominator = models.CharField(_("mẫu số gần đúng"), max_length=300, blank=True)
    not_applicable_levels = models.CharField(
        _("không áp dụng ở cấp"), max_length=100, blank=True, help_text=_("Ví dụ: commune")
    )
    shortfall_label = models.CharField(_("tên phần còn thiếu"), max_length=120, blank=True)
    gain_label = models.CharField(_("tên phần cần thêm"), max_length=120, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("chỉ số 766")
        verbose_name_plural = _("chỉ số 766")
        constraints = [
            models.UniqueConstraint(fields=["group", "code"], name="index766_indicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.max_points})"

    def rule(self) -> index766.IndicatorRule:
        return index766.IndicatorRule(
            code=self.code,
            group_code=self.group.code,
            name_vi=self.name_vi,
            max_points=self.max_points,
            kind=index766.RuleKind(self.kind),
            threshold=self.threshold,
            numerator=_terms(self.numerator),
            denominator=_terms(self.denominator),
            approx_numerator=_terms(self.approx_numerator),
            approx_denominator=_terms(self.approx_denominator),
            not_applicable_levels=_terms(self.not_applicable_levels),
            shortfall_label=self.shortfall_label,
            gain_label=self.gain_label,
            order=self.order,
        )

    def clean(self) -> None:
        # A typo in a count name would otherwise show as "missing counts" everywhere.
        if self.group_id is None:
            return
        try:
            self.rule()
        except ValueError as error:
            raise ValidationError(str(error)) from error


def _catalogue_field(name: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(index766.CATALOGUE_FIELDS[name], null=True, blank=True)


class UnitCatalogue(models.Model):
    """Catalogue figures of a unit (procedures, not dossiers) as stated on a date; a period
    reads the latest stated on or before its end."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    stated_on = models.DateField(_("số liệu tại ngày"))
    procedures_total = _catalogue_field("procedures_total")
    procedures_online = _catalogue_field("procedures_online")
    procedures_online_used = _catalogue_field("procedures_online_used")
    procedures_with_fee = _catalogue_field("procedures_with_fee")
    procedures_paid_online = _catalogue_field("procedures_paid_online")
    procedures_fee_integrated = _catalogue_field("procedures_fee_integrated")
    source = models.CharField(_("nguồn"), max_length=300, blank=True)

    class Meta:
        ordering = ["unit", "-stated_on"]
        verbose_name = _("danh mục thủ tục của đơn vị")
        verbose_name_plural = _("danh mục thủ tục của đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["unit", "stated_on"], name="unit_catalogue_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.stated_on:%d/%m/%Y}"

    def counts(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in index766.CATALOGUE_FIELDS}


class PublishedIndex766Score(models.Model):
    """The total the national portal published for a unit and period, entered by an
    office: the authority the pre-run is compared with."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("tổng điểm công bố"), max_digits=5, decimal_places=2)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    entered_at = models.DateTimeField(_("nhập lúc"), auto_now=True)

    class Meta:
        verbose_name = _("điểm Chỉ số 766 đã công bố")
        verbose_name_plural = _("điểm Chỉ số 766 đã công bố")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="published_index766_unique"),
            models.CheckConstraint(
                condition=models.Q(total__gte=Decimal(0), total__lte=Decimal(100)),
                name="published_index766_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period.code} {self.total}"
