"""The observatory's computed figures for events held and resources published."""

import datetime

import pytest
from django.utils import timezone

from commons.models import Resource
from events.models import Event
from events.services import event_create
from observatory.computed import computed_source, events_held, resources_published

pytestmark = pytest.mark.django_db

DIE = "com-26113"


def _event(coordinator, *, status, **values):
    start = timezone.now() - datetime.timedelta(days=3)
    event = event_create(
        actor=coordinator,
        kind="convivial",
        title="Fête de la coopérative",
        visibility="public",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        **values,
    )
    Event.objects.filter(pk=event.pk).update(status=status)  # held: closed after the fact
    return event


def test_an_event_gets_its_commune_territory_from_the_services(territories, coordinator):
    assert _event(coordinator, commune="Die", status="scheduled").territory_id == DIE
    assert _event(coordinator, commune="Nulle-Part", status="scheduled").territory_id is None


def test_events_held_count_where_they_took_place(territories, coordinator):
    _event(coordinator, commune="Die", status="closed")
    _event(coordinator, commune="Die", status="closed")
    _event(coordinator, commune="Die", status="scheduled")  # not held (yet)
    _event(coordinator, commune="Nulle-Part-sur-Rien", status="closed")  # no such commune
    assert events_held((None, None)) == {DIE: (2.0, 2)}
    since = timezone.now() - datetime.timedelta(days=1)
    assert events_held((since, None)) == {}
    assert computed_source("events_held") is not None


def test_resources_published_count_in_the_suggesting_pioneers_commune(territories, pioneer_in):
    pioneer = pioneer_in(DIE)
    common = {
        "summary": "Monter une centrale solaire villageoise.",
        "kind": "method",
        "authors": "Énergie partagée",
        "submitted_by": pioneer.user,
    }
    Resource.objects.create(
        title="Énergies citoyennes", slug="energies", status="published",
        published_at=timezone.now(), **common,
    )  # fmt: skip
    Resource.objects.create(title="En relecture", slug="relecture", status="proposed", **common)
    assert resources_published((None, None)) == {DIE: (1.0, 1)}
    assert computed_source("resources_published") is not None
