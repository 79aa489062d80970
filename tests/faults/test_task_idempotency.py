"""A Celery task killed midway and delivered again (acks_late: the broker re-delivers
an unacknowledged message under the same task id): no duplicate e-mail, transfer or
receipt, and nothing lost. The crash is a real database error raised on a chosen
statement in the middle of the task's work (``connection.execute_wrapper``)."""

import datetime
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import OperationalError, connection
from django.utils import timezone

from backend.core.models import OutboxEmail
from backend.core.outbox import outbox_enqueue, outbox_prune
from backend.core.tasks import outbox_send
from marketplace.models import Exchange, TimeTransfer
from tests.factories import ExchangeFactory

pytestmark = pytest.mark.django_db


class CrashOn:
    """Fails the ``nth`` statement that starts with ``verb`` and names ``table``."""

    def __init__(self, table: str, *, verb: str = "INSERT", nth: int = 1):
        self.table, self.verb, self.nth, self.seen = table, verb, nth, 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(self.verb) and f'"{self.table}"' in sql:
            self.seen += 1
            if self.seen == self.nth:
                raise OperationalError("worker lost: the connection dropped")
        return execute(sql, params, many, context)


class FailsOnceBackend(EmailBackend):
    """An SMTP server that drops the first connection (test double for the outside
    world; our code runs for real)."""

    failures = 1

    def send_messages(self, messages):
        if FailsOnceBackend.failures:
            FailsOnceBackend.failures -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def _queued(key: str | None = None):
    return outbox_enqueue(key=key, to=["a@example.org"], subject="Bonjour", body="Texte")


# ------------------------------------------------------------------ e-mail


def test_a_redelivered_outbox_task_sends_nothing_more():
    email = _queued()
    assert outbox_send.apply(args=[email.pk], task_id="tache-1").get() is True
    # the same message, delivered again by the broker under the same id
    assert outbox_send.apply(args=[email.pk], task_id="tache-1").get() is False
    assert len(mail.outbox) == 1
    other = _queued()  # another message is another e-mail
    outbox_send.apply(args=[other.pk], task_id="tache-2")
    assert len(mail.outbox) == 2


def test_a_sending_task_killed_before_marking_sends_once_after_redelivery():
    email = _queued("killed:1")
    # the worker dies as it reads the row (the connection drops): nothing has left
    with (
        connection.execute_wrapper(CrashOn("core_outboxemail", verb="SELECT")),
        pytest.raises(OperationalError),
    ):
        outbox_send.apply(args=[email.pk], throw=True)
    assert not mail.outbox
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    # the broker delivers it again, then once more: one e-mail
    assert outbox_send.apply(args=[email.pk]).get() is True
    assert outbox_send.apply(args=[email.pk]).get() is False
    assert len(mail.outbox) == 1


def test_old_sent_emails_are_pruned_but_keys_keep_their_promise():
    plain = _queued()
    keyed = _queued("receipt:999")
    recent = _queued()
    for email in (plain, keyed, recent):
        outbox_send.apply(args=[email.pk])
    long_ago = timezone.now() - datetime.timedelta(days=91)
    OutboxEmail.objects.filter(pk__in=[plain.pk, keyed.pk]).update(sent_at=long_ago)
    assert outbox_prune(older_than=datetime.timedelta(days=90)) == 1
    assert set(OutboxEmail.objects.values_list("pk", flat=True)) == {keyed.pk, recent.pk}
    keyed.refresh_from_db()
    assert (keyed.body, keyed.subject, keyed.to) == ("", "", [])
    # the key still says it went: asking again sends nothing
    assert _queued("receipt:999") is None
    assert len(mail.outbox) == 3


def test_an_email_that_failed_to_send_is_sent_by_its_retry(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailsOnceBackend"}}
    FailsOnceBackend.failures = 1
    email = _queued("fails-once")
    # The first attempt meets the SMTP error: recorded on the row, nothing marked sent
    # (eager here, so no Celery retry: outbox_flush or the redelivery sends it).
    assert outbox_send.apply(args=[email.pk]).get() is False
    assert FailsOnceBackend.failures == 0  # the failure did happen
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.PENDING, 1)
    assert "Connection unexpectedly closed" in email.last_error
    assert outbox_send.apply(args=[email.pk]).get() is True
    assert outbox_send.apply(args=[email.pk]).get() is False
    assert len(mail.outbox) == 1


# ------------------------------------------------------------------ convocations


def test_convocations_killed_midway_then_rerun_reach_everyone_once(
    coordinator, colleges, membership_factory, django_capture_on_commit_callbacks
):
    from governance.assemblies import services
    from governance.assemblies.tasks import assembly_convocations_send

    people = [membership_factory(college=colleges["fondateurs"], shares=1) for _ in range(5)]
    assembly = services.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )
    services.assembly_convene(actor=coordinator, assembly=assembly)  # sent at commit: not yet
    mail.outbox.clear()
    # killed as it queues the third convocation: the first two are queued and sent
    with (
        django_capture_on_commit_callbacks(execute=True),
        connection.execute_wrapper(CrashOn("core_outboxemail", nth=3)),
        pytest.raises(OperationalError),
    ):
        assembly_convocations_send(assembly.pk)
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert assembly_convocations_send(assembly.pk) == 3  # the retry convenes the rest
    with django_capture_on_commit_callbacks(execute=True):
        assert assembly_convocations_send(assembly.pk) == 0
    addressed = sorted(m.to[0] for m in mail.outbox)
    assert addressed == sorted(p.user.email for p in people)
    assert mail.outbox[0].attachments[0][0] == "assemblee.ics"


# ------------------------------------------------------------------ vote notices


def test_a_vote_notice_round_killed_midway_is_sent_whole_by_the_retry(
    coordinator, colleges, membership_factory, django_capture_on_commit_callbacks
):
    from governance.votes.models import VoteNotice
    from governance.votes.notices import vote_notice_send
    from tests.governance.votes_helpers import make_vote

    for _ in range(4):
        membership_factory(college=colleges["fondateurs"], shares=1)
    vote = make_vote(coordinator)
    VoteNotice.objects.all().delete()
    OutboxEmail.objects.all().delete()
    mail.outbox.clear()
    # killed as it queues the third e-mail: nothing recorded, nothing queued, nothing sent
    with (
        django_capture_on_commit_callbacks(execute=True),
        connection.execute_wrapper(CrashOn("core_outboxemail", nth=3)),
        pytest.raises(OperationalError),
    ):
        vote_notice_send(vote_id=vote.pk, kind=VoteNotice.Kind.OPENING)
    assert not mail.outbox
    assert not OutboxEmail.objects.exists()
    assert not VoteNotice.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = vote_notice_send(vote_id=vote.pk, kind=VoteNotice.Kind.OPENING)
    with django_capture_on_commit_callbacks(execute=True):
        assert vote_notice_send(vote_id=vote.pk, kind=VoteNotice.Kind.OPENING) == 0
    assert sent == len(mail.outbox) == 4
    assert len({m.to[0] for m in mail.outbox}) == 4
    # the outbox, not the round's record, keeps anyone from hearing of it twice
    VoteNotice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert vote_notice_send(vote_id=vote.pk, kind=VoteNotice.Kind.OPENING) == 0
    assert len(mail.outbox) == 4


# ------------------------------------------------------------------ receipts


def test_a_receipt_task_killed_while_recording_sends_once_after_retry(
    coordinator, django_capture_on_commit_callbacks
):
    from marketplace.services.contributions import contribution_manual_create
    from marketplace.tasks import contribution_receipt_email

    contribution = contribution_manual_create(
        actor=coordinator,
        project=None,
        method="cash",
        amount_cents=2500,
        received_on=timezone.localdate(),
        reference="CASH-CRASH",
        name="Camille",
        email="don@example.org",
        public=False,
    )
    key = f"receipt:{contribution.pk}"
    assert OutboxEmail.objects.filter(key=key).exists()  # queued with the payment
    # a payment recorded before the outbox existed: its receipt never went
    OutboxEmail.objects.filter(key=key).delete()
    mail.outbox.clear()
    # killed as it audits, after queueing: the queued receipt goes with the transaction
    with (
        django_capture_on_commit_callbacks(execute=True),
        connection.execute_wrapper(CrashOn("core_auditevent")),
        pytest.raises(OperationalError),
    ):
        contribution_receipt_email(contribution.pk)
    assert not mail.outbox  # the crash came before the e-mail left
    assert not OutboxEmail.objects.filter(key=key).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert contribution_receipt_email(contribution.pk) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert contribution_receipt_email(contribution.pk) is False
    assert len(mail.outbox) == 1
    assert "25" in mail.outbox[0].body


# ------------------------------------------------------------------ exchanges


def test_auto_confirmation_killed_midway_pays_each_exchange_once(settings):
    from marketplace.tasks import exchanges_auto_confirm

    settings.MARKETPLACE_EXCHANGE_AUTO_CONFIRM_DAYS = 7
    old = timezone.now() - datetime.timedelta(days=8)
    exchanges = [ExchangeFactory(status="done", done_at=old, minutes=60) for _ in range(4)]
    with (
        connection.execute_wrapper(CrashOn("marketplace_timetransfer", nth=3)),
        pytest.raises(OperationalError),
    ):
        exchanges_auto_confirm()
    assert TimeTransfer.objects.count() == 2  # two paid before the crash, committed
    assert exchanges_auto_confirm() == 2  # the retry pays the two others
    assert exchanges_auto_confirm() == 0
    assert sorted(TimeTransfer.objects.values_list("exchange_id", flat=True)) == sorted(
        e.pk for e in exchanges
    )
    assert set(Exchange.objects.values_list("status", flat=True)) == {"confirmed"}
