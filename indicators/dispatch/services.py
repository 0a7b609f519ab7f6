"""Writes of the dispatch feature: saved drafts (create, save with a version check, issue)
and the offices' own templates. Each is one transaction."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from django.db import transaction
from django.db.models import F

from indicators.dispatch import templating
from indicators.dispatch.drafting import (
    Dispatch,
    changed_parts,
    dispatch_as_dict,
    dispatch_from_dict,
    sample_dispatch,
)
from indicators.domain.formatting import format_date_vi
from indicators.models import DispatchDraft, DispatchDraftRevision, DispatchTemplate, Period
from units.models import AdministrativeUnit, User

# "125/UBND-VP", "12/TB-UBND", "07/CV-VP": a number, a slash, the symbol.
_NUMBER = re.compile(r"\d{1,6}/[0-9A-ZĐ][0-9A-ZĐ.&-]{0,40}")


class DraftConflict(Exception):
    """Someone else saved the draft after the version the user started from."""

    def __init__(self, *, current: DispatchDraft, changed: list[str], by: User | None) -> None:
        super().__init__("conflict")
        self.current = current
        self.changed = changed
        self.by = by


class DraftIssued(Exception):
    """The draft has been issued: its text is final."""


class IssueProblem(Exception):
    """The number or date given when issuing, refused: the form field and a Vietnamese
    message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@transaction.atomic
def draft_create(
    *,
    user: User,
    parent: AdministrativeUnit,
    period: Period,
    include_drafts: bool,
    dispatch: Dispatch,
) -> DispatchDraft:
    content = dispatch_as_dict(dispatch)
    draft = DispatchDraft.objects.create(
        parent=parent,
        period=period,
        include_drafts=include_drafts,
        content=content,
        created_by=user,
        updated_by=user,
    )
    DispatchDraftRevision.objects.create(
        draft=draft, version=1, content=content, action="created", saved_by=user
    )
    return draft


def _conflict(draft: DispatchDraft, started_from: int) -> DraftConflict:
    current = DispatchDraft.objects.select_related("updated_by").get(pk=draft.pk)
    base = (
        DispatchDraftRevision.objects.filter(draft=draft, version=started_from)
        .values_list("content", flat=True)
        .first()
    )
    theirs = dispatch_from_dict(current.content)
    changed = changed_parts(dispatch_from_dict(base), theirs) if base is not None else []
    return DraftConflict(current=current, changed=changed, by=current.updated_by)


@transaction.atomic
def draft_save(
    *, draft: DispatchDraft, user: User, dispatch: Dispatch, started_from: int
) -> DispatchDraft:
    """Stores the edited text as the next version, unless someone saved since
    `started_from` (DraftConflict: nothing written, the caller shows what they changed) or
    the draft was issued (DraftIssued). Saving unchanged text writes nothing."""
    content = dispatch_as_dict(dispatch)
    current = DispatchDraft.objects.select_for_update().get(pk=draft.pk)
    if current.is_issued:
        raise DraftIssued()
    if current.version != started_from:
        raise _conflict(draft, started_from)
    if current.content == content:
        return current
    updated = DispatchDraft.objects.filter(pk=draft.pk, version=started_from).update(
        content=content, version=F("version") + 1, updated_by=user
    )
    if not updated:  # a writer the row lock did not hold off (SQLite takes no row locks)
        raise _conflict(draft, started_from)
    DispatchDraftRevision.objects.create(
        draft=draft, version=started_from + 1, content=content, action="saved", saved_by=user
    )
    return DispatchDraft.objects.get(pk=draft.pk)


def issued_text(dispatch: Dispatch, *, number: str, issued_on: dt.date) -> Dispatch:
    """The number line and the place and date as they read once the dispatch is issued."""
    place = dispatch.place_date.split(", ngày", 1)[0]
    return replace(
        dispatch,
        number_line=f"Số: {number}",
        place_date=f"{place}, ngày {issued_on:%d} tháng {issued_on:%m} năm {issued_on:%Y}",
    )


@transaction.atomic
def draft_issue(
    *,
    draft: DispatchDraft,
    user: User,
    number: str,
    issued_on: dt.date,
    started_from: int,
    today: dt.date,
) -> DispatchDraft:
    """Fills in the number and date and freezes the text. The number is written as the
    office's register gives it ("125/UBND-VP"); one number is used once a year per issuer."""
    number = number.strip().upper()
    if not _NUMBER.fullmatch(number):
        raise IssueProblem(
            "number",
            f"Số, ký hiệu “{number[:60]}” không đúng dạng: ghi số rồi ký hiệu, ví dụ 125/UBND-VP.",
        )
    period_end = draft.period.end
    if issued_on < period_end:
        raise IssueProblem(
            "issued_on",
            f"Ngày ban hành {format_date_vi(issued_on)} trước ngày cuối kỳ báo cáo "
            f"({format_date_vi(period_end)}): công văn đánh giá kỳ đã kết thúc.",
        )
    if issued_on > today:
        raise IssueProblem(
            "issued_on",
            f"Ngày ban hành {format_date_vi(issued_on)} là ngày trong tương lai; ghi ngày ký "
            "ban hành.",
        )
    taken = (
        DispatchDraft.objects.filter(
            parent=draft.parent, number=number, issued_on__year=issued_on.year
        )
        .exclude(pk=draft.pk)
        .first()
    )
    if taken is not None:
        raise IssueProblem(
            "number",
            f"Số {number} năm {issued_on.year} đã dùng cho công văn về "
            f"{taken.period.label_vi}"
            + (f" (ban hành {format_date_vi(taken.issued_on)})." if taken.issued_on else "."),
        )
    current = DispatchDraft.objects.select_for_update().get(pk=draft.pk)
    if current.is_issued:
        raise DraftIssued()
    if current.version != started_from:
        raise _conflict(draft, started_from)
    content = dispatch_as_dict(
        issued_text(dispatch_from_dict(current.content), number=number, issued_on=issued_on)
    )
    DispatchDraft.objects.filter(pk=draft.pk).update(
        content=content,
        version=F("version") + 1,
        status=DispatchDraft.Status.ISSUED,
        number=number,
        issued_on=issued_on,
        updated_by=user,
    )
    DispatchDraftRevision.objects.create(
        draft=draft, version=started_from + 1, content=content, action="issued", saved_by=user
    )
    return DispatchDraft.objects.get(pk=draft.pk)


# --------------------------------------------------------------------------- templates


class TemplateRefused(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@transaction.atomic
def template_upload(
    *, user: User, unit: AdministrativeUnit, filename: str, content: bytes
) -> DispatchTemplate:
    """Stores the office's template once it passes every check; otherwise TemplateRefused
    with the reasons, and the template in use (the office's previous one or the default)
    stays."""
    from indicators.dispatch.renderers import dispatch_context

    problems = templating.template_problems(content, sample=dispatch_context(sample_dispatch()))
    if problems:
        raise TemplateRefused(problems)
    stored, _created = DispatchTemplate.objects.update_or_create(
        unit=unit,
        defaults={"filename": filename[:255], "content": content, "uploaded_by": user},
    )
    return stored


@transaction.atomic
def template_reset(*, unit: AdministrativeUnit) -> None:
    """Back to the portal's default template."""
    DispatchTemplate.objects.filter(unit=unit).delete()
