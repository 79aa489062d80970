"""The time ledger's rules: accounts, transfers, reversals, limits and the check."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from backend.core.errors import ConflictError
from backend.core.idempotency import FORM_TOKEN_REUSED
from backend.core.models import AuditEvent, IdempotencyRecord
from marketplace.errors import MarketplaceError
from marketplace.models import TimeAccount, TimeAccountKind, TimeTransfer
from marketplace.selectors.ledger import (
    ledger_integrity_problems,
    ledger_totals,
    time_account_monthly_totals,
    time_transfer_statement,
)
from marketplace.services.ledger import (
    TRANSFER_SCOPE_FORM,
    time_account_cooperative,
    time_account_for_member,
    time_account_for_project,
    time_account_limit_set,
    time_transfer_create,
    time_transfer_create_once,
    time_transfer_reverse,
)
from tests.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return time_account_for_member(membership=MembershipFactory())


@pytest.fixture
def bob():
    return time_account_for_member(membership=MembershipFactory())


def _balances(*accounts):
    return [TimeAccount.objects.get(pk=a.pk).balance_minutes for a in accounts]


def test_a_member_account_is_created_once_with_the_default_limit():
    membership = MembershipFactory()
    first = time_account_for_member(membership=membership)
    again = time_account_for_member(membership=membership)
    assert first.pk == again.pk
    assert (first.kind, first.balance_minutes, first.credit_limit_minutes) == ("member", 0, 1200)


def test_a_candidate_has_no_account():
    with pytest.raises(MarketplaceError) as err:
        time_account_for_member(membership=MembershipFactory(status="candidate", number=None))
    assert err.value.code == "not_member"
    assert not TimeAccount.objects.exists()


def test_project_and_cooperative_accounts_start_without_credit():
    project_account = time_account_for_project(project=ProjectFactory())
    cooperative = time_account_cooperative()
    assert time_account_cooperative().pk == cooperative.pk
    assert project_account.credit_limit_minutes == cooperative.credit_limit_minutes == 0
    assert cooperative.kind == TimeAccountKind.COOPERATIVE


def test_a_second_cooperative_account_is_refused_by_the_database():
    time_account_cooperative()
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeAccount.objects.create(kind=TimeAccountKind.COOPERATIVE)


def test_an_account_whose_owner_does_not_match_its_kind_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeAccount.objects.create(kind=TimeAccountKind.PROJECT)


def test_a_transfer_moves_minutes_and_records_running_balances(alice, bob):
    # when
    transfer = time_transfer_create(
        actor=alice.owner_member.user, payer=alice, payee=bob, minutes=90, memo="Jardinage"
    )
    # then
    assert _balances(alice, bob) == [-90, 90]
    assert (transfer.payer_balance_after, transfer.payee_balance_after) == (-90, 90)
    assert transfer.created_by == alice.owner_member.user
    assert AuditEvent.objects.filter(action="time.transfer", target_id=str(transfer.pk)).exists()
    assert ledger_integrity_problems() == []


def test_a_transfer_over_the_credit_limit_moves_nothing(alice, bob):
    time_account_limit_set(actor=None, account=alice, credit_limit_minutes=60)
    with pytest.raises(MarketplaceError) as err:
        time_transfer_create(actor=None, payer=alice, payee=bob, minutes=61)
    assert (err.value.code, err.value.status_code) == ("credit_limit", 409)
    assert _balances(alice, bob) == [0, 0]
    assert not TimeTransfer.objects.exists()


def test_a_transfer_up_to_the_limit_is_accepted(alice, bob):
    time_transfer_create(actor=None, payer=alice, payee=bob, minutes=1200)
    assert _balances(alice, bob) == [-1200, 1200]


def test_a_transfer_to_oneself_is_refused(alice):
    with pytest.raises(MarketplaceError) as err:
        time_transfer_create(actor=None, payer=alice, payee=alice, minutes=10)
    assert (err.value.code, err.value.status_code) == ("self_transfer", 400)
    assert not TimeTransfer.objects.exists()


@pytest.mark.parametrize("minutes", [0, -5, 1.5, "10", True, 100_001])
def test_invalid_minutes_are_refused(alice, bob, minutes):
    with pytest.raises(MarketplaceError) as err:
        time_transfer_create(actor=None, payer=alice, payee=bob, minutes=minutes)
    assert err.value.code == "invalid_minutes"
    assert _balances(alice, bob) == [0, 0]
    assert not TimeTransfer.objects.exists()


def _once(actor, payer, payee, minutes, key, **extra):
    return time_transfer_create_once(
        scope=TRANSFER_SCOPE_FORM,
        key=key,
        actor=actor,
        payer=payer,
        payee=payee,
        minutes=minutes,
        **extra,
    )


def test_a_retry_with_the_same_key_returns_the_first_transfer(alice, bob):
    actor = alice.owner_member.user
    first = _once(actor, alice, bob, 30, "k1")
    again = _once(actor, alice, bob, 30, "k1")
    assert again.pk == first.pk
    assert TimeTransfer.objects.count() == 1
    assert _balances(alice, bob) == [-30, 30]


def test_the_same_key_with_another_transfer_is_refused_and_writes_nothing(alice, bob):
    actor = alice.owner_member.user
    _once(actor, alice, bob, 30, "k1")
    with pytest.raises(ConflictError) as err:
        _once(actor, alice, bob, 45, "k1", reused_message=FORM_TOKEN_REUSED)
    assert (err.value.code, err.value.message) == ("idempotency_key_reused", FORM_TOKEN_REUSED)
    assert TimeTransfer.objects.count() == 1
    assert _balances(alice, bob) == [-30, 30]


def test_a_refused_transfer_leaves_its_key_free_for_the_corrected_one(alice, bob):
    actor = alice.owner_member.user
    with pytest.raises(MarketplaceError) as err:
        _once(actor, alice, bob, 1_201, "k1")  # beyond the 20 h credit limit
    assert err.value.code == "credit_limit"
    assert not IdempotencyRecord.objects.exists()
    assert _once(actor, alice, bob, 60, "k1").minutes == 60
    assert _balances(alice, bob) == [-60, 60]


def test_the_same_key_from_another_person_is_another_transfer(alice, bob):
    _once(alice.owner_member.user, alice, bob, 30, "k")
    _once(bob.owner_member.user, bob, alice, 10, "k")
    assert TimeTransfer.objects.count() == 2
    assert _balances(alice, bob) == [-20, 20]


def test_a_reversal_moves_the_minutes_back_once(alice, bob):
    transfer = time_transfer_create(actor=None, payer=alice, payee=bob, minutes=45)
    reversal = time_transfer_reverse(actor=None, transfer=transfer)
    assert (reversal.payer_id, reversal.payee_id, reversal.reverses_id) == (
        bob.pk,
        alice.pk,
        transfer.pk,
    )
    assert _balances(alice, bob) == [0, 0]
    with pytest.raises(MarketplaceError) as err:
        time_transfer_reverse(actor=None, transfer=transfer)
    assert err.value.code == "already_reversed"
    with pytest.raises(MarketplaceError) as err:
        time_transfer_reverse(actor=None, transfer=reversal)
    assert err.value.code == "reversal_of_reversal"
    assert TimeTransfer.objects.count() == 2
    assert ledger_integrity_problems() == []


def test_a_reversal_beyond_the_payees_limit_moves_nothing(alice, bob):
    transfer = time_transfer_create(actor=None, payer=alice, payee=bob, minutes=60)
    carol = time_account_for_member(membership=MembershipFactory())
    time_account_limit_set(actor=None, account=bob, credit_limit_minutes=0)
    time_transfer_create(actor=None, payer=bob, payee=carol, minutes=60)
    with pytest.raises(MarketplaceError) as err:
        time_transfer_reverse(actor=None, transfer=transfer)
    assert err.value.code == "credit_limit"
    assert _balances(alice, bob, carol) == [-60, 0, 60]


def test_a_limit_below_what_is_owed_is_refused(alice, bob, coordinator):
    time_transfer_create(actor=None, payer=alice, payee=bob, minutes=300)
    with pytest.raises(MarketplaceError) as err:
        time_account_limit_set(actor=coordinator, account=alice, credit_limit_minutes=200)
    assert err.value.code == "limit_below_balance"
    assert TimeAccount.objects.get(pk=alice.pk).credit_limit_minutes == 1200
    time_account_limit_set(actor=coordinator, account=alice, credit_limit_minutes=300)
    assert TimeAccount.objects.get(pk=alice.pk).credit_limit_minutes == 300
    event = AuditEvent.objects.get(action="time.limit_set")
    assert (event.actor, event.data) == (coordinator, {"from": 1200, "to": 300})


def test_the_database_refuses_a_balance_below_the_limit(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeAccount.objects.filter(pk=alice.pk).update(balance_minutes=-1201)


def test_statement_and_monthly_totals(alice, bob):
    time_transfer_create(actor=None, payer=alice, payee=bob, minutes=60)
    time_transfer_create(actor=None, payer=bob, payee=alice, minutes=15)
    rows = list(time_transfer_statement(account=alice))
    assert [(r.signed_minutes, r.balance_after) for r in rows] == [(15, -45), (-60, -60)]
    [month] = time_account_monthly_totals(account=alice)
    assert (month.received_minutes, month.given_minutes, month.net_minutes) == (15, 60, -45)


def test_the_cached_ledger_totals_follow_every_transfer_reversal_and_new_account(alice, bob):
    first = time_transfer_create(actor=None, payer=alice, payee=bob, minutes=60)
    assert ledger_totals() == {"minutes": 60, "transfers": 1, "active_members": 2, "accounts": 2}
    time_transfer_create(actor=None, payer=bob, payee=alice, minutes=15)
    assert ledger_totals()["minutes"] == 75
    time_transfer_reverse(actor=None, transfer=first)
    assert ledger_totals()["minutes"] == 15
    time_account_for_member(membership=MembershipFactory())
    assert ledger_totals()["accounts"] == 3


def test_ledger_check_passes_then_reports_a_tampered_balance(alice, bob):
    time_transfer_create(actor=None, payer=alice, payee=bob, minutes=60)
    call_command("ledger_check")
    TimeAccount.objects.filter(pk=bob.pk).update(balance_minutes=61)
    assert len(ledger_integrity_problems()) == 2  # the sum, and bob's history
    with pytest.raises(CommandError) as err:
        call_command("ledger_check")
    assert err.value.returncode == 1


@pytest.mark.postgres
def test_postgresql_refuses_to_update_or_delete_a_transfer(alice, bob):
    assert connection.vendor == "postgresql"
    transfer = time_transfer_create(actor=None, payer=alice, payee=bob, minutes=60)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        TimeTransfer.objects.filter(pk=transfer.pk).update(minutes=1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        TimeTransfer.objects.filter(pk=transfer.pk).delete()
    assert TimeTransfer.objects.get(pk=transfer.pk).minutes == 60


def test_demo_data_seeds_the_ledger_once():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    count = TimeTransfer.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert TimeTransfer.objects.count() == count >= 5
    assert ledger_integrity_problems() == []


def test_the_nightly_check_counts_the_differences(alice, bob):
    from marketplace.tasks.ledger import ledger_check_periodic

    time_transfer_create(actor=None, payer=alice, payee=bob, minutes=5)
    assert ledger_check_periodic.delay().get() == 0
    TimeAccount.objects.filter(pk=bob.pk).update(balance_minutes=6)
    assert ledger_check_periodic.delay().get() == 2
