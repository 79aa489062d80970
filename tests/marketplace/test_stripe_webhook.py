"""POST /stripe/webhook/: real signed payloads, replays and events out of order."""

import json
import time

import pytest
from django.core import mail

from backend.core.models import OutboxEmail
from marketplace.models import Contribution, Fund, Payment, StripeEvent
from tests.marketplace.conftest import (
    WEBHOOK_SECRET,
    post_webhook,
    refund_event,
    session_event,
    signed,
)

pytestmark = pytest.mark.django_db

COMPLETED = "checkout.session.completed"
EXPIRED = "checkout.session.expired"
ASYNC_OK = "checkout.session.async_payment_succeeded"
ASYNC_FAILED = "checkout.session.async_payment_failed"


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """Post a signed event the way Stripe does, running the on-commit tasks (receipts)."""

    def send(event, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post_webhook(client, event, **kwargs)

    return send


def _state(contribution):
    contribution.refresh_from_db()
    fund = Fund.objects.get(pk=contribution.fund_id)
    return (
        contribution.status,
        contribution.amount_received_cents,
        contribution.amount_refunded_cents,
        fund.received_cents,
        Payment.objects.count(),
    )


def test_completed_payment_marks_the_contribution_paid_with_stripes_amount(
    deliver, card_contribution
):
    # given a pledge of 25 € whose checkout charged 30 € (Stripe's figure wins)
    event = session_event(COMPLETED, card_contribution, amount_total=3000)
    # when
    response = deliver(event)
    # then
    assert response.status_code == 200
    assert response.json() == {
        "received": True,
        "event": event["id"],
        "outcome": "applied",
        "replayed": False,
    }
    card_contribution.refresh_from_db()
    assert card_contribution.status == "paid"
    assert card_contribution.amount_received_cents == 3000
    assert card_contribution.stripe_payment_intent_id == f"pi_test_{card_contribution.pk}"
    assert card_contribution.receipt_number.endswith("-00001")
    payment = Payment.objects.get()
    assert (payment.kind, payment.method, payment.amount_cents) == ("payment", "card", 3000)
    assert payment.stripe_event_id == event["id"]
    assert Fund.objects.get().received_cents == 3000
    record = StripeEvent.objects.get()
    assert (record.outcome, record.contribution) == ("applied", card_contribution)
    # and the receipt is e-mailed, once
    (receipt,) = mail.outbox
    assert receipt.to == ["ami@example.org"]
    assert card_contribution.receipt_number in receipt.subject
    assert OutboxEmail.objects.get(key=f"receipt:{card_contribution.pk}").status == "sent"


def test_tampered_body_is_refused_and_nothing_is_stored(client, card_contribution):
    payload, header = signed(session_event(COMPLETED, card_contribution))
    tampered = payload.replace('"amount_total": 2500', '"amount_total": 1')
    assert tampered != payload
    response = client.post(
        "/stripe/webhook/",
        data=tampered,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert not StripeEvent.objects.exists()
    assert _state(card_contribution) == ("pending", 0, 0, 0, 0)


def test_wrong_secret_is_refused(client, card_contribution):
    response = post_webhook(
        client, session_event(COMPLETED, card_contribution), secret="whsec_someone_else"
    )
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert _state(card_contribution) == ("pending", 0, 0, 0, 0)


def test_stale_timestamp_is_refused(client, card_contribution):
    response = post_webhook(
        client, session_event(COMPLETED, card_contribution), timestamp=int(time.time()) - 301
    )
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert _state(card_contribution) == ("pending", 0, 0, 0, 0)


@pytest.mark.parametrize("header", [None, "", "garbage", "t=abc,v1=def", "t=1,v0=abc"])
def test_missing_or_malformed_signature_is_refused(client, card_contribution, header):
    extra = {} if header is None else {"HTTP_STRIPE_SIGNATURE": header}
    response = client.post(
        "/stripe/webhook/",
        data=json.dumps(session_event(COMPLETED, card_contribution)),
        content_type="application/json",
        **extra,
    )
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_without_a_webhook_secret_everything_is_refused(client, card_contribution, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post_webhook(client, session_event(COMPLETED, card_contribution)).status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"id": "evt_1"}', '"text"'])
def test_a_validly_signed_non_event_is_refused(client, stripe_secret, body):
    import stripe

    header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
    response = client.post(
        "/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_the_webhook_accepts_only_post(client):
    assert client.get("/stripe/webhook/").status_code == 405


def test_a_replayed_event_answers_200_and_changes_nothing(deliver, card_contribution):
    event = session_event(COMPLETED, card_contribution)
    deliver(event)
    before = _state(card_contribution)
    # when Stripe delivers the same event again (a fresh signature, same id)
    response = deliver(event)
    # then
    assert response.status_code == 200
    assert response.json()["replayed"] is True
    assert _state(card_contribution) == before
    assert StripeEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_second_completed_event_with_another_id_does_not_count_money_twice(
    deliver, card_contribution
):
    deliver(session_event(COMPLETED, card_contribution))
    response = deliver(session_event(ASYNC_OK, card_contribution))
    assert response.json()["outcome"] == "no_change"
    assert _state(card_contribution) == ("paid", 2500, 0, 2500, 1)


def test_completed_then_expired_stays_paid(deliver, card_contribution):
    deliver(session_event(COMPLETED, card_contribution))
    response = deliver(session_event(EXPIRED, card_contribution))
    assert response.status_code == 200
    assert response.json()["outcome"] == "no_change"
    assert _state(card_contribution) == ("paid", 2500, 0, 2500, 1)


def test_expired_alone_expires_the_pledge(deliver, card_contribution):
    deliver(session_event(EXPIRED, card_contribution))
    assert _state(card_contribution) == ("expired", 0, 0, 0, 0)


def test_refund_before_completed_records_both_and_completed_changes_nothing(
    deliver, card_contribution
):
    # given the refund overtakes the completion
    deliver(refund_event(card_contribution, amount_refunded=2500))
    assert _state(card_contribution) == ("refunded", 2500, 2500, 0, 2)
    # when the late completion arrives
    response = deliver(session_event(COMPLETED, card_contribution))
    # then it does not bring the contribution back to "paid" nor count money again
    assert response.json()["outcome"] == "no_change"
    assert _state(card_contribution) == ("refunded", 2500, 2500, 0, 2)


def test_partial_then_full_refund(deliver, card_contribution):
    deliver(session_event(COMPLETED, card_contribution))
    deliver(refund_event(card_contribution, amount_refunded=1000))
    assert _state(card_contribution) == ("paid", 2500, 1000, 1500, 2)
    deliver(refund_event(card_contribution, amount_refunded=2500))
    assert _state(card_contribution) == ("refunded", 2500, 2500, 0, 3)
    # a stale partial refund event arriving last changes nothing
    response = deliver(refund_event(card_contribution, amount_refunded=1000))
    assert response.json()["outcome"] == "no_change"
    assert _state(card_contribution) == ("refunded", 2500, 2500, 0, 3)
    refunds = Payment.objects.filter(kind="refund").order_by("pk")
    assert [r.amount_cents for r in refunds] == [1000, 1500]


def test_async_payment_processing_then_succeeded(deliver, card_contribution):
    deliver(session_event(COMPLETED, card_contribution, payment_status="unpaid"))
    assert _state(card_contribution) == ("processing", 0, 0, 0, 0)
    assert mail.outbox == []
    deliver(session_event(ASYNC_OK, card_contribution))
    assert _state(card_contribution) == ("paid", 2500, 0, 2500, 1)
    assert len(mail.outbox) == 1


def test_async_payment_failed(deliver, card_contribution):
    deliver(session_event(COMPLETED, card_contribution, payment_status="unpaid"))
    deliver(session_event(ASYNC_FAILED, card_contribution))
    assert _state(card_contribution) == ("failed", 0, 0, 0, 0)
    # a late "completed (unpaid)" does not bring it back to processing
    deliver(session_event(COMPLETED, card_contribution, payment_status="unpaid"))
    assert _state(card_contribution) == ("failed", 0, 0, 0, 0)


def test_an_unknown_event_type_is_recorded_and_ignored(deliver, card_contribution):
    event = session_event("customer.created", card_contribution)
    response = deliver(event)
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert StripeEvent.objects.get().type == "customer.created"
    assert _state(card_contribution) == ("pending", 0, 0, 0, 0)


def test_an_event_for_no_contribution_is_recorded_as_unmatched(deliver, card_contribution):
    event = session_event(COMPLETED, card_contribution)
    event["data"]["object"]["client_reference_id"] = "999999"
    event["data"]["object"]["metadata"] = {}
    event["data"]["object"]["id"] = "cs_unknown"
    response = deliver(event)
    assert response.status_code == 200
    assert response.json()["outcome"] == "unmatched"
    assert _state(card_contribution) == ("pending", 0, 0, 0, 0)


def test_a_session_other_than_ours_is_not_applied(deliver, card_contribution):
    response = deliver(session_event(COMPLETED, card_contribution, session_id="cs_from_elsewhere"))
    assert response.json()["outcome"] == "unmatched"
    assert _state(card_contribution) == ("pending", 0, 0, 0, 0)


def test_a_manual_contribution_is_never_paid_by_a_stripe_event(deliver, stripe_secret, member):
    from marketplace.services.contributions import contribution_start

    manual = contribution_start(actor=member, project=None, amount_cents=2000, card=False)
    response = deliver(session_event(COMPLETED, manual))
    assert response.json()["outcome"] == "unmatched"
    assert _state(manual) == ("pending", 0, 0, 0, 0)


def test_wrong_currency_or_missing_amount_changes_nothing(deliver, card_contribution):
    event = session_event(COMPLETED, card_contribution)
    event["data"]["object"]["currency"] = "usd"
    assert deliver(event).json()["outcome"] == "no_change"
    event = session_event(COMPLETED, card_contribution)
    event["data"]["object"]["amount_total"] = None
    assert deliver(event).json()["outcome"] == "no_change"
    assert _state(card_contribution) == ("pending", 0, 0, 0, 0)


def test_completion_is_found_by_session_id_when_the_reference_is_missing(
    deliver, card_contribution
):
    event = session_event(COMPLETED, card_contribution)
    event["data"]["object"]["client_reference_id"] = None
    event["data"]["object"]["metadata"] = {}
    assert deliver(event).json()["outcome"] == "applied"
    assert _state(card_contribution)[0] == "paid"


def test_a_refund_is_found_by_payment_intent(deliver, card_contribution):
    deliver(session_event(COMPLETED, card_contribution))
    event = refund_event(card_contribution, amount_refunded=2500)
    event["data"]["object"]["metadata"] = {}
    assert deliver(event).json()["outcome"] == "applied"
    assert _state(card_contribution) == ("refunded", 2500, 2500, 0, 2)


def test_full_payment_flow_through_the_api(api_client, client, fake_stripe, deliver):
    """From the API call to the receipt: what a real payment goes through."""
    created = api_client.post(
        "/api/v1/contributions/",
        {
            "target": {"type": "cooperative"},
            "amount_cents": 3300,
            "currency": "EUR",
            "email": "don@example.org",
        },
        format="json",
    ).json()
    contribution = Contribution.objects.get(pk=created["id"])
    deliver(session_event(COMPLETED, contribution))
    contribution.refresh_from_db()
    assert contribution.status == "paid"
    assert Fund.objects.get().available_cents == 3300
    assert mail.outbox[0].to == ["don@example.org"]
