import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils import translation

logger = logging.getLogger(__name__)

# A lost or refused connection (server restarting, network cut, too many clients): the
# request cannot be served, but it is not a bug in the platform. Integrity and
# programming errors are bugs and stay 500s.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

_SUPPORTED = {code for code, _ in settings.LANGUAGES}


class FrenchFirstLocaleMiddleware:
    """French unless the visitor chose English: the cookie set by the language switch
    (``/i18n/setlang/``) or ``?lang=en`` decide, never the browser's Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.GET.get("lang") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in _SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        translation.deactivate()
        return response


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_UNAVAILABLE) and isinstance(exc, DatabaseError)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503, as JSON under /api/ and as a page elsewhere. The page uses no context
    processor and no database: it renders while the database is away."""
    if request.path.startswith("/api/"):
        from backend.api.errors import json_error_response

        return json_error_response(503, "database_unavailable")
    from django.template.loader import render_to_string

    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database connection lost during a view into a clean 503. Services write
    inside ``transaction.atomic``: the error rolls the whole write back, so the member
    can simply retry. (An error after the view, in another middleware, reaches the
    500 handler, which answers the same 503.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        logger.error("Database unavailable during %s %s", request.method, request.path,
                     exc_info=exception)  # fmt: skip
        return database_unavailable_response(request)
