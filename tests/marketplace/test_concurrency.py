"""Many writers at the same moment, on PostgreSQL (real row locks, real transactions)."""

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from marketplace.errors import MarketplaceError
from marketplace.models import Contribution, Fund, FundAllocation, Payment, StripeEvent
from marketplace.services.funds import fund_allocation_create, funds_integrity_problems
from tests.marketplace.conftest import session_event, signed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_concurrently(count: int, work: Callable[[int], object]) -> list:
    """Start ``count`` threads that call ``work(i)`` together; return results or errors."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as exc:  # the test inspects what each thread met
            results[index] = exc
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_concurrent_allocations_never_exceed_the_money_available(
    coordinator, project, paid_contribution_factory
):
    # given 100 € in the cooperative's fund
    paid_contribution_factory(amount_cents=10_000)

    # when 12 coordinators' requests try to allocate 15 € each at the same moment
    def allocate(_index: int):
        return fund_allocation_create(
            actor=coordinator, project=project, amount_cents=1_500, allocated_on=date(2026, 5, 1)
        )

    results = run_concurrently(12, allocate)
    # then exactly 6 succeed and the others get the clear "insufficient funds" error
    successes = [r for r in results if isinstance(r, FundAllocation)]
    refusals = [r for r in results if isinstance(r, MarketplaceError)]
    assert len(successes) == 6, results
    assert len(refusals) == 6
    assert {r.code for r in refusals} == {"insufficient_funds"}
    fund = Fund.objects.get()
    assert (fund.allocated_cents, fund.available_cents) == (9_000, 1_000)
    assert FundAllocation.objects.count() == 6
    assert funds_integrity_problems() == []


def test_concurrent_replays_of_one_webhook_event_apply_it_once(card_contribution):
    payload, header = signed(session_event("checkout.session.completed", card_contribution))

    def deliver(_index: int):
        response = Client().post(
            "/stripe/webhook/",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
        return response.status_code, response.json()["replayed"]

    results = run_concurrently(8, deliver)
    assert sorted(results) == [(200, False)] + [(200, True)] * 7, results
    assert StripeEvent.objects.count() == 1
    assert Payment.objects.count() == 1
    card_contribution.refresh_from_db()
    assert (card_contribution.status, card_contribution.amount_received_cents) == ("paid", 2500)
    assert Fund.objects.get().received_cents == 2500
    assert funds_integrity_problems() == []


def test_different_events_for_one_contribution_in_parallel_count_money_once(card_contribution):
    events = [
        session_event("checkout.session.completed", card_contribution),
        session_event("checkout.session.async_payment_succeeded", card_contribution),
        session_event("checkout.session.expired", card_contribution),
        session_event("checkout.session.completed", card_contribution),
    ]
    bodies = [signed(event) for event in events]

    def deliver(index: int):
        payload, header = bodies[index]
        return (
            Client()
            .post(
                "/stripe/webhook/",
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=header,
            )
            .status_code
        )

    assert run_concurrently(len(bodies), deliver) == [200] * len(bodies)
    card_contribution.refresh_from_db()
    assert card_contribution.status == "paid"
    assert Payment.objects.count() == 1
    assert StripeEvent.objects.count() == 4
    assert funds_integrity_problems() == []


def test_receipt_numbers_stay_unique_under_concurrent_payments(coordinator, member):
    from marketplace.services.contributions import (
        contribution_manual_payment_record,
        contribution_start,
    )

    pledges = [
        contribution_start(actor=member, project=None, amount_cents=1_000 + i, card=False)
        for i in range(10)
    ]

    def record(index: int):
        return contribution_manual_payment_record(
            actor=coordinator,
            contribution=pledges[index],
            method="bank_transfer",
            amount_cents=pledges[index].amount_cents,
            received_on=timezone.localdate(),
            reference=f"VIR-{index}",
        ).receipt_number

    numbers = run_concurrently(10, record)
    year = timezone.localdate().year
    assert sorted(numbers) == [f"{year}-{n:05d}" for n in range(1, 11)], numbers
    assert Fund.objects.get().received_cents == sum(1_000 + i for i in range(10))
    assert funds_integrity_problems() == []


def test_concurrent_retries_with_one_idempotency_key_create_one_contribution(db):
    from marketplace.services.contributions import IDEMPOTENCY_SCOPE_API, contribution_start_once

    def start(_index: int):
        return contribution_start_once(
            actor=None,
            project=None,
            amount_cents=2_000,
            card=False,
            email="ami@example.org",
            scope=IDEMPOTENCY_SCOPE_API,
            key="same-key",
            request_fingerprint="the-same-request",
        ).pk

    ids = run_concurrently(6, start)
    assert len(set(ids)) == 1, ids
    assert Contribution.objects.count() == 1
    assert Fund.objects.count() == 1
