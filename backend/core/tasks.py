from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def email_send(
    self, *, subject: str, body: str, to: list[str], from_email: str, html: str | None = None
) -> int:
    from backend.core.models import SentEmail

    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    task_id = self.request.id
    with transaction.atomic():
        # The marker is written first and kept only if the sending succeeds: a second
        # delivery of the same task (a worker killed before acknowledging it) waits on
        # this row's unique index, then finds it and sends nothing.
        if task_id and not SentEmail.objects.get_or_create(task_id=task_id)[1]:
            return 0
        return message.send()


@shared_task(acks_late=True)
def sent_emails_prune() -> int:
    """Forget the sending markers old enough that no broker redelivers their task (the
    visibility timeout is an hour): the table stays small."""
    from datetime import timedelta

    from django.utils import timezone

    from backend.core.models import SentEmail

    deleted, _ = SentEmail.objects.filter(sent_at__lt=timezone.now() - timedelta(days=7)).delete()
    return deleted


DIGEST_BATCH = 200


@shared_task(acks_late=True)
def digests_send(frequency: str) -> int:
    """Beat's entry point: split the people due a digest of this frequency into batches.
    Safe to run more than once in a period: the outbox key of each digest names the
    person and the period, so a second run enqueues nothing."""
    from django.db.models import Q
    from django.utils import timezone

    from backend.accounts.models import User
    from backend.core.models import DigestFrequency

    now = timezone.now()
    wanted = Q(digest_preference__frequency=frequency)
    if frequency == DigestFrequency.WEEKLY:
        wanted |= Q(digest_preference__isnull=True)
    ids = list(
        User.objects.filter(wanted, is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), DIGEST_BATCH):
        digests_send_batch.delay(frequency, ids[start : start + DIGEST_BATCH], now.isoformat())
    return len(ids)


@shared_task(acks_late=True)
def digests_send_batch(frequency: str, user_ids: list[int], now: str) -> int:
    import datetime

    from backend.accounts.models import User
    from backend.core.services import digest_send

    moment = datetime.datetime.fromisoformat(now)
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        if getattr(user, "is_erased", False):
            continue
        sent += digest_send(user=user, frequency=frequency, now=moment)
    return sent


@shared_task(bind=True, acks_late=True, max_retries=None)
def outbox_send(self, email_id: int) -> bool:
    """Send one e-mail of the outbox (safe to run twice: the row says whether it went)."""
    from backend.core.outbox import MAX_ATTEMPTS, outbox_deliver, outbox_record_failure

    try:
        return outbox_deliver(email_id=email_id)
    except (SMTPException, OSError) as exc:
        attempts = outbox_record_failure(email_id=email_id, error=f"{type(exc).__name__}: {exc}")
        if self.request.is_eager or attempts >= MAX_ATTEMPTS:
            return False  # outbox_flush tries again later; the admin shows the error
        raise self.retry(exc=exc, countdown=min(60 * 2**attempts, 6 * 60 * 60)) from exc


@shared_task(acks_late=True)
def outbox_flush() -> int:
    """Send what is still waiting a few minutes after it was queued (a lost task, a
    broker restart), and forget sent e-mails after 90 days."""
    from datetime import timedelta

    from backend.core.outbox import outbox_pending_ids, outbox_prune

    pending = outbox_pending_ids(older_than=timedelta(minutes=5))
    for email_id in pending:
        outbox_send.delay(email_id)
    outbox_prune(older_than=timedelta(days=90))
    return len(pending)
