"""The indicator catalogue and the reporting periods."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from indicators.domain import formulas
from indicators.domain.periods import Convention, PeriodKind, PeriodSpec


class Indicator(models.Model):
    """One row per indicator of the catalogue (seeded by migration 0002)."""

    code = models.SlugField(_("mã"), max_length=20, unique=True)
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)
    short_vi = models.CharField(_("tên ngắn"), max_length=60)
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
