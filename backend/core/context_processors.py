from django.conf import settings
from django.http import HttpRequest

from backend.accounts.roles import user_is_coordinator


def terreau(request: HttpRequest) -> dict:
    return {
        "is_coordinator": user_is_coordinator(getattr(request, "user", None)),
        "site_url": settings.SITE_URL,
    }
