"""The calendar's part of a person's data (backend.accounts.privacy).

Erasure keeps the registrations (seat counts and minutes' attendee lists stay right;
the person then reads "Deleted member"), and removes the private calendar's secret and
the digest preference, which only served them.
"""

from backend.accounts.privacy import PrivacySection, Rows
from backend.core.models import DigestPreference
from events.models import CalendarToken, Registration


def events_export(user) -> dict[str, Rows]:
    return {
        "event_registrations": [
            {
                "event": r.event.title,
                "starts_at": r.event.starts_at,
                "status": r.status,
                "attended": r.attended,
                "created_at": r.created_at,
                "cancelled_at": r.cancelled_at,
            }
            for r in Registration.objects.filter(user=user)
            .select_related("event")
            .order_by("created_at", "id")
        ],
        "private_calendar": [
            {"created_at": t.created_at} for t in CalendarToken.objects.filter(user=user)
        ],
        "digest_preference": [
            {"frequency": p.frequency, "updated_at": p.updated_at}
            for p in DigestPreference.objects.filter(user=user)
        ],
    }


def events_erase(user) -> dict[str, int]:
    return {
        "calendar_tokens": CalendarToken.objects.filter(user=user).delete()[0],
        "digest_preferences": DigestPreference.objects.filter(user=user).delete()[0],
    }


SECTION = PrivacySection(name="events", export=events_export, erase=events_erase, order=35)
