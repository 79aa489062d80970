from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token

from backend.core.dashboard import dashboard_panels_for

# The areas of the platform, in the order the home page presents them. An area whose
# page is not installed yet is listed without a link.
_AREAS = [
    (
        "pioneers:directory",
        _("Pioneers"),
        _("Discover the citizen solutions near you on the map and in the directory."),
    ),
    (
        "projects:list",
        _("Common projects"),
        _("Propose a project for the common good, say if it concerns you, follow its progress."),
    ),
    (
        "governance:vote_list",
        _("Votes"),
        _("Choose together, by majority judgment, the common project the cooperative pursues."),
    ),
    (
        "marketplace:listing_list",
        _("Marketplace"),
        _("Offer and request skills and hours: one hour given is one hour received."),
    ),
    (
        "marketplace:funds",
        _("Free-price contributions"),
        _(
            "Support the cooperative or a project at the price you choose, and see where money goes."
        ),
    ),
    (
        "governance:dashboard",
        _("Members"),
        _("Colleges, shares, the charter and general assemblies of the cooperative."),
    ),
]


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def home(request: HttpRequest) -> HttpResponse:
    areas = [
        {"url": _url_or_none(name), "title": title, "text": text} for name, title, text in _AREAS
    ]
    return render(request, "core/home.html", {"areas": areas})


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The member dashboard: each app's panel (backend/core/dashboard.py)."""
    return render(request, "core/dashboard.html", {"panels": dashboard_panels_for(request.user)})


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        from backend.api.errors import json_error_response

        return json_error_response(404, "not_found")
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        from backend.api.errors import json_error_response

        return json_error_response(500, "server_error")
    return render(request, "500.html", status=500)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        from backend.api.errors import json_error_response

        return json_error_response(403, "permission_denied")
    return render(request, "403.html", status=403)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        from backend.api.errors import json_error_response

        return json_error_response(400, "bad_request")
    return render(request, "400.html", status=400)
