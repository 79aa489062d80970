from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from events.models import EventStatus, Registration, RegistrationStatus

REMINDER_BATCH = 500


@shared_task(acks_late=True)
def event_reminders_send() -> int:
    """Remind the registered people of the events starting within a day. Run every hour
    by beat; the outbox key ``event-reminder:<registration>`` sends each reminder once,
    even when this task is delivered twice or runs again within the day."""
    from events.notifications import registration_reminder

    now = timezone.now()
    registrations = (
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            event__status=EventStatus.SCHEDULED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + timedelta(days=1),
        )
        .select_related("event", "user")
        .order_by("id")[:REMINDER_BATCH]
    )
    count = 0
    for registration in registrations:
        registration_reminder(registration=registration)
        count += 1
    return count
