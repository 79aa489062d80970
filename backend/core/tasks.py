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
