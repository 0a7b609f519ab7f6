"""The request a signed-in page receives."""

from __future__ import annotations

from django.http import HttpRequest

from units.models import User


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind @login_required: its user is a portal User, never the
    anonymous user. An annotation only; Django still builds ordinary HttpRequests."""

    user: User
