"""iCalendar (RFC 5545) for events: one VEVENT per event, times in Europe/Paris with its
VTIMEZONE, a UID that never changes for an event, DTSTAMP from its last change."""

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Timezone, vText
from icalendar import Event as VEvent

from events.models import Event, EventStatus

PARIS = ZoneInfo("Europe/Paris")
UID_DOMAIN = "terreau.coop"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{UID_DOMAIN}"


def _vevent(event: Event) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", event.updated_at)
    vevent.add("dtstart", event.starts_at.astimezone(PARIS))
    vevent.add("dtend", event.ends_at.astimezone(PARIS))
    vevent.add("summary", event.title)
    if event.description:
        vevent.add("description", event.description)
    location = ", ".join(part for part in (event.address, event.commune) if part)
    if location or event.online_url:
        vevent["location"] = vText(location or event.online_url)
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", (event.latitude, event.longitude))
    vevent.add("url", f"{settings.SITE_URL}{event.get_absolute_url()}")
    vevent.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    vevent.add("categories", [event.kind])
    return vevent


def calendar_bytes(events: Iterable[Event], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Terreau//Agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    calendar.add_component(Timezone.from_tzid("Europe/Paris"))
    for event in events:
        calendar.add_component(_vevent(event))
    return calendar.to_ical()
