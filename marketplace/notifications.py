"""E-mails about exchanges, each in its reader's language, sent once the transaction commits."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from backend.core.tasks import email_send


def exchange_notify(*, user, exchange, event: str, text: str = "") -> None:
    """Tell ``user`` (a party) what the other party just did on ``exchange``."""
    if not user.email:
        return
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    context = {
        "user": user,
        "exchange": exchange,
        "event": event,
        "text": text,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("marketplace:exchange_detail", args=[exchange.pk]),
    }
    with translation.override(language):
        subject = render_to_string("marketplace/email/exchange_subject.txt", context).strip()
        body = render_to_string("marketplace/email/exchange_message.txt", context)
    transaction.on_commit(
        lambda: email_send.delay(
            subject=f"[Terreau] {subject}",
            body=body,
            to=[user.email],
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
    )
