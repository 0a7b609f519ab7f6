"""Account pages: changing one's own password, the lockout page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone

from units.audit.services import audit_log
from units.models import AuditAction


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view (old password, new one twice, the password validators). Django keeps
    this session and every other session of the user stops being valid, since they carry
    the hash of the old password."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        audit_log(request=self.request, user=form.user, action=AuditAction.PASSWORD_CHANGE)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE), in Vietnamese, with the time at
    which the user may try again."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = retry_at = None
    if isinstance(cooloff, dt.timedelta):
        minutes = max(1, round(cooloff.total_seconds() / 60))
        retry_at = timezone.localtime(timezone.now() + cooloff)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
        "retry_at": retry_at,
    }
    return render(request, "axes_lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
