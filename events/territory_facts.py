"""What the calendar puts in a territory's figures (registered in ``EventsConfig.ready``)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventStatus, EventVisibility
from territories.registry import (
    FactProvider,
    LocatedModel,
    territory_facts_register,
    territory_located_register,
)


def public_events_held():
    return Event.objects.filter(status=EventStatus.CLOSED, visibility=EventVisibility.PUBLIC)


def register() -> None:
    territory_facts_register(
        FactProvider(
            key="events_held",
            label=_("Public events held"),
            queryset=public_events_held,
            territory_path="territory",
            aggregate=lambda: Count("pk"),
            order=25,
            date_field="starts_at",
        )
    )
    territory_located_register(
        LocatedModel(
            label="events.Event",
            unresolved=lambda: (
                Event.objects.filter(territory__isnull=True).exclude(commune="").order_by("pk")
            ),
            describe=lambda e: f"{e.title} ({e.commune})",
        )
    )
