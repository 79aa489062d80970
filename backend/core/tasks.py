from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5
)
def email_send(
    *, subject: str, body: str, to: list[str], from_email: str, html: str | None = None
) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
