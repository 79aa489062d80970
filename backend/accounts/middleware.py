from collections.abc import Callable

import rules
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from backend.core.permissions import COORDINATE

# Paths a coordinator without two-factor may still reach: the pages to set it up,
# logging out, static files, the health check and the language switch.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/media/")


class CoordinatorTwoFactorMiddleware:
    """In production, a coordinator must activate TOTP before doing anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.TERREAU_REQUIRE_COORDINATOR_2FA
            and rules.has_perm(COORDINATE, request.user)
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not request.path.startswith("/api/")
            and not _has_totp(request.user)
        ):
            messages.warning(
                request,
                _("As a coordinator you must turn on two-factor authentication first."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
