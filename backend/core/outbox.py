"""The e-mail outbox: the one way Terreau sends e-mail.

A service that decides to write to someone calls ``outbox_enqueue`` (or ``email_user``,
which renders the templates in the person's language first) inside its transaction. The
row commits with the decision or not at all; after commit a Celery task sends it. The
sending locks the row and marks it sent in the same transaction, so a task delivered
twice (a worker killed before acknowledging) finds it sent and does nothing. A failed
sending is recorded on the row and retried with a growing delay; ``outbox_flush`` (Celery
beat) picks up whatever a lost task left behind.
"""

import base64
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from backend.core.locks import lock_row, lock_rows
from backend.core.models import OutboxEmail

MAX_ATTEMPTS = 8
SUBJECT_PREFIX = "[Terreau] "


def _attachment_row(filename: str, content: bytes | str, mimetype: str) -> dict:
    data = content.encode() if isinstance(content, str) else content
    return {
        "filename": filename,
        "content_b64": base64.b64encode(data).decode(),
        "mimetype": mimetype,
    }


def outbox_enqueue(
    *,
    key: str | None,
    to: list[str],
    subject: str,
    body: str,
    html: str | None = None,
    headers: dict | None = None,
    attachments: list[tuple[str, bytes | str, str]] | None = None,
    from_email: str | None = None,
) -> OutboxEmail | None:
    """Queue one e-mail, sent after the current transaction commits. Returns ``None`` when
    a message with the same ``key`` was queued before (it is never sent twice)."""
    from backend.core.tasks import outbox_send

    if key is not None and OutboxEmail.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            email = OutboxEmail.objects.create(
                key=key,
                to=list(to),
                from_email=from_email or settings.DEFAULT_FROM_EMAIL,
                subject=subject[:255],
                body=body,
                html=html or "",
                headers=headers or {},
                attachments=[_attachment_row(*item) for item in attachments or []],
            )
    except IntegrityError:
        return None  # a concurrent request queued the same key first
    transaction.on_commit(lambda: outbox_send.delay(email.pk))
    return email


def email_user(
    *,
    user,
    template_prefix: str,
    context: dict,
    key: str | None = None,
    headers: dict | None = None,
    attachments: list[tuple[str, bytes | str, str]] | None = None,
) -> OutboxEmail | None:
    """Render ``<template_prefix>_subject.txt``, ``_message.txt`` (and ``_message.html``
    when it exists) in ``user.language`` and queue them for ``user``."""
    if getattr(user, "is_erased", False) or not user.email:
        return None  # an erased person's address is a placeholder: nobody to write to
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {**context, "user": user, "site_url": settings.SITE_URL}
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        body = render_to_string(f"{template_prefix}_message.txt", context)
        try:
            html = render_to_string(f"{template_prefix}_message.html", context)
        except TemplateDoesNotExist:
            html = None
    return outbox_enqueue(
        key=key,
        to=[user.email],
        subject=f"{SUBJECT_PREFIX}{' '.join(subject.split())}",
        body=body,
        html=html,
        headers=headers,
        attachments=attachments,
    )


def _message(email: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=email.to,
        headers=email.headers or None,
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for item in email.attachments:
        message.attach(item["filename"], base64.b64decode(item["content_b64"]), item["mimetype"])
    return message


def outbox_deliver(*, email_id: int) -> bool:
    """Send one queued e-mail unless it went already; ``True`` when it was sent now.
    A sending error propagates and leaves the row as it was (the caller records it)."""
    with transaction.atomic():
        try:
            email = lock_row(OutboxEmail, email_id)
        except OutboxEmail.DoesNotExist:
            return False
        if email.status == OutboxEmail.Status.SENT:
            return False
        _message(email).send()
        email.status = OutboxEmail.Status.SENT
        email.attempts += 1
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["status", "attempts", "sent_at", "last_error"])
        return True


def outbox_record_failure(*, email_id: int, error: str) -> int:
    """Count a failed attempt; past ``MAX_ATTEMPTS`` the e-mail is marked failed (an
    administrator can send it again from the admin). Returns the attempts so far."""
    with transaction.atomic():
        OutboxEmail.objects.filter(pk=email_id).exclude(status=OutboxEmail.Status.SENT).update(
            attempts=F("attempts") + 1, last_error=error[:2000]
        )
        email = OutboxEmail.objects.filter(pk=email_id).only("attempts", "status").first()
        if email is None:
            return 0
        if email.attempts >= MAX_ATTEMPTS and email.status == OutboxEmail.Status.PENDING:
            OutboxEmail.objects.filter(pk=email_id).update(status=OutboxEmail.Status.FAILED)
        return email.attempts


def outbox_retry(*, email_ids: list[int]) -> int:
    """Put failed e-mails back in the queue (the admin's action); returns how many."""
    from backend.core.tasks import outbox_send

    with transaction.atomic():
        failed = [
            email.pk
            for email in lock_rows(OutboxEmail, email_ids)
            if email.status == OutboxEmail.Status.FAILED
        ]
        OutboxEmail.objects.filter(pk__in=failed).update(
            status=OutboxEmail.Status.PENDING, attempts=0
        )
        for pk in failed:
            transaction.on_commit(lambda pk=pk: outbox_send.delay(pk))
    return len(failed)


def outbox_pending_ids(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """E-mails still waiting after ``older_than``: their task was lost or is retrying."""
    return list(
        OutboxEmail.objects.filter(
            status=OutboxEmail.Status.PENDING, created_at__lt=timezone.now() - older_than
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_prune(*, older_than: timedelta) -> int:
    """Forget sent e-mails older than ``older_than``; returns how many rows went."""
    deleted, _ = OutboxEmail.objects.filter(
        status=OutboxEmail.Status.SENT, sent_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
