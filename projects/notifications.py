"""E-mails to a project's people, each in their own language, sent once the transaction commits."""

from backend.core.outbox import email_user


def notify_users(*, users, template_prefix: str, context: dict) -> None:
    for user in users:
        if user.email:
            email_user(user=user, template_prefix=template_prefix, context=context)
