from smtplib import SMTPException

from celery import shared_task


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
