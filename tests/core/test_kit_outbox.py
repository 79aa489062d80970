"""The e-mail outbox: sent once after commit, never twice, failures kept and retried."""

from smtplib import SMTPException

import pytest
from django.core import mail
from django.db import transaction

from backend.core.models import OutboxEmail
from backend.core.outbox import (
    MAX_ATTEMPTS,
    email_user,
    outbox_deliver,
    outbox_enqueue,
    outbox_retry,
)
from backend.core.tasks import outbox_flush, outbox_send

pytestmark = pytest.mark.django_db


def test_an_email_is_sent_after_commit_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox_enqueue(
            key="hello:1",
            to=["a@example.org"],
            subject="Bonjour",
            body="Texte",
            html="<p>Texte</p>",
            attachments=[("invite.ics", "BEGIN:VCALENDAR", "text/calendar")],
        )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["a@example.org"]
    assert sent.subject == "Bonjour"
    assert sent.alternatives[0][1] == "text/html"
    assert sent.attachments[0][0] == "invite.ics"
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.sent_at is not None
    # a redelivered task sends nothing more
    assert outbox_send.apply(args=[email.pk]).get() is False
    assert len(mail.outbox) == 1


def test_the_same_key_is_never_queued_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_enqueue(key="k", to=["a@example.org"], subject="s", body="b")
        assert outbox_enqueue(key="k", to=["a@example.org"], subject="s", body="b") is None
    assert OutboxEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                outbox_enqueue(key=None, to=["a@example.org"], subject="s", body="b")
                raise RuntimeError("the decision failed")
        except RuntimeError:
            pass
    assert not OutboxEmail.objects.exists()
    assert not mail.outbox


def test_a_failure_is_recorded_and_the_flush_sends_it_later(settings, monkeypatch):
    email = outbox_enqueue(key=None, to=["a@example.org"], subject="s", body="b")

    def refuse(self, fail_silently=False):
        raise SMTPException("server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert outbox_send.apply(args=[email.pk]).get() is False
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert email.attempts == 1
    assert "server down" in email.last_error
    monkeypatch.undo()
    OutboxEmail.objects.filter(pk=email.pk).update(created_at=email.created_at.replace(year=2020))
    assert outbox_flush() == 1
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_after_too_many_failures_it_is_failed_until_an_admin_retries(monkeypatch):
    email = outbox_enqueue(key=None, to=["a@example.org"], subject="s", body="b")
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send",
        lambda self, fail_silently=False: (_ for _ in ()).throw(OSError("no")),
    )
    for _ in range(MAX_ATTEMPTS):
        outbox_send.apply(args=[email.pk])
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    monkeypatch.undo()
    assert outbox_retry(email_ids=[email.pk]) == 1
    assert outbox_deliver(email_id=email.pk) is True
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT


@pytest.fixture
def mail_templates(settings, tmp_path):
    folder = tmp_path / "kit"
    folder.mkdir()
    (folder / "hello_subject.txt").write_text(
        "{% load i18n %}{% get_current_language as lang %}Hello {{ user.email }} ({{ lang }})\n"
    )
    (folder / "hello_message.txt").write_text("{% load i18n %}Body {{ thing }}")
    (folder / "hello_message.html").write_text("<p>{{ thing }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return "kit/hello"


def test_email_user_renders_in_the_persons_language(
    user_factory, mail_templates, django_capture_on_commit_callbacks
):
    user = user_factory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        email_user(user=user, template_prefix=mail_templates, context={"thing": 42}, key="k1")
        assert email_user(user=user, template_prefix=mail_templates, context={}, key="k1") is None
    email = OutboxEmail.objects.get(key="k1")
    assert email.subject == f"[Terreau] Hello {user.email} (en)"
    assert email.body == "Body 42"
    assert email.html == "<p>42</p>"
    assert mail.outbox[0].to == [user.email]


def test_outbox_admin_lists_and_retries(admin_client):
    email = outbox_enqueue(key="admin", to=["a@example.org"], subject="Sujet", body="b")
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.FAILED)
    response = admin_client.get("/admin/core/outboxemail/")
    assert response.status_code == 200
    assert "Sujet" in response.text
