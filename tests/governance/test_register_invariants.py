"""The share register balances whatever happens: each member's ``shares_held`` equals
their paid subscriptions minus their refunds, never below zero, for any sequence of
subscriptions, payments (retried) and refunds, and under concurrent writers
(PostgreSQL). A refused operation changes nothing."""

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance import services
from governance.errors import GovernanceError
from governance.models import Membership, ShareRefund, ShareSubscription
from tests.concurrency import run_concurrently
from tests.factories import MembershipFactory
from tests.locking import own_transaction

MEMBERS = 3


def register_problems() -> list[str]:
    """Every member whose stored holding differs from the register's lines."""
    paid = dict(
        ShareSubscription.objects.filter(paid_on__isnull=False)
        .values("membership")
        .annotate(total=Sum("quantity"))
        .values_list("membership", "total")
    )
    refunded = dict(
        ShareRefund.objects.values("membership")
        .annotate(total=Sum("quantity"))
        .values_list("membership", "total")
    )
    problems = []
    for pk, held in Membership.objects.values_list("pk", "shares_held"):
        expected = paid.get(pk, 0) - refunded.get(pk, 0)
        if held != expected or held < 0:
            problems.append(f"membership {pk}: holds {held}, register says {expected}")
    return problems


operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("subscribe"), st.integers(0, MEMBERS - 1), st.integers(1, 5), st.booleans()
        ),
        st.tuples(st.just("pay"), st.integers(0, 30), st.booleans()),
        st.tuples(st.just("refund"), st.integers(0, MEMBERS - 1), st.integers(1, 6)),
    ),
    max_size=20,
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_the_register_balances_for_any_sequence(coordinator, colleges, ops):
    today = timezone.localdate()
    with own_transaction():
        members = [MembershipFactory(college=colleges["fondateurs"]) for _ in range(MEMBERS)]
        held = [0] * MEMBERS  # the model, computed independently
        unpaid: list[tuple[ShareSubscription, int]] = []
        for op in ops:
            if op[0] == "subscribe":
                _kind, who, quantity, paid_now = op
                subscription = services.shares_subscribe(
                    actor=coordinator,
                    membership=members[who],
                    quantity=quantity,
                    paid_on=today if paid_now else None,
                )
                if paid_now:
                    held[who] += quantity
                else:
                    unpaid.append((subscription, who))
            elif op[0] == "pay" and unpaid:
                _kind, index, retried = op
                subscription, who = unpaid.pop(index % len(unpaid))
                for _attempt in range(2 if retried else 1):  # a retry pays nothing more
                    services.shares_mark_paid(actor=coordinator, subscription=subscription)
                held[who] += subscription.quantity
            elif op[0] == "refund":
                _kind, who, quantity = op
                refusal = None
                try:
                    services.shares_refund(
                        actor=coordinator, membership=members[who], quantity=quantity
                    )
                except GovernanceError as error:
                    refusal = error.code
                if quantity > held[who]:
                    assert refusal == "refund_exceeds_shares"
                else:
                    assert refusal is None
                    held[who] -= quantity
            assert register_problems() == []
            assert [Membership.objects.get(pk=m.pk).shares_held for m in members] == held
        transaction.set_rollback(True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_register_balances_under_concurrent_subscriptions_payments_and_refunds(
    coordinator, colleges
):
    # given three members holding 6 paid shares each, and two unpaid subscriptions each
    members = [MembershipFactory(college=colleges["fondateurs"], shares=6) for _ in range(3)]
    unpaid = [
        services.shares_subscribe(actor=coordinator, membership=m, quantity=2)
        for m in members
        for _ in range(2)
    ]
    paid_on = timezone.localdate()
    workers = []
    for m in members:
        workers += [
            lambda m=m: services.shares_subscribe(
                actor=coordinator, membership=m, quantity=1, paid_on=paid_on
            )
        ] * 3
        workers += [
            lambda m=m: services.shares_refund(actor=coordinator, membership=m, quantity=4)
        ] * 4
    for subscription in unpaid:  # each payment sent twice at once
        workers += [
            lambda s=subscription: services.shares_mark_paid(actor=coordinator, subscription=s)
        ] * 2
    # when all of them run at the same instant
    results = run_concurrently(workers)
    # then only refunds that found too few shares were refused, and the register balances
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, GovernanceError) for e in errors), errors
    assert {e.code for e in errors} <= {"refund_exceeds_shares"}
    assert register_problems() == []
    for m in members:
        m.refresh_from_db()
        refunds = ShareRefund.objects.filter(membership=m).count()
        # 6 initial + 3 bought + 2×2 paid once each, minus 4 per accepted refund
        assert m.shares_held == 6 + 3 + 4 - 4 * refunds >= 0
        assert 1 <= refunds <= 3  # the first always finds 6 shares; 13 // 4 at most
    assert ShareSubscription.objects.filter(paid_on__isnull=True).count() == 0
    assert len(errors) == 12 - ShareRefund.objects.count()
