"""Approving a whole list of submitted units at once from the figures list (/so-lieu/):
each unit still goes through the one approval step, recorded in its history and the
audit log; the list is approved as a whole or not at all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.figures import services
from indicators.models import FiguresStatus, UnitFigures
from units.http import AuthenticatedRequest
from units.models import AdministrativeUnit, User

# Each checkbox carries "<figures id>:<version shown>", so a change made after the page
# was drawn is caught as a conflict instead of being approved unseen.
FIELD = "figures"


def read_choices(post: QueryDict) -> tuple[list[int], dict[int, int]] | None:
    """The chosen figures and the version each showed, or None when a value is malformed."""
    ids: list[int] = []
    versions: dict[int, int] = {}
    for value in post.getlist(FIELD):
        pk, sep, version = value.partition(":")
        if not (sep and pk.isdigit() and version.isdigit()):
            return None
        ids.append(int(pk))
        versions[int(pk)] = int(version)
    return ids, versions


def _back(post: QueryDict) -> str:
    """Back to the list the user came from (its period and parent, read again there)."""
    query = QueryDict(mutable=True)
    for key in ("period", "parent"):
        value = post.get(key, "")
        if value:
            query[key] = str(value)
    url = reverse("indicators:figures_list")
    return f"{url}?{query.urlencode()}" if query else url


def bulk_context(
    user: User, rows: list[tuple[AdministrativeUnit, UnitFigures | None]]
) -> dict[str, object]:
    """What the list's bulk approval needs: the figures the user may approve (submitted, of
    a unit they review) and who is behind ("2 đơn vị còn nháp, 3 đơn vị chưa báo cáo")."""
    drafts = sum(1 for _unit, f in rows if f is not None and f.status == FiguresStatus.DRAFT)
    missing = sum(1 for _unit, f in rows if f is None)
    behind = []
    if drafts:
        behind.append(_("%(count)s đơn vị còn nháp") % {"count": drafts})
    if missing:
        behind.append(_("%(count)s đơn vị chưa báo cáo") % {"count": missing})
    return {
        "bulk_ids": {
            f.pk
            for unit, f in rows
            if f is not None
            and f.status == FiguresStatus.SUBMITTED
            and user.can_review_figures(unit)
        },
        "reporting_behind": ", ".join(behind),
    }


@login_required
@require_POST
def figures_approve_bulk(request: AuthenticatedRequest) -> HttpResponse:
    choices = read_choices(request.POST)
    if choices is None:
        messages.error(request, _("Yêu cầu không hợp lệ, hãy tải lại trang."))
        return redirect(_back(request.POST))
    ids, versions = choices
    try:
        approved = services.figures_approve_bulk(
            figures_ids=ids, user=request.user, expected_versions=versions
        )
    except services.FiguresError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Đã duyệt số liệu của %(count)s đơn vị: %(units)s.")
            % {"count": len(approved), "units": ", ".join(f.unit.full_name for f in approved)},
        )
    return redirect(_back(request.POST))
