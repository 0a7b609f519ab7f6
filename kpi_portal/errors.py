"""The error pages: Vietnamese, with the reason a view gave and a way back.

Django's own handlers would pass the exception's text to the template too, but also its
English internals ("Resolver404", "No AdministrativeUnit matches the given query."); only a
reason written for the user (the views raise Http404 / PermissionDenied with a translated
sentence) is shown."""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

# Django's own messages: the class name when there is none, get_object_or_404's sentence.
_INTERNAL = re.compile(r"(Http404|Resolver404|PermissionDenied|No .* matches the given query\.)")


def _reason(exception: Exception | None) -> str:
    message = exception.args[0] if exception is not None and exception.args else ""
    if not isinstance(message, str) or _INTERNAL.fullmatch(message):
        return ""
    return str(message)


def _back(request: HttpRequest) -> str:
    """The page the user came from, if it is one of the portal's ("Quay lại")."""
    referer = request.META.get("HTTP_REFERER", "")
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if referer and allowed else ""


def _page(
    request: HttpRequest, template: str, exception: Exception | None, status: int
) -> HttpResponse:
    context = {"reason": _reason(exception), "back": _back(request)}
    return render(request, template, context, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "404.html", exception, 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "403.html", exception, 403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The reason of a bad request is Django's own (a broken header, a suspicious
    # operation), not written for the user; and the Host header may be the bad part, so
    # no "Quay lại" built from it. A request refused that early never reached the
    # authentication middleware: the page's frame shows it signed out.
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    return render(request, "400.html", {"reason": "", "back": ""}, status=400)
