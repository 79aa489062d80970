"""Hundreds of transfers at once between a few accounts, on PostgreSQL (real row locks)."""

import random

import pytest

from marketplace.errors import MarketplaceError
from marketplace.models import TimeAccount, TimeTransfer
from marketplace.selectors.ledger import ledger_integrity_problems
from marketplace.services.ledger import time_account_for_member, time_transfer_create
from tests.concurrency import run_concurrently
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
TRANSFERS_PER_THREAD = 40


def test_concurrent_transfers_lose_nothing_and_respect_every_limit():
    # given four accounts with a small limit, so that many transfers meet it
    accounts = [time_account_for_member(membership=MembershipFactory()) for _ in range(4)]
    TimeAccount.objects.update(credit_limit_minutes=120)
    ids = [a.pk for a in accounts]
    actor = accounts[0].owner_member.user

    def worker(seed: int):
        def work():
            rng = random.Random(seed)
            done, refused = 0, 0
            for n in range(TRANSFERS_PER_THREAD):
                payer, payee = rng.sample(ids, 2)
                try:
                    time_transfer_create(
                        actor=actor,
                        payer=TimeAccount(pk=payer),
                        payee=TimeAccount(pk=payee),
                        minutes=rng.randint(1, 90),
                        # every thread retries its first transfer: it must count once
                        idempotency_key=f"{seed}-{0 if n == 1 else n}",
                    )
                    done += 1
                except MarketplaceError as exc:
                    if exc.code != "credit_limit":
                        raise
                    refused += 1
            return done, refused

        return work

    # when
    results = run_concurrently([worker(seed) for seed in range(THREADS)])

    # then no thread met anything but a credit-limit refusal
    assert all(isinstance(r, tuple) for r in results), results
    assert sum(done + refused for done, refused in results) == THREADS * TRANSFERS_PER_THREAD
    # and nothing was lost: each balance equals its history, the sum is zero
    assert ledger_integrity_problems() == []
    balances = dict(TimeAccount.objects.values_list("pk", "balance_minutes"))
    assert sum(balances.values()) == 0
    assert all(balance >= -120 for balance in balances.values())
    # a retried key wrote once
    keys = list(TimeTransfer.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) >= THREADS
    # no lost update: replaying the history in order gives every stored running balance
    # (transfers touching one account were serialized by its lock, in id order)
    replay = dict.fromkeys(ids, 0)
    for t in TimeTransfer.objects.order_by("id"):
        replay[t.payer_id] -= t.minutes
        replay[t.payee_id] += t.minutes
        assert (t.payer_balance_after, t.payee_balance_after) == (
            replay[t.payer_id],
            replay[t.payee_id],
        )
    assert replay == balances
