"""Property test: whatever the sequence of payments, refunds and allocations, the
stored totals equal their history and no allocation ever takes more than available."""

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.errors import MarketplaceError
from marketplace.models import Contribution, Fund
from marketplace.services.contributions import contribution_manual_create, contribution_refund_apply
from marketplace.services.funds import fund_allocation_create, funds_integrity_problems
from tests.locking import own_transaction

pytestmark = pytest.mark.django_db

TARGETS = 3  # the cooperative and two projects

operations = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.integers(0, TARGETS - 1), st.integers(1, 50_000)),
        st.tuples(st.just("allocate"), st.integers(0, TARGETS - 1), st.integers(1, 60_000)),
        st.tuples(st.just("refund"), st.integers(0, 30), st.integers(1, 60_000)),
    ),
    max_size=25,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_funds_invariants_hold_for_any_sequence(coordinator, project_factory, ops):
    with own_transaction():
        projects = [None, *project_factory.create_batch(2, status="in_progress")]
        model_received = [0] * TARGETS  # what we expect, computed independently
        model_allocated = [0] * TARGETS
        contributions: list[tuple[int, int]] = []  # (pk, target)
        for index, (kind, a, amount) in enumerate(ops):
            if kind == "pay":
                contribution = contribution_manual_create(
                    actor=coordinator,
                    project=projects[a],
                    method="cash",
                    amount_cents=amount,
                    received_on=timezone.localdate(),
                    reference=f"P-{index}",
                )
                contributions.append((contribution.pk, a))
                model_received[a] += amount
            elif kind == "allocate":
                available = model_received[a] - model_allocated[a]
                refusal = None
                try:
                    fund_allocation_create(
                        actor=coordinator,
                        source_project=projects[a],
                        project=projects[a] or projects[1],
                        amount_cents=amount,
                        allocated_on=timezone.localdate(),
                    )
                except MarketplaceError as exc:
                    refusal = exc.code
                if refusal is None:
                    assert amount <= available
                    model_allocated[a] += amount
                else:
                    assert refusal == "insufficient_funds"
                    assert amount > available
            elif contributions:
                pk, target = contributions[a % len(contributions)]
                locked = Contribution.objects.select_for_update().get(pk=pk)
                before = locked.amount_refunded_cents
                contribution_refund_apply(
                    contribution=locked,
                    refunded_total_cents=amount,
                    method="cash",
                    received_on=timezone.localdate(),
                )
                refunded_now = max(0, min(amount, locked.amount_received_cents) - before)
                model_received[target] -= refunded_now
        for target, project in enumerate(projects):
            fund = Fund.objects.filter(project=project).first()
            if fund is None:
                assert model_received[target] == model_allocated[target] == 0
                continue
            assert fund.received_cents == model_received[target]
            assert fund.allocated_cents == model_allocated[target]
            assert fund.available_cents == fund.received_cents - fund.allocated_cents
        assert funds_integrity_problems() == []
        transaction.set_rollback(True)  # each example starts from empty books
