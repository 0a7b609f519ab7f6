"""django-axes' database handler, plus the audit log for lockouts lifted with axes' reset
commands (``axes_reset``, ``axes_reset_username``, ``axes_reset_ip``,
``axes_reset_ip_username``) or ``axes.utils.reset``.

``reset_attempts`` is the one method those paths share; axes' own clean-ups (expired
attempts, the reset after a successful login) go through other methods and are not logged
as lifts. Lifting a lockout in the admin is logged by the admin (units/admin.py)."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.db import transaction

from units.audit.services import audit_lockout_lifted


class AuditedAxesHandler(AxesDatabaseHandler):
    def reset_attempts(
        self,
        *,
        ip_address: str | None = None,
        username: str | None = None,
        ip_or_username: bool = False,
    ) -> int:
        # Which attempts go is axes' business (its filters are reused, not copied): the
        # rows before and after tell which lockouts were lifted.
        with transaction.atomic():
            before = {
                attempt.pk: attempt
                for attempt in AccessAttempt.objects.select_for_update().order_by("pk")
            }
            count = super().reset_attempts(
                ip_address=ip_address, username=username, ip_or_username=ip_or_username
            )
            remaining = set(AccessAttempt.objects.values_list("pk", flat=True))
            for pk, attempt in before.items():
                if pk in remaining:
                    continue
                audit_lockout_lifted(attempt=attempt, via="axes reset")
        return count
