"""The upgrade that moves the keys of contributions from their rows to the one
idempotency table: a key given before it (by a guest's API client, a signed-in person's
form, a guest's form) still brings its contribution back after it — checked through
Django's migration executor on a database taken back to before the change."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from backend.core.models import IdempotencyRecord
from marketplace.models import Contribution
from marketplace.services.contributions import (
    IDEMPOTENCY_SCOPE_API,
    IDEMPOTENCY_SCOPE_FORM,
    contribution_start,
    guest_idempotency_scope,
)

BEFORE = [
    ("core", "0005_sent_email_replaced_by_outbox"),
    ("marketplace", "0008_merge_listing_territory"),
]
OLD_GUEST_SCOPE = "guest:" + "ab" * 32  # the old rows': a full sha256 of the address


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_keys_on_the_rows_become_first_answers_of_the_one_table(member):
    guest_api, member_form, guest_form, unkeyed = (
        contribution_start(
            actor=None, project=None, amount_cents=1_000 + n, card=False, email="ami@example.org"
        )
        for n in range(4)
    )
    # given the database as it was, the keys on the contributions' rows
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    rows = old.get_model("marketplace", "Contribution").objects
    rows.filter(pk=guest_api.pk).update(idempotency_scope=OLD_GUEST_SCOPE, idempotency_key="k-1")
    rows.filter(pk=member_form.pk).update(
        idempotency_scope=f"user:{member.pk}", idempotency_key="form-tok-2"
    )
    rows.filter(pk=guest_form.pk).update(
        idempotency_scope=OLD_GUEST_SCOPE, idempotency_key="form-tok-3"
    )

    # when the upgrade runs
    executor = MigrationExecutor(connection)
    executor.migrate(_latest(executor))

    # then each key is the first answer of its contribution, filed as the code files it
    guest = "ab" * 20
    records = {
        (r.user_id, r.scope, r.key): (r.status_code, r.response)
        for r in IdempotencyRecord.objects.all()
    }
    assert records == {
        (None, f"{IDEMPOTENCY_SCOPE_API}:guest:{guest}", "k-1"): (201, {"id": guest_api.pk}),
        (member.pk, IDEMPOTENCY_SCOPE_FORM, "tok-2"): (201, {"id": member_form.pk}),
        (None, f"{IDEMPOTENCY_SCOPE_FORM}:guest:{guest}", "tok-3"): (201, {"id": guest_form.pk}),
    }
    assert unkeyed.pk not in {answer["id"] for _status, answer in records.values()}
    assert not hasattr(Contribution(), "idempotency_key")


@pytest.mark.django_db(transaction=True)
def test_a_guest_retry_across_the_upgrade_gets_its_contribution_back():
    email = "ami@example.org"
    first = contribution_start(
        actor=None, project=None, amount_cents=1_500, card=False, email=email
    )
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("marketplace", "Contribution").objects.filter(pk=first.pk).update(
        idempotency_scope="guest:" + guest_idempotency_scope("", email).split(":")[-1],
        idempotency_key="retry-1",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(_latest(executor))

    body = {"target": {"type": "cooperative"}, "amount_cents": 1_500, "currency": "EUR"}
    retry = APIClient().post(
        "/api/v1/contributions/", body | {"email": email}, format="json",
        HTTP_IDEMPOTENCY_KEY="retry-1",
    )  # fmt: skip
    assert (retry.status_code, retry.json()["id"]) == (201, first.pk)
    assert Contribution.objects.count() == 1
