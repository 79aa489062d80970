"""Retries sent at the same instant with one idempotency key write once (PostgreSQL):
time transfers and fund allocations through their ``…_once`` services on the kit's
``idempotent`` (the HTML forms' tokens), with the same request or — a confused client —
the same key on other accounts or funds, which must get the first answer or a clear 409,
never a database error."""

import pytest
from django.db import transaction
from django.utils import timezone

from backend.core.errors import ConflictError
from backend.core.models import IdempotencyRecord
from marketplace.errors import MarketplaceError
from marketplace.models import Contribution, Fund, FundAllocation, TimeAccount, TimeTransfer
from marketplace.selectors.ledger import ledger_integrity_problems
from marketplace.services.contributions import contribution_refund_apply
from marketplace.services.funds import (
    ALLOCATION_SCOPE_FORM,
    fund_allocation_create,
    fund_allocation_create_once,
    funds_integrity_problems,
)
from marketplace.services.ledger import (
    TRANSFER_SCOPE_FORM,
    time_account_for_member,
    time_transfer_create_once,
)
from tests.concurrency import run_concurrently
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_retries_of_one_transfer_move_the_minutes_once():
    payer, payee = (time_account_for_member(membership=MembershipFactory()) for _ in range(2))
    actor = payer.owner_member.user
    results = run_concurrently(
        [
            lambda: time_transfer_create_once(
                scope=TRANSFER_SCOPE_FORM,
                key="retry-1",
                actor=actor,
                payer=payer,
                payee=payee,
                minutes=45,
            )
        ]
        * 10
    )
    assert all(isinstance(r, TimeTransfer) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert TimeTransfer.objects.count() == 1
    assert IdempotencyRecord.objects.get().response == {"id": results[0].pk}
    assert TimeAccount.objects.get(pk=payer.pk).balance_minutes == -45
    assert TimeAccount.objects.get(pk=payee.pk).balance_minutes == 45
    assert ledger_integrity_problems() == []


def test_one_key_reused_on_other_accounts_at_once_writes_one_transfer(coordinator):
    # a coordinator's client reuses one key for transfers between disjoint pairs of
    # accounts, so that no common row lock orders them
    accounts = [time_account_for_member(membership=MembershipFactory()) for _ in range(8)]
    pairs = [(accounts[i], accounts[i + 1]) for i in range(0, 8, 2)]
    results = run_concurrently(
        [
            lambda a=a, b=b: time_transfer_create_once(
                scope=TRANSFER_SCOPE_FORM,
                key="same-key",
                actor=coordinator,
                payer=a,
                payee=b,
                minutes=30,
            )
            for a, b in pairs
        ]
    )
    # one transfer; every other request is the key with another transfer: a 409
    assert TimeTransfer.objects.count() == 1
    first = TimeTransfer.objects.get()
    assert [r.pk for r in results if isinstance(r, TimeTransfer)] == [first.pk]
    refused = [r for r in results if not isinstance(r, TimeTransfer)]
    assert len(refused) == 3
    assert all(isinstance(r, ConflictError) for r in refused), refused
    assert {r.code for r in refused} == {"idempotency_key_reused"}
    assert ledger_integrity_problems() == []


def test_simultaneous_retries_of_one_allocation_allocate_once(
    coordinator, project, paid_contribution_factory
):
    paid_contribution_factory(amount_cents=10_000)
    results = run_concurrently(
        [
            lambda: fund_allocation_create_once(
                scope=ALLOCATION_SCOPE_FORM,
                key="alloc-1",
                actor=coordinator,
                project=project,
                amount_cents=4_000,
                allocated_on=timezone.localdate(),
            )
        ]
        * 8
    )
    assert all(isinstance(r, FundAllocation) for r in results), results
    assert FundAllocation.objects.count() == 1
    assert {r.pk for r in results} == {FundAllocation.objects.get().pk}
    fund = Fund.objects.get(project=None)
    assert (fund.allocated_cents, fund.available_cents) == (4_000, 6_000)
    assert funds_integrity_problems() == []


def test_one_key_reused_on_two_funds_at_once_allocates_once(
    coordinator, project, paid_contribution_factory
):
    paid_contribution_factory(amount_cents=10_000)  # the cooperative's fund
    paid_contribution_factory(project=project, amount_cents=10_000)  # the project's fund
    results = run_concurrently(
        [
            lambda source=source: fund_allocation_create_once(
                scope=ALLOCATION_SCOPE_FORM,
                key="alloc-same",
                actor=coordinator,
                source_project=source,
                project=project,
                amount_cents=1_000,
                allocated_on=timezone.localdate(),
            )
            for source in [None, project] * 3
        ]
    )
    # one allocation: the same request replays it, the other fund's is a 409
    assert FundAllocation.objects.count() == 1
    first = FundAllocation.objects.get()
    # three requests named the first one's fund: they get it back
    assert [r.pk for r in results if isinstance(r, FundAllocation)] == [first.pk] * 3
    refused = [r for r in results if not isinstance(r, FundAllocation)]
    assert all(isinstance(r, ConflictError) for r in refused), refused
    assert len(refused) == 3
    assert funds_integrity_problems() == []


def test_refunds_racing_allocations_keep_every_total_equal_to_its_history(
    coordinator, project, paid_contribution_factory
):
    contributions = [paid_contribution_factory(amount_cents=5_000) for _ in range(4)]

    def refund(contribution_id: int, total: int):
        def work():
            with transaction.atomic():
                locked = Contribution.objects.select_for_update().get(pk=contribution_id)
                return contribution_refund_apply(
                    contribution=locked,
                    refunded_total_cents=total,
                    method="cash",
                    received_on=timezone.localdate(),
                    actor=coordinator,
                )

        return work

    workers = [refund(c.pk, total) for c in contributions for total in (1_000, 3_000, 2_000)]
    workers += [
        lambda: fund_allocation_create(
            actor=coordinator,
            project=project,
            amount_cents=2_500,
            allocated_on=timezone.localdate(),
        )
    ] * 6
    results = run_concurrently(workers)
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, MarketplaceError) for e in errors), errors
    assert {e.code for e in errors} <= {"insufficient_funds"}
    # a refund reports a running total: each contribution ends refunded 3 000, once
    assert set(Contribution.objects.values_list("amount_refunded_cents", flat=True)) == {3_000}
    assert funds_integrity_problems() == []
    fund = Fund.objects.get(project=None)
    assert fund.allocated_cents == 2_500 * FundAllocation.objects.count()
    assert fund.allocated_cents <= 20_000
