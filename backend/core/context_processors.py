import rules
from django.conf import settings
from django.http import HttpRequest

from backend.core.permissions import COORDINATE


def _coordinates(user) -> bool:
    # The rule itself (not User.has_perm): a page does not pay the model backend's queries.
    return user is not None and rules.has_perm(COORDINATE, user)


def terreau(request: HttpRequest) -> dict:
    return {
        "is_coordinator": _coordinates(getattr(request, "user", None)),
        "site_url": settings.SITE_URL,
    }
