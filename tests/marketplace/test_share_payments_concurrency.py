"""Share payments under parallel webhook deliveries, on PostgreSQL: paid once."""

import pytest
from django.test import Client

from governance.models import Membership, ShareSubscription
from governance.services import share_subscription_start
from marketplace.models import StripeEvent
from tests.concurrency import run_concurrently
from tests.marketplace.conftest import signed
from tests.marketplace.test_share_payments import _paid_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def card_subscription(user_factory, colleges, fake_stripe):
    from governance.shares_checkout import card_checkout_start

    subscription = share_subscription_start(
        user=user_factory(email="nouvelle@example.org"),
        shares=3,
        college=colleges["fondateurs"],
        payment="stripe",
    )
    return card_checkout_start(subscription)


def _deliver(body):
    payload, header = body
    response = Client().post(
        "/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    body = response.json()
    return response.status_code, body["outcome"], body["replayed"]


def test_parallel_replays_and_sibling_events_pay_the_shares_once(card_subscription):
    event = _paid_event(card_subscription)
    sibling = {**_paid_event(card_subscription), "type": "checkout.session.async_payment_succeeded"}
    bodies = [signed(event)] * 6 + [signed(sibling)] * 2
    results = run_concurrently([lambda body=body: _deliver(body) for body in bodies])
    assert all(isinstance(r, tuple) and r[0] == 200 for r in results), results
    fresh = sorted(r[1] for r in results if not r[2])
    assert fresh == ["applied", "no_change"], results  # one event each, paid by one
    assert StripeEvent.objects.count() == 2
    membership = Membership.objects.get(pk=card_subscription.membership_id)
    assert membership.shares_held == 3
    assert ShareSubscription.objects.get(pk=card_subscription.pk).paid_on is not None
