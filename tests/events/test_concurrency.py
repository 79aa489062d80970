"""Seats and the waiting list stay exact under concurrent registrations (PostgreSQL)."""

import pytest

from events import services
from events.models import Registration
from events.selectors import registration_position
from tests.concurrency import run_concurrently
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_thirty_concurrent_registrations_for_ten_seats(event_factory):
    # given
    event = event_factory(capacity=10)
    people = [UserFactory() for _ in range(30)]
    # when: all thirty register at the same instant
    results = run_concurrently(
        [lambda p=p: services.registration_create(actor=p, event=event) for p in people]
    )
    # then: exactly ten seated, twenty waiting, in the order they got the event's lock
    assert not [r for r in results if isinstance(r, Exception)]
    rows = list(Registration.objects.filter(event=event).order_by("id"))
    assert [r.status for r in rows].count("registered") == 10
    assert [r.status for r in rows].count("waitlisted") == 20
    # the seated ones came first: no waiter was created before a seated person
    assert [r.status for r in rows] == ["registered"] * 10 + ["waitlisted"] * 20
    assert [registration_position(r) for r in rows[10:]] == list(range(1, 21))
    assert {r.user_id for r in rows} == {p.pk for p in people}


def test_concurrent_cancellations_promote_one_waiter_each(event_factory):
    event = event_factory(capacity=3)
    people = [UserFactory() for _ in range(8)]
    for person in people:
        services.registration_create(actor=person, event=event)
    # the three seated cancel at once (each twice: the second attempt must do nothing)
    workers = [
        lambda p=p: services.registration_cancel(actor=p, event=event) for p in people[:3]
    ] * 2
    run_concurrently(workers)
    statuses = dict(
        Registration.objects.filter(event=event)
        .exclude(status="cancelled")
        .values_list("user_id", "status")
    )
    assert statuses == {
        **{p.pk: "registered" for p in people[3:6]},
        **{p.pk: "waitlisted" for p in people[6:]},
    }
