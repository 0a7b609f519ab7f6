"""Authentication backends."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_lockout_message
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from units.audit.request import client_ip


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with a request.

    Every login over HTTP (the login page, the admin) passes the request, so the lockout
    applies to all of them. Calls without one (``Client.login`` in tests, a shell) have no
    address to count failures against: axes would refuse them outright, we leave them to
    the next backend instead.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        if address_failures(request) >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS:
            # The same refusal as axes' own lock: its middleware shows the lockout page.
            request.axes_locked_out = True  # type: ignore[attr-defined]
            kwargs.get("response_context", {})["error"] = get_lockout_message()
            raise AxesBackendPermissionDenied("Too many failures from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address, over every username, within the cool-off:
    the per-(username, address) lock of axes does not see a spray over many usernames."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    address = client_ip(request)
    rows = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return rows.aggregate(total=Sum("failures_since_start"))["total"] or 0
