"""The upgrade that moves the keys of time transfers and fund allocations from their rows
to the one idempotency table: a form's token, or an API client's key, given before it
still brings its transfer or allocation back after it, and the demo's keys are dropped
(the seeder finds its rows by their content) — checked through Django's migration
executor on a database taken back to before the change."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from backend.core.models import IdempotencyRecord
from marketplace.models import Fund, FundAllocation, TimeTransfer
from marketplace.selectors.ledger import ledger_integrity_problems
from marketplace.services.funds import ALLOCATION_SCOPE_FORM
from marketplace.services.ledger import (
    TRANSFER_SCOPE_FORM,
    time_account_for_member,
    time_account_for_user,
)
from tests.factories import MembershipFactory

BEFORE = [
    ("core", "0006_idempotency_guest_keys"),
    ("marketplace", "0010_merge_keys_and_project_needs"),
]


def _upgrade() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_apps():
    """The database taken back to before the upgrade, and its models as they were then
    (with their key columns). Rows are inserted, never updated: on PostgreSQL the ledger
    and the money history refuse updates."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    return executor.loader.project_state(BEFORE).apps


def _old_transfer(apps, *, actor, payer, payee, minutes, key):
    """A transfer written as the old service wrote it: balances moved, key on the row."""
    accounts = apps.get_model("marketplace", "TimeAccount").objects
    source, target = accounts.get(pk=payer.pk), accounts.get(pk=payee.pk)
    accounts.filter(pk=source.pk).update(balance_minutes=source.balance_minutes - minutes)
    accounts.filter(pk=target.pk).update(balance_minutes=target.balance_minutes + minutes)
    return apps.get_model("marketplace", "TimeTransfer").objects.create(
        payer_id=source.pk,
        payee_id=target.pk,
        minutes=minutes,
        memo="",
        payer_balance_after=source.balance_minutes - minutes,
        payee_balance_after=target.balance_minutes + minutes,
        created_by_id=actor.pk,
        idempotency_key=key,
    )


@pytest.mark.django_db(transaction=True)
def test_keys_on_the_rows_become_first_answers_of_the_one_table(
    member, coordinator, project, paid_contribution_factory
):
    mine = time_account_for_user(user=member)
    other = time_account_for_member(membership=MembershipFactory())
    paid_contribution_factory(amount_cents=10_000)
    fund = Fund.objects.get(project=None)
    # given the database as it was, the keys on the rows
    apps = _old_apps()
    form, api, demo, unkeyed = (
        _old_transfer(apps, actor=member, payer=mine, payee=other, minutes=10 + n, key=key)
        for n, key in enumerate(["form-tok-1", "client-key-2", "demo-transfer-0", None])
    )
    allocation = apps.get_model("marketplace", "FundAllocation").objects.create(
        fund_id=fund.pk,
        project_id=project.pk,
        amount_cents=1_000,
        allocated_on=timezone.localdate(),
        created_by_id=coordinator.pk,
        idempotency_key="form-tok-3",
    )

    # when the upgrade runs
    _upgrade()

    # then each key is the first answer of its row, filed as the services file them
    records = {
        (r.user_id, r.scope, r.key): (r.fingerprint, r.status_code, r.response)
        for r in IdempotencyRecord.objects.all()
    }
    assert records == {
        (member.pk, TRANSFER_SCOPE_FORM, "tok-1"): ("", 201, {"id": form.pk}),
        (member.pk, "marketplace.transfer", "client-key-2"): ("", 201, {"id": api.pk}),
        (coordinator.pk, ALLOCATION_SCOPE_FORM, "tok-3"): ("", 201, {"id": allocation.pk}),
    }
    assert {demo.pk, unkeyed.pk}.isdisjoint(a["id"] for *_rest, a in records.values())
    assert not hasattr(TimeTransfer(), "idempotency_key")
    assert not hasattr(FundAllocation(), "idempotency_key")
    assert ledger_integrity_problems() == []


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_again_across_the_upgrade_gives_its_hours_once(client, member):
    mine = time_account_for_user(user=member)
    other = time_account_for_member(membership=MembershipFactory())
    first = _old_transfer(
        _old_apps(), actor=member, payer=mine, payee=other, minutes=75, key="form-tok"
    )
    _upgrade()

    client.force_login(member)
    payload = {
        "to": f"m{other.owner_member_id}",
        "hours": 1,
        "minutes": 15,
        "memo": "",
        "idempotency_token": "tok",
    }
    assert client.post("/heures/donner/", payload).status_code == 302
    assert list(TimeTransfer.objects.values_list("pk", flat=True)) == [first.pk]
    other.refresh_from_db()
    assert other.balance_minutes == 75
    assert ledger_integrity_problems() == []
