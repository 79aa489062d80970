"""E-mails to a project's people, each in their own language, sent once the transaction commits."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from backend.core.tasks import email_send


def notify_users(*, users, template_prefix: str, context: dict) -> None:
    for user in users:
        if not user.email:
            continue
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            personal = {**context, "user": user, "site_url": settings.SITE_URL}
            subject = render_to_string(f"{template_prefix}_subject.txt", personal).strip()
            body = render_to_string(f"{template_prefix}_message.txt", personal)
        transaction.on_commit(
            lambda subject=subject, body=body, to=user.email: email_send.delay(
                subject=f"[Terreau] {subject}",
                body=body,
                to=[to],
                from_email=settings.DEFAULT_FROM_EMAIL,
            )
        )
