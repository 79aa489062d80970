from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's e-mails through Celery so a slow SMTP server never blocks a page."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from backend.core.tasks import email_send

        msg = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, mime in getattr(msg, "alternatives", []) if mime == "text/html"),
            None,
        )
        email_send.delay(
            subject=msg.subject,
            body=msg.body,
            to=list(msg.to),
            html=html,
            from_email=msg.from_email or settings.DEFAULT_FROM_EMAIL,
        )
