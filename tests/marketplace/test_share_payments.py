"""Subscribing capital shares online (issue 15 §6): the contract of
POST /api/v1/share-subscriptions/, card payment through the fake Stripe and its signed
webhook (a replay pays once), bank transfer recorded by the coordinator, duty 1."""

import time

import pytest

from governance.duties import annotate_duties, duty_states
from governance.models import (
    CooperativeSettings,
    Membership,
    MembershipStatus,
    ShareSubscription,
)
from marketplace.models import StripeEvent
from tests.marketplace.conftest import event_id, post_webhook

pytestmark = pytest.mark.django_db

URL = "/api/v1/share-subscriptions/"


@pytest.fixture
def newcomer(user_factory):
    return user_factory(email="nouvelle@example.org", language="fr")


@pytest.fixture
def newcomer_api(api_client, newcomer, colleges):
    api_client.force_authenticate(newcomer)
    return api_client


def _shares_duty(membership: Membership) -> str:
    annotated = annotate_duties(Membership.objects.filter(pk=membership.pk)).get()
    return next(s.state for s in duty_states(annotated) if s.duty.code == "shares")


def _paid_event(subscription: ShareSubscription, *, amount: int | None = None) -> dict:
    return {
        "id": event_id(),
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": subscription.stripe_session_id,
                "object": "checkout.session",
                "client_reference_id": f"shares-{subscription.pk}",
                "metadata": {"share_subscription_id": str(subscription.pk)},
                "amount_total": subscription.amount_cents if amount is None else amount,
                "currency": "eur",
                "payment_status": "paid",
                "payment_intent": f"pi_shares_{subscription.pk}",
            }
        },
    }


def test_card_subscription_answers_the_contract_and_opens_one_checkout(
    newcomer_api, newcomer, fake_stripe
):
    response = newcomer_api.post(
        URL, {"shares": 2, "college": "fondateurs", "payment": "stripe"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "status", "checkout_url"}
    assert body["status"] == "subscribed"
    assert body["checkout_url"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    subscription = ShareSubscription.objects.get(pk=body["id"])
    assert subscription.quantity == 2
    assert subscription.amount_cents == 2 * CooperativeSettings.load().share_nominal_cents
    assert subscription.paid_on is None
    # the newcomer is a candidate in the college they chose: the coordinator approves it
    membership = subscription.membership
    assert membership.user == newcomer
    assert membership.status == MembershipStatus.CANDIDATE
    assert membership.college.slug == "fondateurs"
    assert membership.shares_held == 0
    form = fake_stripe.sessions[0]
    assert form["line_items[0][price_data][unit_amount]"] == str(subscription.amount_cents)
    assert form["metadata[share_subscription_id]"] == str(subscription.pk)


def test_transfer_subscription_has_no_checkout_and_the_coordinator_records_it(
    newcomer_api, newcomer, coordinator_client
):
    response = newcomer_api.post(
        URL, {"shares": 1, "college": "fondateurs", "payment": "transfer"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["checkout_url"] is None
    subscription = ShareSubscription.objects.get(pk=response.json()["id"])
    membership = subscription.membership
    # subscribed, unpaid: duty 1 (« souscrire ») is met, the share shows as due
    assert _shares_duty(membership) == "met"
    from governance.selectors import shares_due

    assert shares_due(membership) == 1
    # the coordinator records the bank transfer on the member's page
    reply = coordinator_client.post(
        f"/membres/gestion/{membership.pk}/paid/",
        {
            "subscription": subscription.pk,
            "paid_on": subscription.subscribed_on.isoformat(),
            "payment_reference": "VIR-1",
        },
    )
    assert reply.status_code == 302
    subscription.refresh_from_db()
    membership.refresh_from_db()
    assert subscription.paid_on is not None
    assert membership.shares_held == 1
    assert shares_due(membership) == 0


@pytest.mark.parametrize("shares", [0, -1, 101, "2", None, True])
def test_bad_quantities_answer_400_and_write_nothing(newcomer_api, shares, fake_stripe):
    response = newcomer_api.post(
        URL, {"shares": shares, "college": "fondateurs", "payment": "stripe"}, format="json"
    )
    if shares == "2":  # DRF reads "2" as 2: a valid request, not this test's subject
        assert response.status_code == 201
        return
    assert response.status_code == 400, response.content
    assert response.json()["code"]
    assert ShareSubscription.objects.count() == 0
    assert Membership.objects.count() == 0
    assert fake_stripe.sessions == []


def test_over_the_cap_counts_what_the_member_already_holds(api_client, member, fake_stripe):
    coop = CooperativeSettings.load()
    coop.max_shares = 3
    coop.save()
    api_client.force_authenticate(member)  # holds one paid share
    response = api_client.post(
        URL, {"shares": 3, "college": "fondateurs", "payment": "stripe"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "over_cap"
    assert ShareSubscription.objects.filter(paid_on__isnull=True).count() == 0
    ok = api_client.post(
        URL, {"shares": 2, "college": "fondateurs", "payment": "stripe"}, format="json"
    )
    assert ok.status_code == 201


def test_a_college_not_open_to_the_person_is_refused(newcomer_api, member, api_client):
    # the pioneers' college is joined through the pioneers' admission, not here
    response = newcomer_api.post(
        URL, {"shares": 1, "college": "beneficiaires", "payment": "transfer"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "college_not_open"
    unknown = newcomer_api.post(
        URL, {"shares": 1, "college": "nope", "payment": "transfer"}, format="json"
    )
    assert unknown.status_code == 400
    # a member subscribes in their own college only
    api_client.force_authenticate(member)
    other = api_client.post(
        URL, {"shares": 1, "college": "salaries", "payment": "transfer"}, format="json"
    )
    assert other.status_code == 400
    assert ShareSubscription.objects.filter(paid_on__isnull=True).count() == 0


def test_card_is_refused_when_stripe_is_off(newcomer_api, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = newcomer_api.post(
        URL, {"shares": 1, "college": "fondateurs", "payment": "stripe"}, format="json"
    )
    assert response.status_code == 400
    assert ShareSubscription.objects.count() == 0


def test_anonymous_cannot_subscribe(api_client, colleges):
    response = api_client.post(
        URL, {"shares": 1, "college": "fondateurs", "payment": "transfer"}, format="json"
    )
    assert response.status_code in (401, 403)
    assert ShareSubscription.objects.count() == 0


def test_idempotency_key_gives_the_first_answer_and_one_subscription(newcomer_api, fake_stripe):
    body = {"shares": 1, "college": "fondateurs", "payment": "stripe"}
    first = newcomer_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    again = newcomer_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert ShareSubscription.objects.count() == 1
    assert len(fake_stripe.sessions) == 1
    other = newcomer_api.post(
        URL, {**body, "shares": 2}, format="json", HTTP_IDEMPOTENCY_KEY="sub-1"
    )
    assert other.status_code == 409
    assert ShareSubscription.objects.count() == 1


def test_the_webhook_pays_the_subscription_and_a_replay_pays_once(
    newcomer_api, client, fake_stripe
):
    response = newcomer_api.post(
        URL, {"shares": 2, "college": "fondateurs", "payment": "stripe"}, format="json"
    )
    subscription = ShareSubscription.objects.get(pk=response.json()["id"])
    membership = subscription.membership
    event = _paid_event(subscription)

    first = post_webhook(client, event)
    assert first.status_code == 200
    assert first.json()["outcome"] == "applied"
    subscription.refresh_from_db()
    membership.refresh_from_db()
    assert subscription.paid_on is not None
    assert subscription.payment_reference == f"pi_shares_{subscription.pk}"
    assert membership.shares_held == 2

    # the same event again (Stripe retries), then another event for the same session
    replay = post_webhook(client, event)
    assert replay.json()["replayed"] is True
    async_event = {**_paid_event(subscription), "type": "checkout.session.async_payment_succeeded"}
    late = post_webhook(client, async_event)
    assert late.json()["outcome"] == "no_change"
    membership.refresh_from_db()
    assert membership.shares_held == 2
    assert StripeEvent.objects.count() == 2
    assert _shares_duty(membership) == "met"


def test_a_session_paid_with_another_amount_pays_nothing(newcomer_api, client, fake_stripe):
    response = newcomer_api.post(
        URL, {"shares": 1, "college": "fondateurs", "payment": "stripe"}, format="json"
    )
    subscription = ShareSubscription.objects.get(pk=response.json()["id"])
    reply = post_webhook(client, _paid_event(subscription, amount=1))
    assert reply.json()["outcome"] == "no_change"
    subscription.refresh_from_db()
    assert subscription.paid_on is None
    assert subscription.membership.shares_held == 0


def test_the_subscribe_page_redirects_to_checkout(client, newcomer, colleges, fake_stripe):
    client.force_login(newcomer)
    page = client.get("/membres/souscrire/")
    assert page.status_code == 200
    response = client.post(
        "/membres/souscrire/", {"shares": 1, "college": "fondateurs", "payment": "stripe"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/")
    assert ShareSubscription.objects.filter(membership__user=newcomer).count() == 1


def test_the_subscribe_page_refuses_zero_and_writes_nothing(client, newcomer, colleges):
    client.force_login(newcomer)
    response = client.post(
        "/membres/souscrire/", {"shares": 0, "college": "fondateurs", "payment": "transfer"}
    )
    # the one form pattern: the page again with the field's error, status 400
    assert response.status_code == 400
    assert response.context["form"].errors["shares"]
    assert ShareSubscription.objects.count() == 0
    assert Membership.objects.count() == 0
