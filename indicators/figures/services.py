"""Writes on one unit's figures: saving with optimistic locking and a change history, and the
draft → submitted → approved workflow. Each write is one transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from indicators.bulk import adapt_datetime, default_columns, insert_rows
from indicators.domain import checks, formulas
from indicators.models import (
    FiguresChange,
    FiguresStatus,
    Period,
    UnitFigures,
)
from units.audit.services import audit_log
from units.models import AdministrativeUnit, AuditAction, User


class FiguresError(Exception):
    """A write refused for a reason the user must read (message in Vietnamese)."""


class FiguresInvalid(FiguresError):
    def __init__(self, violations: list[formulas.IdentityViolation]) -> None:
        self.violations = violations
        super().__init__("; ".join(v.message_vi for v in violations))


class FiguresLocked(FiguresError):
    pass


class FiguresConflict(FiguresError):
    """Someone else saved these figures after the user opened them."""

    def __init__(self, current: UnitFigures | None, changes: list[FiguresChange]) -> None:
        self.current = current
        self.changes = changes
        who = ", ".join(sorted({str(c.changed_by or "?") for c in changes})) or "người khác"
        super().__init__(
            f"Số liệu này vừa được {who} thay đổi sau khi bạn mở trang; bản của bạn chưa được "
            "lưu. Hãy xem các thay đổi dưới đây, rồi nhập lại phần của bạn."
        )


def _record_changes(
    figures: UnitFigures,
    *,
    before: dict[str, int | None],
    after: dict[str, int | None],
    action: str,
    user: User | None,
    version: int,
) -> int:
    rows = [
        FiguresChange(
            figures=figures,
            action=action,
            field=field,
            old_value=before.get(field),
            new_value=value,
            changed_by=user,
            version=version,
        )
        for field, value in after.items()
        if before.get(field) != value
    ]
    FiguresChange.objects.bulk_create(rows)
    return len(rows)


def figures_write(
    *,
    unit: AdministrativeUnit,
    period: Period,
    values: dict[str, int | None],
    user: User | None,
    expected_version: int | None,
    action: str = FiguresChange.Action.UPDATE,
    confirmed_warnings: list[str] | tuple[str, ...] = (),
) -> UnitFigures:
    """Create or update one unit's figures for a period; the caller holds the transaction.

    `expected_version` is the version the user started from (None for new figures). The
    update is a conditional UPDATE on that version, so of two concurrent saves exactly one
    wins and the other gets FiguresConflict with what changed in between.
    """
    violations = formulas.check_identities(values) + checks.extra_identity_violations(values)
    if violations:
        raise FiguresInvalid(violations)
    existing = UnitFigures.objects.filter(unit=unit, period=period).first()
    if existing is None:
        if expected_version is not None:
            raise FiguresConflict(None, [])
        try:
            with transaction.atomic():  # a savepoint: a lost creation race is a conflict
                figures = UnitFigures.objects.create(
                    unit=unit, period=period, entered_by=user, **values
                )
        except IntegrityError as error:
            current = UnitFigures.objects.filter(unit=unit, period=period).first()
            raise FiguresConflict(current, _changes_since(current, 0)) from error
        create_action = (
            action if action == FiguresChange.Action.IMPORT else FiguresChange.Action.CREATE
        )
        _record_changes(
            figures, before={}, after=values, action=create_action, user=user, version=1
        )
    else:
        if existing.is_locked:
            raise FiguresLocked(
                f"Số liệu {existing.unit} kỳ {existing.period.label_vi} đã được duyệt và khóa; "
                "cần Văn phòng cấp trên mở khóa (có lý do) trước khi sửa."
            )
        if expected_version is None and action == FiguresChange.Action.IMPORT:
            expected_version = existing.version  # an import replaces a draft on purpose
        if expected_version != existing.version:
            raise FiguresConflict(existing, _changes_since(existing, expected_version or 0))
        # The extras too: a form save repeating a stored 766 count is not a change.
        before = {**existing.counts(), **existing.extra_counts()}
        updated = (
            UnitFigures.objects.filter(pk=existing.pk, version=expected_version)
            .exclude(status=FiguresStatus.APPROVED)
            .update(
                **values,
                version=F("version") + 1,
                status=FiguresStatus.DRAFT,
                entered_by=user,
                is_sample=False,
                updated_at=timezone.now(),
            )
        )
        if updated == 0:
            current = UnitFigures.objects.get(pk=existing.pk)
            raise FiguresConflict(current, _changes_since(current, expected_version or 0))
        figures = UnitFigures.objects.get(pk=existing.pk)
        _record_changes(
            figures, before=before, after=values, action=action, user=user, version=figures.version
        )
    if confirmed_warnings:
        FiguresChange.objects.create(
            figures=figures,
            action=action,
            comment=confirmed_comment(confirmed_warnings),
            changed_by=user,
            version=figures.version,
        )
    return figures


# Rows per statement of an import's bulk writes: a national month (10.000 figures and
# some 200.000 history lines) in bounded memory and a few dozen statements.
IMPORT_BATCH = 2000


def figures_import_write(
    *,
    period: Period,
    rows: list[tuple[AdministrativeUnit, dict[str, int | None]]],
    user: User | None,
) -> list[int]:
    """figures_write for every row of an import at once; the caller holds the transaction.

    The same rules as figures_write with action IMPORT, whatever the number of rows in a
    fixed number of statements: every row's identities are checked first; the period's
    existing figures of these units are read in one query, locked (SELECT … FOR UPDATE on
    PostgreSQL; SQLite's IMMEDIATE transaction already holds the write lock), so the
    version each replacement starts from cannot move under it; approved figures are
    refused (FiguresLocked) and nothing is written; new figures are inserted as plain
    multi-row statements, a creation lost to a concurrent one is a FiguresConflict;
    replaced figures are updated in bulk (version + 1, back to draft, no longer sample);
    the history gets one "Nhập từ tệp" line per changed value, in bulk."""
    for _unit, values in rows:
        violations = formulas.check_identities(values) + checks.extra_identity_violations(values)
        if violations:
            raise FiguresInvalid(violations)
    existing = {
        figures.unit_id: figures
        for figures in UnitFigures.objects.select_for_update()
        .select_related("unit", "period")
        .filter(period=period, unit_id__in=[unit.pk for unit, _values in rows])
    }
    locked = [figures for figures in existing.values() if figures.is_locked]
    if locked:
        first = locked[0]
        more = f" và {len(locked) - 1} đơn vị khác" if len(locked) > 1 else ""
        raise FiguresLocked(
            f"Số liệu {first.unit}{more} kỳ {first.period.label_vi} đã được duyệt và khóa; "
            "cần Văn phòng cấp trên mở khóa (có lý do) trước khi sửa."
        )
    now = timezone.now()
    changed_at = adapt_datetime(now)
    user_id = user.pk if user is not None else None
    values_of = {unit.pk: values for unit, values in rows}
    new_units = [unit.pk for unit, _values in rows if unit.pk not in existing]
    replaced: list[tuple[UnitFigures, dict[str, int | None]]] = []
    for unit, values in rows:
        current = existing.get(unit.pk)
        if current is None:
            continue
        # The extras too: a file repeating a stored 766 count is not a change.
        before = {**current.counts(), **current.extra_counts()}
        for name, value in values.items():
            setattr(current, name, value)
        current.version += 1
        current.status = FiguresStatus.DRAFT
        current.entered_by = user
        current.is_sample = False
        current.updated_at = now
        replaced.append((current, before))
    fields = sorted({name for _unit, values in rows for name in values})
    # New figures as plain rows (indicators/bulk.py): a national month is 10.000 of them.
    given = ("unit_id", "period_id", *fields, "entered_by_id", "created_at", "updated_at")
    others = default_columns(UnitFigures, exclude=given)
    try:
        with transaction.atomic():  # a savepoint: a lost creation race is a conflict
            insert_rows(
                UnitFigures,
                [*given, *(column for column, _value in others)],
                (
                    (
                        unit_id,
                        period.pk,
                        *(values_of[unit_id].get(name) for name in fields),
                        user_id,
                        changed_at,
                        changed_at,
                        *(value for _column, value in others),
                    )
                    for unit_id in new_units
                ),
            )
    except IntegrityError as error:
        raise FiguresConflict(None, []) from error
    created = dict(
        UnitFigures.objects.filter(period=period, unit_id__in=new_units).values_list(
            "unit_id", "pk"
        )
    )
    UnitFigures.objects.bulk_update(
        [figures for figures, _before in replaced],
        [*fields, "version", "status", "entered_by", "is_sample", "updated_at"],
        batch_size=IMPORT_BATCH // 2,
    )
    # Some 200.000 lines for a national month: plain rows (indicators/bulk.py).
    created_lines = (
        (created[unit_id], name, None, value, 1)
        for unit_id in new_units
        for name, value in values_of[unit_id].items()
        if value is not None
    )
    replaced_lines = (
        (figures.pk, name, before.get(name), value, figures.version)
        for figures, before in replaced
        for name, value in values_of[figures.unit_id].items()
        if before.get(name) != value
    )
    insert_rows(
        FiguresChange,
        _HISTORY_COLUMNS,
        (
            (
                pk,
                FiguresChange.Action.IMPORT.value,
                name,
                old,
                value,
                "",
                version,
                user_id,
                changed_at,
            )
            for pk, name, old, value, version in (*created_lines, *replaced_lines)
        ),
    )
    return [*(created[unit_id] for unit_id in new_units), *(f.pk for f, _b in replaced)]


_HISTORY_COLUMNS = (
    "figures_id",
    "action",
    "field",
    "old_value",
    "new_value",
    "comment",
    "version",
    "changed_by_id",
    "changed_at",
)


def _changes_since(figures: UnitFigures | None, version: int) -> list[FiguresChange]:
    if figures is None:
        return []
    return list(
        figures.changes.filter(version__gt=version).select_related("changed_by").order_by("pk")
    )


def confirmed_comment(warnings: list[str] | tuple[str, ...]) -> str:
    """The history line of warnings the user confirmed, within the comment's 1.000
    characters: as many whole warnings as fit, then how many more (a month entered after
    ten others can raise a dozen range warnings of 150 characters each)."""
    limit = FiguresChange._meta.get_field("comment").max_length or 1000
    text = "Đã xác nhận cảnh báo: "
    for shown, warning in enumerate(warnings):
        rest = len(warnings) - shown
        more = f"; và {rest} cảnh báo khác" if rest > 1 else ""
        candidate = text + ("; " if shown else "") + warning
        if len(candidate) + len(more) > limit - 30:
            return text + f"{'; ' if shown else ''}và {rest} cảnh báo khác"
        text = candidate
    return text


@transaction.atomic
def figures_save(**kwargs: Any) -> UnitFigures:
    """One user's save from the entry form (see figures_write)."""
    return figures_write(**kwargs)


WORKFLOW: dict[str, tuple[tuple[FiguresStatus, ...], FiguresStatus, bool]] = {
    # action: (allowed from, goes to, needs a comment)
    FiguresChange.Action.SUBMIT: ((FiguresStatus.DRAFT,), FiguresStatus.SUBMITTED, False),
    FiguresChange.Action.APPROVE: ((FiguresStatus.SUBMITTED,), FiguresStatus.APPROVED, False),
    FiguresChange.Action.RETURN: ((FiguresStatus.SUBMITTED,), FiguresStatus.DRAFT, True),
    FiguresChange.Action.UNLOCK: ((FiguresStatus.APPROVED,), FiguresStatus.DRAFT, True),
}


_COUNT_CHANGES = (
    FiguresChange.Action.CREATE,
    FiguresChange.Action.UPDATE,
    FiguresChange.Action.IMPORT,
)


def changed_counts(*, figures: UnitFigures, user: User) -> bool:
    """Whether `user` entered or changed the counts of `figures` (the four-eyes rule: that
    person does not approve them)."""
    if figures.entered_by_id == user.pk:
        return True
    return figures.changes.filter(action__in=_COUNT_CHANGES, changed_by=user).exists()


@transaction.atomic
def figures_transition(
    *, figures: UnitFigures, action: str, user: User, expected_version: int, comment: str = ""
) -> UnitFigures:
    """Move figures along draft → submitted → approved (or back, with a comment)."""
    allowed_from, target, needs_comment = WORKFLOW[action]
    comment = comment.strip()
    if needs_comment and not comment:
        raise FiguresError(
            "Cần ghi lý do mở khóa."
            if action == FiguresChange.Action.UNLOCK
            else "Cần ghi ý kiến khi trả lại số liệu."
        )
    if action == FiguresChange.Action.APPROVE and settings.FIGURES_FOUR_EYES:
        if changed_counts(figures=figures, user=user):
            raise FiguresError(
                "Người đã nhập hoặc sửa số liệu này không tự duyệt được (nguyên tắc hai người: "
                "một người nhập, người khác duyệt). Hãy nhờ một cán bộ khác của văn phòng duyệt."
            )
    now = timezone.now()
    extra: dict[str, object] = {}
    if target == FiguresStatus.SUBMITTED:
        extra = {"submitted_at": now, "review_comment": ""}
    elif target == FiguresStatus.APPROVED:
        extra = {"approved_at": now, "approved_by": user}
    elif action == FiguresChange.Action.RETURN:
        extra = {"review_comment": comment}
    updated = UnitFigures.objects.filter(
        pk=figures.pk, version=expected_version, status__in=allowed_from
    ).update(status=target, version=F("version") + 1, updated_at=now, **extra)
    current = UnitFigures.objects.select_related("unit", "period").get(pk=figures.pk)
    if updated == 0:
        if current.version != expected_version:
            raise FiguresConflict(current, _changes_since(current, expected_version))
        raise FiguresError(
            f"Không thể {FiguresChange.Action(action).label.lower()} số liệu đang ở trạng thái "
            f"“{current.get_status_display()}”."
        )
    FiguresChange.objects.create(
        figures=current,
        action=action,
        comment=comment,
        changed_by=user,
        version=current.version,
    )
    audit_log(
        user=user,
        action=AuditAction(action),  # the workflow's actions are audit actions by name
        target=str(current),
        details={"figures_id": current.pk, "version": current.version, "comment": comment},
    )
    return current


def figures_submit_imported(*, figures_ids: list[int], user: User | None, comment: str) -> None:
    """Mark figures just written by an import as submitted: the import is the submission.
    Each gets a "Nộp" line in its history naming the import (`comment`); the import itself
    is one audit event (written by the caller). The caller holds the transaction. Two
    queries and one insert, whatever the number of units."""
    now = timezone.now()
    UnitFigures.objects.filter(pk__in=figures_ids, status=FiguresStatus.DRAFT).update(
        status=FiguresStatus.SUBMITTED,
        submitted_at=now,
        review_comment="",
        version=F("version") + 1,
        updated_at=now,
    )
    changed_at = adapt_datetime(now)
    user_id = user.pk if user is not None else None
    insert_rows(
        FiguresChange,
        _HISTORY_COLUMNS,
        (
            (
                pk,
                FiguresChange.Action.SUBMIT.value,
                "",
                None,
                None,
                comment[:1000],
                version,
                user_id,
                changed_at,
            )
            for pk, version in UnitFigures.objects.filter(pk__in=figures_ids).values_list(
                "pk", "version"
            )
        ),
    )


class BulkApproveRefused(FiguresError):
    """A bulk approval refused as a whole (nothing approved); `units` are those concerned."""

    def __init__(self, message: str, units: list[AdministrativeUnit]) -> None:
        self.units = units
        super().__init__(message)


def _names(figures: list[UnitFigures]) -> str:
    return ", ".join(f.unit.full_name for f in figures)


@transaction.atomic
def figures_approve_bulk(
    *, figures_ids: list[int], user: User, expected_versions: dict[int, int]
) -> list[UnitFigures]:
    """Approve several units' submitted figures at once, all or nothing: each through the
    same transition as one approval (its own history line and audit event), in one
    transaction. Refused as a whole, with the units named, when the user may not review
    one of them (nobody approves their own unit), when one is no longer submitted, or when
    one changed since the page was shown (`expected_versions`: figures id → the version
    the page showed)."""
    wanted = list(dict.fromkeys(figures_ids))
    if not wanted:
        raise BulkApproveRefused("Chưa chọn đơn vị nào để duyệt.", [])
    found = {
        f.pk: f
        for f in UnitFigures.objects.select_related("unit", "period")
        .select_for_update(of=("self",))
        .filter(pk__in=wanted)
    }
    if len(found) != len(wanted):
        raise BulkApproveRefused(
            "Một số số liệu đã chọn không còn tồn tại; chưa duyệt đơn vị nào. Hãy tải lại trang.",
            [],
        )
    chosen = [found[pk] for pk in wanted]
    if not all(user.can_see(f.unit) for f in chosen):
        # Not named: the user may not know these units.
        raise BulkApproveRefused(
            "Có đơn vị đã chọn nằm ngoài phạm vi của bạn; chưa duyệt đơn vị nào.", []
        )
    forbidden = [f for f in chosen if not user.can_review_figures(f.unit)]
    if forbidden:
        raise BulkApproveRefused(
            f"Bạn không có quyền duyệt số liệu của: {_names(forbidden)} (không ai tự duyệt "
            "số liệu của đơn vị mình). Chưa duyệt đơn vị nào.",
            [f.unit for f in forbidden],
        )
    changed = [f for f in chosen if expected_versions.get(f.pk) != f.version]
    if changed:
        raise BulkApproveRefused(
            f"Số liệu của {_names(changed)} vừa được thay đổi sau khi bạn mở trang; chưa duyệt "
            "đơn vị nào. Hãy tải lại trang, xem lại rồi duyệt.",
            [f.unit for f in changed],
        )
    not_submitted = [f for f in chosen if f.status != FiguresStatus.SUBMITTED]
    if not_submitted:
        raise BulkApproveRefused(
            f"Chỉ duyệt được số liệu đã nộp; {_names(not_submitted)} chưa ở trạng thái "
            "“Đã nộp”. Chưa duyệt đơn vị nào.",
            [f.unit for f in not_submitted],
        )
    return [
        figures_transition(
            figures=f,
            action=FiguresChange.Action.APPROVE,
            user=user,
            expected_version=f.version,
        )
        for f in chosen
    ]
