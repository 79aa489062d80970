"""E-mail a person in their own language, once the current transaction commits."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from backend.core.tasks import email_send


def email_user(*, user, template_prefix: str, context: dict) -> None:
    """Render ``<template_prefix>_subject.txt`` and ``_message.txt`` in ``user.language``
    and send them with ``email_send`` after commit (nothing is sent if it rolls back)."""
    if getattr(user, "is_erased", False):
        return  # an erased person's address is a placeholder: nobody to write to
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {**context, "user": user, "site_url": settings.SITE_URL}
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        body = render_to_string(f"{template_prefix}_message.txt", context)
    transaction.on_commit(
        lambda: email_send.delay(
            subject=f"[Terreau] {subject}",
            body=body,
            to=[user.email],
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
    )
