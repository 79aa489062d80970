"""One JSON error shape for the whole API: ``{"detail", "code", "errors"}``."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.core.errors import ApplicationError

_DEFAULT_MESSAGES = {
    400: (gettext_lazy("Your request could not be understood."), "bad_request"),
    403: (gettext_lazy("You do not have permission to perform this action."), "permission_denied"),
    404: (gettext_lazy("Not found."), "not_found"),
    500: (
        gettext_lazy("An unexpected error occurred. The team has been notified."),
        "server_error",
    ),
    503: (
        gettext_lazy(
            "The service cannot reach its database for a moment. Nothing was recorded: "
            "please try again shortly."
        ),
        "database_unavailable",
    ),
}


def json_error_response(status_code: int, code: str) -> JsonResponse:
    message, _code = _DEFAULT_MESSAGES[status_code]
    response = JsonResponse(
        {"detail": str(message), "code": code, "errors": {}}, status=status_code
    )
    if status_code == 503:
        response["Retry-After"] = "30"
    return response


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for field, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    out[f"{field}.{sub}"] = messages
            elif isinstance(value, list):
                flat: list[str] = []
                for item in value:
                    if isinstance(item, dict):
                        for sub, messages in _flatten(item).items():
                            out[f"{field}.{sub}"] = messages
                    else:
                        flat.append(str(item))
                if flat:
                    out[field] = flat
            else:
                out[field] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(
            {"detail": exc.message, "code": exc.code, "errors": exc.errors},
            status=exc.status_code,
        )
    if isinstance(exc, DjangoValidationError):
        errors = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.values()), [_("Invalid input.")])[0]
        field = next(iter(errors), "")
        detail = first if field in ("", "non_field_errors") else f"{field}: {first}"
        response.data = {"detail": detail, "code": "invalid", "errors": errors}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        if isinstance(detail, (list, dict)):
            response.data = {
                "detail": _("Invalid request."),
                "code": code,
                "errors": _flatten(detail),
            }
        else:
            response.data = {"detail": str(detail), "code": code, "errors": {}}
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response.data["code"] = "throttled"
    return response
