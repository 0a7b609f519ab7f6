"""The forms of a saved draft: its text, part by part, and the number and date it is issued
with. They validate and convert; the services write."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from indicators.dispatch.drafting import Dispatch

MAX_TEXT = 8000  # characters in one part (a section's text is a few hundred words)
MAX_LINES = 60  # paragraphs or list items in one part
_NUMBERED = re.compile(r"^\s*\d{1,2}\s*[.)]\s*")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


class _LinesField(forms.CharField):
    """A list edited as one line (paragraph) per line of a text area."""

    widget = forms.Textarea

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=MAX_TEXT, required=False, strip=True, **kwargs)

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        lines = _lines(text)
        if len(lines) > MAX_LINES:
            raise forms.ValidationError(
                _("Quá %(max)s dòng (đoạn); hãy gộp bớt."), params={"max": MAX_LINES}
            )
        return lines


def _text(label: StrOrPromise, *, required: bool = False, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DraftForm(forms.Form):
    """Every part of the draft; the sections and directives get one text area each."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    subject = forms.CharField(label=_("Trích yếu"), max_length=300)
    recipients = _LinesField(label=_("Kính gửi (mỗi dòng một nơi)"))
    intro = _text(_("Đoạn mở đầu"), required=True)
    assessment = _text(_("Đánh giá chung"))
    closing = _text(_("Câu kết"), rows=2)
    copies = _LinesField(label=_("Nơi nhận (mỗi dòng một nơi)"))
    signer_authority = forms.CharField(label=_("Quyền hạn ký"), max_length=60, required=False)
    signer_title = forms.CharField(label=_("Chức vụ"), max_length=100, required=False)
    signer_name = forms.CharField(label=_("Họ và tên người ký"), max_length=100, required=False)

    def __init__(self, *args: Any, dispatch: Dispatch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dispatch = dispatch
        for number, section in enumerate(dispatch.sections):
            self.fields[f"section_{number}"] = _LinesField(
                label=section.heading, widget=forms.Textarea(attrs={"rows": 6})
            )
        for number in range(len(dispatch.directives) + 1):
            self.fields[f"directive_{number}"] = _text(
                _("Yêu cầu %(n)s") % {"n": number + 1}
                if number < len(dispatch.directives)
                else _("Thêm một yêu cầu"),
                rows=3,
            )

    @classmethod
    def initial_for(cls, dispatch: Dispatch, *, version: int) -> dict[str, object]:
        initial: dict[str, object] = {
            "version": version,
            "subject": dispatch.subject,
            "recipients": "\n".join(dispatch.recipients),
            "intro": dispatch.intro,
            "assessment": dispatch.assessment,
            "closing": dispatch.closing,
            "copies": "\n".join(dispatch.copies),
            "signer_authority": dispatch.signer_authority,
            "signer_title": dispatch.signer_title,
            "signer_name": dispatch.signer_name,
        }
        for number, section in enumerate(dispatch.sections):
            initial[f"section_{number}"] = "\n".join(section.paragraphs)
        for number, directive in enumerate(dispatch.directives):
            initial[f"directive_{number}"] = directive
        return initial

    def section_fields(self) -> list[forms.BoundField]:
        return [self[f"section_{n}"] for n in range(len(self.dispatch.sections))]

    def directive_fields(self) -> list[forms.BoundField]:
        return [self[f"directive_{n}"] for n in range(len(self.dispatch.directives) + 1)]

    def edited(self) -> Dispatch:
        """The draft with the submitted text; directives renumbered 1, 2, 3… in order (an
        emptied one is dropped)."""
        data = self.cleaned_data
        sections = [
            replace(section, paragraphs=data[f"section_{n}"])
            for n, section in enumerate(self.dispatch.sections)
        ]
        texts = [
            _NUMBERED.sub("", " ".join(_lines(data[f"directive_{n}"])))
            for n in range(len(self.dispatch.directives) + 1)
        ]
        directives = [f"{i}. {text}" for i, text in enumerate((t for t in texts if t), start=1)]
        return replace(
            self.dispatch,
            subject=data["subject"],
            recipients=data["recipients"],
            intro=" ".join(_lines(data["intro"])),
            sections=sections,
            assessment=" ".join(_lines(data["assessment"])),
            directives=directives,
            closing=" ".join(_lines(data["closing"])),
            copies=data["copies"],
            signer_authority=data["signer_authority"],
            signer_title=data["signer_title"],
            signer_name=data["signer_name"],
        )


class IssueForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    number = forms.CharField(
        label=_("Số, ký hiệu"), max_length=50, help_text=_("Theo sổ đăng ký, ví dụ 125/UBND-VP.")
    )
    issued_on = forms.DateField(
        label=_("Ngày ban hành"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"placeholder": "14/07/2023"}),
    )


class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp mẫu (.docx)"),
        help_text=_("Tải mẫu hiện dùng về, sửa trong Word (giữ các trường {{ … }}) rồi tải lên."),
    )
