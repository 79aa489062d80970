"""The calendar's e-mails, through the outbox: each has a key, so it goes out at most once
(a retried task or a replayed request enqueues nothing more)."""

from django.conf import settings

from backend.core.outbox import email_user
from events.ics import calendar_bytes


def _ics_attachment(event) -> list[tuple[str, bytes, str]]:
    return [("evenement.ics", calendar_bytes([event], name=event.title), "text/calendar")]


def _context(event) -> dict:
    return {"event": event, "event_url": f"{settings.SITE_URL}{event.get_absolute_url()}"}


def registration_confirmed(*, registration, event) -> None:
    from events.selectors import registration_position

    email_user(
        user=registration.user,
        template_prefix="events/email/registration",
        context={
            **_context(event),
            "registration": registration,
            "position": registration_position(registration),
        },
        key=f"event-registration:{registration.pk}",
        attachments=_ics_attachment(event),
    )


def registration_promoted(*, registration, event) -> None:
    email_user(
        user=registration.user,
        template_prefix="events/email/promoted",
        context={**_context(event), "registration": registration},
        key=f"event-promotion:{registration.pk}",
        attachments=_ics_attachment(event),
    )


def registration_reminder(*, registration) -> None:
    event = registration.event
    email_user(
        user=registration.user,
        template_prefix="events/email/reminder",
        context={**_context(event), "registration": registration},
        key=f"event-reminder:{registration.pk}",
    )
