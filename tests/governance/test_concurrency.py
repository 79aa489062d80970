"""Membership numbers and share counts stay exact under concurrent writers (PostgreSQL)."""

import pytest

from governance import services
from governance.errors import GovernanceError
from governance.models import Membership, ShareSubscription
from tests.concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_admissions_get_unique_consecutive_numbers(coordinator, colleges, user_factory):
    candidates = [
        services.membership_apply(user=user_factory(), college=colleges["beneficiaires"])
        for _ in range(12)
    ]
    results = run_concurrently(
        [
            (lambda c=c: services.membership_admit(actor=coordinator, membership=c).number)
            for c in candidates
        ]
    )
    assert sorted(results) == list(range(1, 13))
    assert sorted(Membership.objects.values_list("number", flat=True)) == list(range(1, 13))


def test_concurrent_payments_of_one_subscription_count_once(coordinator, membership_factory):
    m = membership_factory()
    sub = services.shares_subscribe(actor=coordinator, membership=m, quantity=3)
    run_concurrently(
        [lambda: services.shares_mark_paid(actor=coordinator, subscription=sub) for _ in range(8)]
    )
    m.refresh_from_db()
    assert m.shares_held == 3
    assert ShareSubscription.objects.get(pk=sub.pk).paid_on is not None


def test_concurrent_refunds_never_go_below_zero(coordinator, membership_factory):
    m = membership_factory(shares=5)
    results = run_concurrently(
        [
            lambda: services.shares_refund(actor=coordinator, membership=m, quantity=2)
            for _ in range(6)
        ]
    )
    refused = [r for r in results if isinstance(r, GovernanceError)]
    assert len(refused) == 4
    m.refresh_from_db()
    assert m.shares_held == 1
    assert m.refunds.count() == 2
