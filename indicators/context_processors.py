"""What every page's frame may offer the user, answered by indicators/access.py."""

from __future__ import annotations

from django.http import HttpRequest

from indicators.access import PortalPerms, portal_perms_for


def portal_perms(request: HttpRequest) -> dict[str, PortalPerms]:
    """`portal_perms.can_draft_dispatch` and the like, for base.html."""
    return {"portal_perms": portal_perms_for(request.user)}
