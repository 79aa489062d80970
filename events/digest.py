"""The digest's « Events coming » section: events announced since the last digest."""

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from backend.core.digest import SECTION_LIMIT, DigestItem, DigestSection, digest_section_register
from events.models import EventStatus
from events.selectors import event_visible_to


def events_items(user, since, until) -> list[DigestItem]:
    events = (
        event_visible_to(user)
        .filter(created_at__gte=since, created_at__lt=until, starts_at__gte=until)
        .filter(status=EventStatus.SCHEDULED)
        .order_by("starts_at")[:SECTION_LIMIT]
    )
    return [
        DigestItem(
            title=event.title,
            url=event.get_absolute_url(),
            note=formats.date_format(event.starts_at, "SHORT_DATETIME_FORMAT"),
        )
        for event in events
    ]


def register() -> None:
    digest_section_register(
        DigestSection(code="events", title=_("Events coming"), items=events_items, position=30)
    )
