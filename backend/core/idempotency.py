"""One way to make a write safe to retry: the ``Idempotency-Key`` of a client.

The record of the key and the write it protects commit in the same transaction, so
there is no moment where one exists without the other:

- same user, scope and key, same request body → the first answer, nothing written again;
- same key, another body → 409 ``idempotency_key_reused``, nothing written;
- two concurrent requests with the same key → one write: the second request's insert of
  the key waits on the unique index until the first commits, then replays its answer
  (or, if the first rolled back, runs itself).

An HTML form protects a double submit the same way: its hidden token is the key (scope
``<app>.<thing>.form``) and ``FORM_TOKEN_REUSED`` the refusal a person reads.

A guest (no account) is ``user=None``: its ``scope`` must then name who sent the request
(``marketplace`` files a guest contribution under a digest of the e-mail address it gives),
so that one guest's key never answers another's request.

Answers that are errors (status ≥ 400) are not kept and their writes are rolled back, so
a client may fix its request and retry with the same key.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from backend.core.errors import ApplicationError, ConflictError
from backend.core.models import IdempotencyRecord

IDEMPOTENCY_KEY_MAX_LENGTH = 255
# What a person reads when a form's token comes back with other values (the page was
# sent, then changed and sent again from the browser's history).
FORM_TOKEN_REUSED = _(
    "This form was already sent with other values. Reload the page to fill in a new one."
)
# A record waiting for its answer: only ever seen inside its own transaction.
_PENDING = 0


def idempotency_key_clean(raw: str | None) -> str | None:
    """The key as sent (surrounding spaces removed), ``None`` when absent; a key longer
    than ``IDEMPOTENCY_KEY_MAX_LENGTH`` or with control characters is refused (400)."""
    key = (raw or "").strip()
    if not key:
        return None
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable():
        raise ApplicationError(
            _("The Idempotency-Key header must be at most %(max)d printable characters.")
            % {"max": IDEMPOTENCY_KEY_MAX_LENGTH},
            code="idempotency_key_invalid",
        )
    return key


def _json_default(value: Any) -> str:
    if isinstance(value, models.Model):  # a row of a service's call: its table and id
        return f"{value._meta.label_lower}:{value.pk}"
    name, size = getattr(value, "name", None), getattr(value, "size", None)
    if name is not None and size is not None:  # an uploaded file: its name and size
        return f"file:{name}:{size}"
    return str(value)


def request_fingerprint(data: Any) -> str:
    """A stable digest of a request's body, or of a service call's values (dicts in any key
    order give the same one; a row counts by its table and id)."""
    if hasattr(data, "lists"):  # a QueryDict from a form or multipart body
        data = dict(data.lists())
    canonical = json.dumps(
        data, sort_keys=True, separators=(",", ":"), default=_json_default, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(
    *,
    scope: str,
    key: str | None,
    request_fingerprint: str,
    user,
    run: Callable[[], tuple[int, Any]],
    reused_message: str | None = None,
) -> tuple[int, Any]:
    """Run ``run()`` (which writes and returns ``(status, json-able answer)``) at most once
    per ``(user, scope, key)``; without a key it simply runs, in a transaction. ``user`` is
    ``None`` for a guest, never an anonymous user (whose keys would be everyone's).
    ``reused_message`` replaces the API's wording of the 409 (``FORM_TOKEN_REUSED``)."""
    if user is not None and not user.is_authenticated:
        raise ValueError("A guest's key is filed under user=None and a scope that names them.")
    key = idempotency_key_clean(key)
    with transaction.atomic():
        if key is None:
            status, data = run()
            if status >= 400:
                transaction.set_rollback(True)
            return status, data
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user,
                    scope=scope,
                    key=key,
                    fingerprint=request_fingerprint,
                    status_code=_PENDING,
                    response=None,
                )
        except IntegrityError:
            # Another request with this key has committed (PostgreSQL made this insert
            # wait for it): answer what it answered.
            done = IdempotencyRecord.objects.get(user=user, scope=scope, key=key)
            if done.fingerprint and done.fingerprint != request_fingerprint:
                raise ConflictError(
                    reused_message
                    or _("This Idempotency-Key was already used for a different request."),
                    code="idempotency_key_reused",
                ) from None
            return done.status_code, done.response
        status, data = run()
        if status >= 400:
            # Not an answer to keep: forget the key and whatever the attempt wrote.
            transaction.set_rollback(True)
            return status, data
        IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=status, response=data)
        return status, data


def idempotent_create(
    *,
    scope: str,
    key: str | None,
    user,
    model: type[models.Model],
    create: Callable[..., models.Model],
    values: dict[str, Any],
    reused_message: str | None = None,
) -> models.Model:
    """``create(**values)`` made safe to retry with ``key`` (``idempotent`` around a
    service that makes one row): the same key and values give the first row back, the key
    with other values is a 409, two at once make one row. The values' digest leaves out
    ``actor``, whose keys are filed under ``user`` anyway."""

    def record() -> tuple[int, dict]:
        return 201, {"id": create(**values).pk}

    _status, first = idempotent(
        scope=scope,
        key=key,
        request_fingerprint=request_fingerprint({**values, "actor": None}),
        user=user,
        run=record,
        reused_message=reused_message,
    )
    return model.objects.get(pk=first["id"])
