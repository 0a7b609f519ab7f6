"""Saved dispatch drafts (the text an office edits, section by section, until it is issued)
and the offices' own .docx templates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import AdministrativeUnit

from .catalogue import Period


class DispatchDraft(models.Model):
    """One office's dispatch for one parent and period. `content` is the drafted document
    (`indicators.dispatch.drafting.Dispatch` as a dict) with the office's edits; `version`
    grows with every save so that two people editing at once never overwrite each other
    silently (the second sees what the first changed)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")

    parent = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị ban hành"),
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="+", verbose_name=_("kỳ")
    )
    include_drafts = models.BooleanField(_("gồm cả số liệu nháp"), default=False)
    content: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(
        _("nội dung"), default=dict
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    number = models.CharField(_("số, ký hiệu"), max_length=50, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người sửa sau cùng"),
    )
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        verbose_name = _("bản dự thảo công văn")
        verbose_name_plural = _("bản dự thảo công văn")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["parent", "period"], name="dispatch_draft_scope")]

    def __str__(self) -> str:
        return f"{self.parent} · {self.period.label_vi} · v{self.version}"

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class DispatchDraftRevision(models.Model):
    """The content of a draft as one save left it: who saved what when, and what someone
    editing an older version is shown when they save after another person."""

    draft = models.ForeignKey(DispatchDraft, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("phiên bản"))
    content: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(_("nội dung"))
    action = models.CharField(_("thao tác"), max_length=20)  # created, saved, issued
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người lưu"),
    )
    saved_at = models.DateTimeField(_("lưu lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản dự thảo công văn")
        verbose_name_plural = _("phiên bản dự thảo công văn")
        ordering = ["draft", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "version"], name="dispatch_revision_once")
        ]

    def __str__(self) -> str:
        return f"{self.draft_id} v{self.version} {self.action}"


class DispatchTemplate(models.Model):
    """An office's own Word template for its dispatches (letterhead, recipients, signer,
    standard paragraphs), checked when uploaded. One per issuing unit; without one the
    portal's default template is used."""

    unit = models.OneToOneField(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị ban hành"),
    )
    filename = models.CharField(_("tên tệp"), max_length=255)
    content = models.BinaryField(_("tệp mẫu"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu công văn của đơn vị")
        verbose_name_plural = _("mẫu công văn của đơn vị")

    def __str__(self) -> str:
        return f"{self.unit} · {self.filename}"
