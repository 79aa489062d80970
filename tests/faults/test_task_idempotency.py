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

from backend.core.models import SentEmail
from backend.core.tasks import email_send
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


EMAIL = {
    "subject": "Bonjour",
    "body": "Texte",
    "to": ["a@example.org"],
    "from_email": "ne-pas-repondre@terreau.coop",
}


# ------------------------------------------------------------------ e-mail


def test_a_redelivered_email_task_sends_nothing_more():
    email_send.apply(kwargs=EMAIL, task_id="tache-1")
    email_send.apply(kwargs=EMAIL, task_id="tache-1")  # the same message, delivered again
    assert len(mail.outbox) == 1
    assert SentEmail.objects.filter(task_id="tache-1").count() == 1
    email_send.apply(kwargs=EMAIL, task_id="tache-2")  # another message is another e-mail
    assert len(mail.outbox) == 2


def test_old_sending_markers_are_pruned():
    from backend.core.tasks import sent_emails_prune

    email_send.apply(kwargs=EMAIL, task_id="ancienne")
    email_send.apply(kwargs=EMAIL, task_id="recente")
    SentEmail.objects.filter(task_id="ancienne").update(
        sent_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert sent_emails_prune() == 1
    assert list(SentEmail.objects.values_list("task_id", flat=True)) == ["recente"]


def test_an_email_that_failed_to_send_is_sent_by_its_retry(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailsOnceBackend"}}
    FailsOnceBackend.failures = 1
    # The first attempt meets the SMTP error, rolls its marker back and asks Celery
    # for a retry, which runs at once here (eager) under the same task id.
    result = email_send.apply(kwargs=EMAIL, task_id="tache-3", throw=False)
    assert result.successful(), result.result
    assert FailsOnceBackend.failures == 0  # the failure did happen
    assert len(mail.outbox) == 1
    email_send.apply(kwargs=EMAIL, task_id="tache-3")  # and a late redelivery sends nothing
    assert len(mail.outbox) == 1
    assert SentEmail.objects.filter(task_id="tache-3").count() == 1


# ------------------------------------------------------------------ convocations


def test_convocations_killed_midway_then_rerun_reach_everyone_once(
    coordinator, colleges, membership_factory
):
    from governance.assemblies import services
    from governance.assemblies.models import ConvocationNotice
    from governance.assemblies.tasks import assembly_convocations_send

    people = [membership_factory(college=colleges["fondateurs"], shares=1) for _ in range(5)]
    assembly = services.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )
    services.assembly_convene(actor=coordinator, assembly=assembly)  # sent at commit: not yet
    mail.outbox.clear()
    ConvocationNotice.objects.all().delete()
    with (
        connection.execute_wrapper(CrashOn("governance_convocationnotice", nth=3)),
        pytest.raises(OperationalError),
    ):
        assembly_convocations_send(assembly.pk)
    assert len(mail.outbox) == 2  # two members convened before the crash
    assert assembly_convocations_send(assembly.pk) == 3  # the retry convenes the rest
    assert assembly_convocations_send(assembly.pk) == 0
    addressed = sorted(m.to[0] for m in mail.outbox)
    assert addressed == sorted(p.user.email for p in people)


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
    mail.outbox.clear()
    # killed while the round is being written: nothing recorded, nothing sent
    with (
        connection.execute_wrapper(CrashOn("governance_votenotice")),
        pytest.raises(OperationalError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        vote_notice_send(vote_id=vote.pk, kind=VoteNotice.Kind.OPENING)
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        sent = vote_notice_send(vote_id=vote.pk, kind=VoteNotice.Kind.OPENING)
    with django_capture_on_commit_callbacks(execute=True):
        assert vote_notice_send(vote_id=vote.pk, kind=VoteNotice.Kind.OPENING) == 0
    assert sent == len(mail.outbox) == 4
    assert len({m.to[0] for m in mail.outbox}) == 4


# ------------------------------------------------------------------ receipts


def test_a_receipt_task_killed_while_recording_sends_once_after_retry(coordinator):
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
    mail.outbox.clear()
    contribution.__class__.objects.filter(pk=contribution.pk).update(receipt_sent_at=None)
    with (
        connection.execute_wrapper(CrashOn("marketplace_contribution", verb="UPDATE")),
        pytest.raises(OperationalError),
    ):
        contribution_receipt_email(contribution.pk)
    assert not mail.outbox  # the crash came before the e-mail left
    assert contribution_receipt_email(contribution.pk) is True
    assert contribution_receipt_email(contribution.pk) is False
    assert len(mail.outbox) == 1


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
