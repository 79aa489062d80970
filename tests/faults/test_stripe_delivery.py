"""Stripe delivers webhooks at least once, late, and in any order: whatever the order
of the events about one payment (with replays), the contribution, its fund and its
payments end in one and the same state, and money is counted once."""

import itertools
import time

import pytest
from django.test import Client

from marketplace.models import Contribution, Fund, Payment
from tests.marketplace.conftest import (  # noqa: F401  (fixtures)
    fake_stripe,
    post_webhook,
    project,
    project_factory,
    refund_event,
    session_event,
    stripe_secret,
)

pytestmark = pytest.mark.django_db

COMPLETED = "checkout.session.completed"
EXPIRED = "checkout.session.expired"
ASYNC_OK = "checkout.session.async_payment_succeeded"


def _start(target):
    from marketplace.services.contributions import contribution_start

    return contribution_start(actor=None, project=target, amount_cents=2500, email="a@b.org")


def _state(contribution):
    contribution.refresh_from_db()
    return (
        contribution.status,
        contribution.amount_received_cents,
        contribution.amount_refunded_cents,
        Payment.objects.filter(contribution=contribution).count(),
    )


def test_a_late_delivery_of_a_three_day_old_event_still_counts(fake_stripe, project):  # noqa: F811
    contribution = _start(project)
    event = session_event(COMPLETED, contribution)
    event["created"] = int(time.time()) - 3 * 24 * 3600  # Stripe's last retry
    response = post_webhook(Client(), event)
    assert response.status_code == 200
    assert _state(contribution) == ("paid", 2500, 0, 1)


def test_every_order_of_the_events_of_one_payment_gives_one_outcome(fake_stripe, project):  # noqa: F811
    outcomes = {}
    for order in itertools.permutations(["completed", "async_ok", "refund", "replay"]):
        contribution = _start(project)
        completed = session_event(COMPLETED, contribution)
        events = {
            "completed": completed,
            "async_ok": session_event(ASYNC_OK, contribution),
            "refund": refund_event(contribution, amount_refunded=1000),
            "replay": completed,  # the same event id, delivered again
        }
        for name in order:
            assert post_webhook(Client(), events[name]).status_code == 200, (order, name)
        outcomes[order] = _state(contribution)
    assert len(outcomes) == 24
    assert set(outcomes.values()) == {("paid", 2500, 1000, 2)}, outcomes
    fund = Fund.objects.get(project=project)
    assert fund.received_cents == 24 * (2500 - 1000)  # net of the refunds, each once


def test_an_expiry_delivered_after_the_payment_changes_nothing(fake_stripe, project):  # noqa: F811
    contribution = _start(project)
    post_webhook(Client(), session_event(COMPLETED, contribution))
    expired_late = session_event(EXPIRED, contribution)
    for _ in range(3):
        assert post_webhook(Client(), expired_late).status_code == 200
    assert _state(contribution) == ("paid", 2500, 0, 1)
    assert Contribution.objects.filter(status="expired").count() == 0
