"""Hundreds of transfers at once between a few accounts, on PostgreSQL (real row locks)."""

import random

import pytest

from backend.core.models import IdempotencyRecord
from marketplace.errors import MarketplaceError
from marketplace.models import TimeAccount, TimeTransfer
from marketplace.selectors.ledger import ledger_integrity_problems
from marketplace.services.ledger import (
    TRANSFER_SCOPE_FORM,
    time_account_for_member,
    time_transfer_create_once,
)
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
            calls = [(rng.sample(ids, 2), rng.randint(1, 90)) for _ in range(TRANSFERS_PER_THREAD)]
            calls[1] = calls[0]  # every thread retries its first transfer: it counts once
            given, refused = {}, 0
            for n, ((payer, payee), minutes) in enumerate(calls):
                key = f"{seed}-{0 if n == 1 else n}"
                try:
                    transfer = time_transfer_create_once(
                        scope=TRANSFER_SCOPE_FORM,
                        key=key,
                        actor=actor,
                        payer=TimeAccount(pk=payer),
                        payee=TimeAccount(pk=payee),
                        minutes=minutes,
                    )
                except MarketplaceError as exc:
                    if exc.code != "credit_limit":
                        raise
                    refused += 1
                else:
                    assert given.setdefault(key, transfer.pk) == transfer.pk
            return given, refused

        return work

    # when
    results = run_concurrently([worker(seed) for seed in range(THREADS)])

    # then no thread met anything but a credit-limit refusal
    assert all(isinstance(r, tuple) for r in results), results
    # and nothing was lost: each balance equals its history, the sum is zero
    assert ledger_integrity_problems() == []
    balances = dict(TimeAccount.objects.values_list("pk", "balance_minutes"))
    assert sum(balances.values()) == 0
    assert all(balance >= -120 for balance in balances.values())
    # one transfer per key that went through, and one key per transfer: a retry wrote once
    given = [pk for keys, _refused in results for pk in keys.values()]
    assert sorted(given) == list(TimeTransfer.objects.order_by("id").values_list("id", flat=True))
    assert IdempotencyRecord.objects.count() == len(given) >= THREADS
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
