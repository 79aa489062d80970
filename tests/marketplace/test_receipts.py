"""Receipts: a sequential number for every paid contribution, e-mailed once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.models import Contribution, ReceiptCounter
from marketplace.tasks import contribution_receipt_email, contribution_receipts_catch_up

pytestmark = pytest.mark.django_db


def test_receipt_numbers_follow_each_other_within_the_year(paid_contribution_factory):
    first = paid_contribution_factory(amount_cents=1_000)
    second = paid_contribution_factory(amount_cents=2_000)
    year = timezone.localdate().year
    assert first.receipt_number == f"{year}-00001"
    assert second.receipt_number == f"{year}-00002"
    assert ReceiptCounter.objects.get(year=year).last_number == 2


def test_the_receipt_task_sends_once_even_when_run_twice(paid_contribution_factory):
    contribution = paid_contribution_factory(amount_cents=1_500, email="don@example.org")
    assert contribution_receipt_email.delay(contribution.pk).get() is True
    assert contribution_receipt_email.delay(contribution.pk).get() is False
    (receipt,) = mail.outbox
    assert receipt.to == ["don@example.org"]
    assert contribution.receipt_number in receipt.subject
    assert "15" in receipt.body
    contribution.refresh_from_db()
    assert contribution.receipt_sent_at is not None


def test_the_receipt_is_in_the_contributors_language(api_client, coordinator, settings):
    from marketplace.services.contributions import contribution_manual_payment_record

    settings.STRIPE_SECRET_KEY = ""
    api_client.cookies["terreau_language"] = "en"
    created = api_client.post(
        "/api/v1/contributions/",
        {
            "target": {"type": "cooperative"},
            "amount_cents": 1200,
            "currency": "EUR",
            "email": "friend@example.org",
        },
        format="json",
    ).json()
    contribution = Contribution.objects.get(pk=created["id"])
    assert contribution.language == "en"
    contribution_manual_payment_record(
        actor=coordinator,
        contribution=contribution,
        method="bank_transfer",
        amount_cents=1200,
        received_on=timezone.localdate(),
        reference="TR-EN",
    )
    contribution_receipt_email.delay(contribution.pk)
    assert mail.outbox[0].subject.startswith("Receipt ")
    assert "€12" in mail.outbox[0].body


def test_without_an_address_no_receipt_is_sent(paid_contribution_factory):
    contribution = paid_contribution_factory(amount_cents=1_000, email="")
    assert contribution.receipt_number
    assert contribution_receipt_email.delay(contribution.pk).get() is False
    assert mail.outbox == []


def test_a_pending_contribution_has_no_receipt(member):
    from marketplace.services.contributions import contribution_start

    pledge = contribution_start(actor=member, project=None, amount_cents=2000, card=False)
    assert contribution_receipt_email.delay(pledge.pk).get() is False
    assert mail.outbox == []


def test_catch_up_sends_the_receipts_that_were_lost(paid_contribution_factory):
    # given a paid contribution whose receipt task never ran
    contribution = paid_contribution_factory(amount_cents=1_000, email="oubli@example.org")
    Contribution.objects.filter(pk=contribution.pk).update(
        paid_at=timezone.now() - timedelta(hours=2)
    )
    recent = paid_contribution_factory(amount_cents=1_000, email="recent@example.org")
    # when
    assert contribution_receipts_catch_up.delay().get() == 1
    # then only the old one is sent; the recent one is left to its own task
    assert [m.to for m in mail.outbox] == [["oubli@example.org"]]
    recent.refresh_from_db()
    assert recent.receipt_sent_at is None


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_receipts_go_through_a_real_worker_once(coordinator, member):
    from celery.contrib.testing.worker import start_worker

    from backend.celery import app
    from marketplace.services.contributions import (
        contribution_manual_payment_record,
        contribution_start,
    )

    pledge = contribution_start(actor=member, project=None, amount_cents=2_000, card=False)
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        # the payment's commit enqueues the receipt; a duplicate delivery follows it
        contribution_manual_payment_record(
            actor=coordinator,
            contribution=pledge,
            method="bank_transfer",
            amount_cents=2_000,
            received_on=timezone.localdate(),
            reference="VIR-WORKER",
        )
        assert contribution_receipt_email.delay(pledge.pk).get(timeout=30) is False
    assert [m.to for m in mail.outbox] == [[member.email]]
    pledge.refresh_from_db()
    assert pledge.receipt_sent_at is not None
