"""E-mails about exchanges, each in its reader's language, sent once the transaction commits."""

from django.conf import settings
from django.urls import reverse

from backend.core.outbox import email_user


def exchange_notify(*, user, exchange, event: str, text: str = "") -> None:
    """Tell ``user`` (a party) what the other party just did on ``exchange``."""
    if not user.email:
        return
    email_user(
        user=user,
        template_prefix="marketplace/email/exchange",
        context={
            "exchange": exchange,
            "event": event,
            "text": text,
            "url": settings.SITE_URL.rstrip("/")
            + reverse("marketplace:exchange_detail", args=[exchange.pk]),
        },
    )
