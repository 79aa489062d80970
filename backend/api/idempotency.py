"""``Idempotency-Key`` for the API views: the one helper of ``backend.core.idempotency``
put around a DRF answer, and the header's description for the OpenAPI schema."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from backend.core.idempotency import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    idempotent,
    request_fingerprint,
)

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_(
        "Any unique string of at most %(max)d printable characters. A retry with the same "
        "key and the same body returns the first answer and writes nothing more; the same "
        "key with another body answers 409."
    )
    % {"max": IDEMPOTENCY_KEY_MAX_LENGTH},
)


def idempotent_response(request: Request, *, scope: str, run: Callable[[], Response]) -> Response:
    """Answer ``run()`` once per key; retries get the first answer back."""

    def write() -> tuple[int, object]:
        response = run()
        return response.status_code, response.data

    status, data = idempotent(
        scope=scope,
        key=request.headers.get("Idempotency-Key"),
        request_fingerprint=request_fingerprint(request.data),
        user=request.user,
        run=write,
    )
    return Response(data, status=status)
