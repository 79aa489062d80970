"""The one Idempotency-Key helper: replay, refusal of a reused key, rollback of errors."""

import pytest

from backend.core.errors import ApplicationError, ConflictError
from backend.core.idempotency import (
    FORM_TOKEN_REUSED,
    IDEMPOTENCY_KEY_MAX_LENGTH,
    idempotency_key_clean,
    idempotent,
    idempotent_create,
    request_fingerprint,
)
from backend.core.models import AuditEvent, IdempotencyRecord
from backend.core.services import audit_record
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db


def _writer(user, label="written"):
    def run():
        event = audit_record(actor=user, action=label)
        return 201, {"id": event.pk}

    return run


def test_same_key_and_body_replays_the_first_answer_and_writes_once(user_factory):
    # given
    user = user_factory()
    fingerprint = request_fingerprint({"b": 1, "a": [1, 2]})
    # when
    first = idempotent(
        scope="test.write", key="k-1", request_fingerprint=fingerprint, user=user, run=_writer(user)
    )
    again = idempotent(
        scope="test.write",
        key="k-1",
        request_fingerprint=request_fingerprint({"a": [1, 2], "b": 1}),
        user=user,
        run=_writer(user),
    )
    # then
    assert first == again
    assert AuditEvent.objects.filter(action="written").count() == 1


def test_same_key_with_another_body_is_a_conflict_and_writes_nothing(user_factory):
    user = user_factory()
    idempotent(
        scope="test.write",
        key="k-2",
        request_fingerprint=request_fingerprint({"a": 1}),
        user=user,
        run=_writer(user),
    )
    with pytest.raises(ConflictError) as err:
        idempotent(
            scope="test.write",
            key="k-2",
            request_fingerprint=request_fingerprint({"a": 2}),
            user=user,
            run=_writer(user, "other"),
        )
    assert err.value.code == "idempotency_key_reused"
    assert not AuditEvent.objects.filter(action="other").exists()


def test_keys_are_per_user_and_per_scope(user_factory):
    alice, bob = user_factory(), user_factory()
    fingerprint = request_fingerprint({})
    for user, scope in [(alice, "s1"), (bob, "s1"), (alice, "s2")]:
        idempotent(
            scope=scope, key="same", request_fingerprint=fingerprint, user=user, run=_writer(user)
        )
    assert AuditEvent.objects.filter(action="written").count() == 3


def test_an_error_answer_is_not_kept_and_its_writes_roll_back(user_factory):
    user = user_factory()

    def failing():
        audit_record(actor=user, action="half-done")
        return 400, {"detail": "no"}

    status, _ = idempotent(
        scope="test.write", key="k-3", request_fingerprint="f", user=user, run=failing
    )
    assert status == 400
    assert not AuditEvent.objects.filter(action="half-done").exists()
    assert not IdempotencyRecord.objects.filter(key="k-3").exists()
    # the client fixes its request and retries with the same key
    status, _ = idempotent(
        scope="test.write", key="k-3", request_fingerprint="g", user=user, run=_writer(user)
    )
    assert status == 201


def test_an_exception_rolls_back_the_record_too(user_factory):
    user = user_factory()

    def raising():
        audit_record(actor=user, action="half-done")
        raise ApplicationError("refused", code="refused")

    with pytest.raises(ApplicationError):
        idempotent(scope="test.write", key="k-4", request_fingerprint="f", user=user, run=raising)
    assert not IdempotencyRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="half-done").exists()


def test_without_a_key_it_simply_runs(user_factory):
    user = user_factory()
    for _ in range(2):
        idempotent(
            scope="test.write", key=None, request_fingerprint="f", user=user, run=_writer(user)
        )
    assert AuditEvent.objects.filter(action="written").count() == 2
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, None), ("", None), ("  ", None), (" abc ", "abc")]
)
def test_key_cleaning(raw, expected):
    assert idempotency_key_clean(raw) == expected


@pytest.mark.parametrize("raw", ["x" * (IDEMPOTENCY_KEY_MAX_LENGTH + 1), "a\nb", "a\x00b"])
def test_a_key_too_long_or_with_control_characters_is_refused(raw):
    with pytest.raises(ApplicationError) as err:
        idempotency_key_clean(raw)
    assert err.value.code == "idempotency_key_invalid"


def test_the_longest_key_is_accepted(user_factory):
    user = user_factory()
    key = "x" * IDEMPOTENCY_KEY_MAX_LENGTH
    idempotent(scope="s", key=key, request_fingerprint="f", user=user, run=_writer(user))
    assert IdempotencyRecord.objects.get().key == key


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_write_once_and_answer_the_same(user_factory):
    user = user_factory()

    def attempt():
        return idempotent(
            scope="test.race",
            key="race",
            request_fingerprint="f",
            user=user,
            run=_writer(user, "raced"),
        )

    results = run_concurrently([attempt] * 8)
    assert all(not isinstance(result, Exception) for result in results), results
    assert len({(status, data["id"]) for status, data in results}) == 1
    assert AuditEvent.objects.filter(action="raced").count() == 1


def test_idempotent_create_gives_the_first_row_back_and_refuses_other_values(user_factory):
    # a service that makes one row, called as a form would (its token as the key)
    user, other_user = user_factory(), user_factory()

    def call(action, *, actor=user, reused_message=None):
        return idempotent_create(
            scope="test.form",
            key="token-1",
            user=actor,
            model=AuditEvent,
            create=audit_record,
            values={"actor": actor, "action": action, "target": other_user},
            reused_message=reused_message,
        )

    first = call("form.sent")
    assert call("form.sent") == first  # a double click: the first row, nothing more
    assert AuditEvent.objects.filter(action="form.sent").count() == 1
    with pytest.raises(ConflictError) as err:
        call("form.changed", reused_message=FORM_TOKEN_REUSED)
    assert (err.value.code, err.value.message) == ("idempotency_key_reused", FORM_TOKEN_REUSED)
    assert not AuditEvent.objects.filter(action="form.changed").exists()
    # the same token from someone else is their own
    assert call("form.sent", actor=other_user) != first
    # rows in the values count by table and id: another target is other values
    assert request_fingerprint({"target": user}) != request_fingerprint({"target": other_user})
