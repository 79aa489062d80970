import datetime

import pytest
from django.utils import timezone

from backend.core.models import AuditEvent
from events import services
from events.errors import EventError
from events.models import Registration
from events.selectors import registration_position
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_registrations_beyond_capacity_join_the_waiting_list_in_order(event_factory):
    # given
    event = event_factory(capacity=2)
    people = [UserFactory() for _ in range(4)]
    # when
    regs = [services.registration_create(actor=p, event=event) for p in people]
    # then
    assert [r.status for r in regs] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert [registration_position(r) for r in regs] == [None, None, 1, 2]
    assert AuditEvent.objects.filter(action="events.register").count() == 4


def test_registering_twice_is_a_conflict_and_changes_nothing(event_factory, member):
    event = event_factory(capacity=5)
    services.registration_create(actor=member, event=event)
    with pytest.raises(EventError) as err:
        services.registration_create(actor=member, event=event)
    assert err.value.status_code == 409
    assert err.value.code == "already_registered"
    assert Registration.objects.filter(event=event).count() == 1


def test_registering_after_the_deadline_is_refused(event_factory, member):
    event = event_factory(registration_deadline=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(EventError) as err:
        services.registration_create(actor=member, event=event)
    assert err.value.status_code == 400
    assert err.value.code == "deadline"
    assert not Registration.objects.exists()


def test_a_cancellation_promotes_the_first_waiter_once(event_factory, mailoutbox):
    # given: 1 seat, one seated, two waiting
    event = event_factory(capacity=1)
    seated, first, second = UserFactory(), UserFactory(), UserFactory()
    for person in (seated, first, second):
        services.registration_create(actor=person, event=event)
    # when
    services.registration_cancel(actor=seated, event=event)
    # then: the first waiter is seated, the second moves up to position 1
    statuses = dict(Registration.objects.filter(event=event).values_list("user_id", "status"))
    assert statuses == {seated.pk: "cancelled", first.pk: "registered", second.pk: "waitlisted"}
    second_reg = Registration.objects.get(event=event, user=second)
    assert registration_position(second_reg) == 1
    assert AuditEvent.objects.filter(action="events.promote").count() == 1
    # and cancelling again is refused, promoting nobody more
    with pytest.raises(EventError):
        services.registration_cancel(actor=seated, event=event)
    assert Registration.objects.get(event=event, user=second).status == "waitlisted"
    assert AuditEvent.objects.filter(action="events.promote").count() == 1


def test_a_waiter_who_cancels_promotes_nobody(event_factory):
    event = event_factory(capacity=1)
    seated, first, second = UserFactory(), UserFactory(), UserFactory()
    for person in (seated, first, second):
        services.registration_create(actor=person, event=event)
    services.registration_cancel(actor=first, event=event)
    assert Registration.objects.get(event=event, user=second).status == "waitlisted"
    assert Registration.objects.filter(event=event, status="registered").count() == 1


def test_a_larger_room_seats_the_first_waiters(event_factory, coordinator):
    event = event_factory(capacity=1)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        services.registration_create(actor=person, event=event)
    services.event_update(actor=coordinator, event=event, capacity=2)
    statuses = list(
        Registration.objects.filter(event=event).order_by("id").values_list("status", flat=True)
    )
    assert statuses == ["registered", "registered", "waitlisted"]


def test_the_confirmation_carries_an_ics_attachment(
    event_factory, member, mailoutbox, django_capture_on_commit_callbacks
):
    event = event_factory(capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(actor=member, event=event)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [member.email]
    assert event.title in message.subject
    names = [a[0] if isinstance(a, tuple) else a.filename for a in message.attachments]
    assert names == ["evenement.ics"]


def test_a_work_meeting_needs_a_selected_or_running_project(coordinator):
    start = timezone.now() + datetime.timedelta(days=3)
    values = {"kind": "work_meeting", "title": "Réunion", "starts_at": start,
              "ends_at": start + datetime.timedelta(hours=2)}  # fmt: skip
    with pytest.raises(EventError) as err:
        services.event_create(actor=coordinator, **values)
    assert "project" in err.value.errors
    draft = ProjectFactory(status="draft")
    with pytest.raises(EventError):
        services.event_create(actor=coordinator, project=draft, **values)
    running = ProjectFactory(status="in_progress")
    event = services.event_create(actor=coordinator, project=running, **values)
    assert event.project == running
    assert event.visibility == "members"


def test_a_meeting_closes_only_with_minutes(event_factory, coordinator, member):
    project = ProjectFactory(status="in_progress")
    event = event_factory(kind="work_meeting", project=project, visibility="members")
    services.registration_create(actor=member, event=event)
    with pytest.raises(EventError) as err:
        services.event_close(actor=coordinator, event=event, minutes="  ")
    assert err.value.code == "minutes_required"
    event.refresh_from_db()
    assert event.status == "scheduled"
    services.event_close(
        actor=coordinator, event=event, minutes="On a avancé.", decisions="Acheter un établi.",
        next_steps="Devis", attendee_ids=[member.pk],
    )  # fmt: skip
    event.refresh_from_db()
    assert event.status == "closed"
    assert event.has_minutes
    assert Registration.objects.get(event=event, user=member).attended


def test_attendees_are_ticked_among_the_registered(event_factory, coordinator, member):
    event = event_factory(kind="network_meeting")
    stranger = UserFactory()
    with pytest.raises(EventError):
        services.event_close(
            actor=coordinator, event=event, minutes="Notes", attendee_ids=[stranger.pk]
        )
    event.refresh_from_db()
    assert event.status == "scheduled"
    assert event.minutes == ""


def test_the_reminder_goes_once_the_day_before(event_factory, member):
    from backend.core.models import OutboxEmail
    from events.tasks import event_reminders_send

    tomorrow = event_factory(starts_at=timezone.now() + datetime.timedelta(hours=20))
    next_week = event_factory(starts_at=timezone.now() + datetime.timedelta(days=7))
    for event in (tomorrow, next_week):
        Registration.objects.create(event=event, user=member, status="registered")
    event_reminders_send()
    event_reminders_send()  # beat runs hourly, and a task may be delivered twice
    reminders = OutboxEmail.objects.filter(key__startswith="event-reminder:")
    registration = Registration.objects.get(event=tomorrow)
    assert list(reminders.values_list("key", flat=True)) == [f"event-reminder:{registration.pk}"]
