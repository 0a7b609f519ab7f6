"""The audit log: one function that records who did what, when and from where."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from units.audit.request import client_ip, current_request
from units.models import (
    AuditAction,
    AuditEvent,
    User,
)

if TYPE_CHECKING:
    from axes.models import AccessAttempt


# Outside a request (a management command, the shell) there is no user and no address:
# the event says where it came from instead.
COMMAND_LINE = "(dòng lệnh)"


def audit_log(
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Record who did what, when and from where.

    ``request`` defaults to the request being served (AuditRequestMiddleware), so a service
    called from a view logs the address without being handed the request; ``user`` defaults
    to that request's authenticated user; with neither, the event is marked as coming from
    the command line. Inside a transaction the event commits or rolls
    back with the change it describes.
    """
    request = request if request is not None else current_request()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if not username:
        if user is not None:
            username = user.get_username()
        elif request is None:
            username = COMMAND_LINE
    return AuditEvent.objects.create(
        user=user,
        username=username[:150],
        ip_address=client_ip(request),
        action=action,
        target=str(target)[:300],
        details=details or {},
    )


def audit_lockout_lifted(
    *, attempt: AccessAttempt, request: HttpRequest | None = None, via: str = ""
) -> AuditEvent:
    """A lockout lifted by an administrator (in the admin, or by axes' reset commands):
    whose, from which address it was locked, after how many failures."""
    details: dict[str, Any] = {
        "ip_address": attempt.ip_address,
        "failures": attempt.failures_since_start,
    }
    if via:
        details["via"] = via
    return audit_log(
        request=request,
        action=AuditAction.LOGIN_UNLOCK,
        target=attempt.username or "",
        details=details,
    )
