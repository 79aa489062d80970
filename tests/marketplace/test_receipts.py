"""Receipts: a sequential number for every paid contribution, e-mailed once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from backend.core.models import OutboxEmail
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


def test_the_receipt_is_queued_with_the_payment_and_sent_once(
    paid_contribution_factory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contribution = paid_contribution_factory(amount_cents=1_500, email="don@example.org")
    # the task (a catch-up, a duplicate) finds it queued and sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        assert contribution_receipt_email.delay(contribution.pk).get() is False
    (receipt,) = mail.outbox
    assert receipt.to == ["don@example.org"]
    assert contribution.receipt_number in receipt.subject
    assert "15\u00a0€" in receipt.body
    email = OutboxEmail.objects.get(key=f"receipt:{contribution.pk}")
    assert email.status == OutboxEmail.Status.SENT


def test_a_payment_whose_receipt_cannot_be_queued_is_not_recorded(coordinator, member):
    from django.db import OperationalError, connection

    from marketplace.services.contributions import (
        contribution_manual_payment_record,
        contribution_start,
    )
    from tests.faults.test_task_idempotency import CrashOn

    pledge = contribution_start(actor=member, project=None, amount_cents=2_000, card=False)
    with (
        connection.execute_wrapper(CrashOn("core_outboxemail")),
        pytest.raises(OperationalError),
    ):
        contribution_manual_payment_record(
            actor=coordinator,
            contribution=pledge,
            method="bank_transfer",
            amount_cents=2_000,
            received_on=timezone.localdate(),
            reference="VIR-CRASH",
        )
    pledge.refresh_from_db()
    assert pledge.status == "pending"
    assert not pledge.receipt_number
    assert not OutboxEmail.objects.exists()


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
    email = OutboxEmail.objects.get(key=f"receipt:{contribution.pk}")
    assert email.subject.startswith("Receipt ")
    assert "€12" in email.body


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


def test_catch_up_sends_the_receipts_that_were_lost(
    paid_contribution_factory, django_capture_on_commit_callbacks
):
    # given a paid contribution whose receipt was never queued (paid before the outbox)
    contribution = paid_contribution_factory(amount_cents=1_000, email="oubli@example.org")
    Contribution.objects.filter(pk=contribution.pk).update(
        paid_at=timezone.now() - timedelta(hours=2)
    )
    sent = paid_contribution_factory(amount_cents=1_000, email="sent@example.org")
    Contribution.objects.filter(pk=sent.pk).update(paid_at=timezone.now() - timedelta(hours=2))
    recent = paid_contribution_factory(amount_cents=1_000, email="recent@example.org")
    OutboxEmail.objects.filter(
        key__in=[f"receipt:{contribution.pk}", f"receipt:{recent.pk}"]
    ).delete()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        assert contribution_receipts_catch_up.delay().get() == 1
    # then only the old unsent one is sent; the recent one is left alone
    assert [m.to for m in mail.outbox] == [["oubli@example.org"]]
    assert not OutboxEmail.objects.filter(key=f"receipt:{recent.pk}").exists()


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
    assert OutboxEmail.objects.get(key=f"receipt:{pledge.pk}").status == "sent"
