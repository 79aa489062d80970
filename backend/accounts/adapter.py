from allauth.account.adapter import DefaultAccountAdapter

from backend.core.outbox import outbox_enqueue


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's e-mails through the outbox: queued with the page's transaction,
    sent by Celery after it commits, so a slow SMTP server never blocks a page."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        msg = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, mime in getattr(msg, "alternatives", []) if mime == "text/html"),
            None,
        )
        # No key: a person may ask for a second confirmation or reset link on purpose.
        outbox_enqueue(
            key=None,
            to=list(msg.to),
            subject=msg.subject,
            body=msg.body,
            html=html,
            from_email=msg.from_email or None,
        )
