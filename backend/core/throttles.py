"""Rate limits shared by a page and its API twin: one counter per account (or per IP
address for a visitor), kept in the cache, so the form and the API cannot be used to
double the allowance."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle


class AccountRateThrottle(SimpleRateThrottle):
    """A DRF throttle keyed on the account, or on the address for a visitor. Subclasses
    name their ``scope`` (a key of ``DEFAULT_THROTTLE_RATES``)."""

    def get_cache_key(self, request, view) -> str:
        user = getattr(request, "user", None)
        ident = (
            f"user-{user.pk}"
            if user is not None and user.is_authenticated
            else self.get_ident(request)
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}


class BallotRateThrottle(AccountRateThrottle):
    """Casting or replacing a ballot (the vote page and ``POST /api/v1/votes/<id>/ballot/``)."""

    scope = "ballots"


class ResolutionVoteRateThrottle(AccountRateThrottle):
    """Votes on assembly resolutions (a proxy holder votes once per member represented)."""

    scope = "resolution_votes"


def web_throttled(request: HttpRequest, throttle_class: type[AccountRateThrottle]) -> bool:
    """For a page's POST: True when the account (or address) is over its limit."""
    return not throttle_class().allow_request(request, None)


def too_many_requests_message() -> str:
    return _("Too many attempts. Please try again in a while.")


def too_many_requests_page(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", {"message": too_many_requests_message()}, status=429)
