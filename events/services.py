"""Every write of the calendar: atomic, the event row locked first, audited; e-mails go
through the outbox (one row per message, sent after commit, at most once per key)."""

import secrets
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.locks import lock_row
from backend.core.services import audit_record
from events import notifications
from events.errors import EventError
from events.models import (
    ACTIVE_REGISTRATION,
    CalendarToken,
    Event,
    EventKind,
    EventStatus,
    EventVisibility,
    Registration,
    RegistrationStatus,
)
from projects.models import ProjectStatus
from territories.services import territory_resolve_commune

# A work meeting serves a project the cooperative pursues.
MEETING_PROJECT_STATES = (ProjectStatus.SELECTED, ProjectStatus.IN_PROGRESS)

EVENT_FIELDS = (
    "kind", "title", "description", "starts_at", "ends_at", "address", "commune", "latitude",
    "longitude", "online_url", "capacity", "registration_deadline", "visibility", "project",
    "assembly",
)  # fmt: skip


def _validate(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = [_("The end must come after the start.")]
    deadline = values.get("registration_deadline")
    if deadline and deadline > values["starts_at"]:
        errors["registration_deadline"] = [_("Registrations must close before the start.")]
    project = values.get("project")
    if values["kind"] == EventKind.WORK_MEETING:
        if project is None:
            errors["project"] = [_("A work meeting is tied to a project.")]
        elif project.status not in MEETING_PROJECT_STATES:
            errors["project"] = [_("A work meeting is tied to a selected or running project.")]
    if values.get("visibility") == EventVisibility.PROJECT_TEAM and project is None:
        errors["visibility"] = [_("Only an event tied to a project can be for its team.")]
    if values.get("assembly") is not None and values["kind"] != EventKind.SEMINAR:
        errors["assembly"] = [_("Only a seminar is tied to an assembly.")]
    if values.get("capacity") is not None and values["capacity"] < 1:
        errors["capacity"] = [_("At least one seat, or no limit.")]
    if errors:
        raise EventError(_("The event is not valid."), code="invalid", errors=errors)


def _territory_of(commune: str):
    return territory_resolve_commune(name=commune) if commune else None


@transaction.atomic
def event_create(*, actor, **values: Any) -> Event:
    values = {field: values.get(field) for field in EVENT_FIELDS if field in values}
    for text in ("description", "address", "commune", "online_url"):
        values[text] = values.get(text) or ""
    values.setdefault("visibility", EventVisibility.MEMBERS)
    _validate(values)
    event = Event.objects.create(
        created_by=actor, territory=_territory_of(values["commune"]), **values
    )
    audit_record(actor=actor, action="events.create", target=event)
    return event


@transaction.atomic
def event_update(*, actor, event: Event, **values: Any) -> Event:
    event = lock_row(Event, event.pk)
    if event.status != EventStatus.SCHEDULED:
        raise EventError(_("A closed or cancelled event can no longer change."), code="closed")
    merged = {field: getattr(event, field) for field in EVENT_FIELDS}
    merged.update({field: value for field, value in values.items() if field in EVENT_FIELDS})
    for text in ("description", "address", "commune", "online_url"):
        merged[text] = merged.get(text) or ""
    _validate(merged)
    for field, value in merged.items():
        setattr(event, field, value)
    event.territory = _territory_of(event.commune)
    event.save()
    _promote_waiters(event=event, actor=actor)  # a larger room seats the first waiters
    audit_record(actor=actor, action="events.update", target=event)
    return event


@transaction.atomic
def event_cancel(*, actor, event: Event) -> Event:
    event = lock_row(Event, event.pk)
    if event.status != EventStatus.SCHEDULED:
        raise EventError(_("This event is not scheduled."), code="closed")
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="events.cancel", target=event)
    return event


def _deadline(event: Event):
    return event.registration_deadline or event.starts_at


def _free_seats(event: Event) -> int | None:
    if event.capacity is None:
        return None
    taken = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()
    return max(event.capacity - taken, 0)


@transaction.atomic
def registration_create(*, actor, event: Event) -> Registration:
    """Register the person, or put them on the waiting list when every seat is taken.

    The event row is locked first: concurrent registrations queue on it, so the seats
    are counted by one of them at a time and never over-booked, and the waiting list's
    ids follow the order in which they got the lock."""
    event = lock_row(Event, event.pk)
    if event.status != EventStatus.SCHEDULED:
        raise EventError(_("Registrations are closed for this event."), code="closed")
    if timezone.now() > _deadline(event):
        raise EventError(_("The registration deadline has passed."), code="deadline")
    if Registration.objects.filter(ACTIVE_REGISTRATION, event=event, user=actor).exists():
        raise EventError(
            _("You are already registered for this event."),
            code="already_registered",
            status_code=409,
        )
    free = _free_seats(event)
    status = (
        RegistrationStatus.REGISTERED if free is None or free > 0 else RegistrationStatus.WAITLISTED
    )
    registration = Registration.objects.create(event=event, user=actor, status=status)
    audit_record(
        actor=actor, action="events.register", target=registration, data={"status": status}
    )
    notifications.registration_confirmed(registration=registration, event=event)
    return registration


def _promote_waiters(*, event: Event, actor) -> list[Registration]:
    """Seat the first waiters in order while seats are free (the event is locked)."""
    free = _free_seats(event)
    waiters = Registration.objects.filter(
        event=event, status=RegistrationStatus.WAITLISTED
    ).order_by("id")
    promoted = list(waiters if free is None else waiters[:free])
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at", "updated_at"])
        audit_record(actor=actor, action="events.promote", target=registration)
        notifications.registration_promoted(registration=registration, event=event)
    return promoted


@transaction.atomic
def registration_cancel(*, actor, event: Event, user=None) -> Registration:
    """Cancel a registration (one's own, or anyone's by the coordinator) and seat the
    first waiter once, under the event's lock."""
    event = lock_row(Event, event.pk)
    person = user or actor
    registration = Registration.objects.filter(
        ACTIVE_REGISTRATION, event=event, user=person
    ).first()
    if registration is None:
        raise EventError(_("You are not registered for this event."), code="not_registered",
                         status_code=404)  # fmt: skip
    if event.status != EventStatus.SCHEDULED:
        raise EventError(_("This event is over."), code="closed")
    was_seated = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_record(actor=actor, action="events.unregister", target=registration)
    if was_seated:
        _promote_waiters(event=event, actor=actor)
    return registration


@transaction.atomic
def event_close(
    *,
    actor,
    event: Event,
    minutes: str,
    decisions: str = "",
    next_steps: str = "",
    attendee_ids: list[int] | None = None,
) -> Event:
    """Close the event; a work or network meeting closes only with its minutes."""
    event = lock_row(Event, event.pk)
    if event.status != EventStatus.SCHEDULED:
        raise EventError(_("This event is already closed or cancelled."), code="closed")
    if event.needs_minutes and not (minutes or "").strip():
        raise EventError(
            _("A meeting closes only with its minutes."),
            code="minutes_required",
            errors={"minutes": [_("Write the minutes.")]},
        )
    attendee_ids = set(attendee_ids or [])
    registrations = Registration.objects.filter(ACTIVE_REGISTRATION, event=event)
    unknown = attendee_ids - set(registrations.values_list("user_id", flat=True))
    if unknown:
        raise EventError(
            _("Attendees are ticked among the registered people."),
            code="invalid",
            errors={"attendees": [_("Unknown attendee.")]},
        )
    registrations.filter(user_id__in=attendee_ids).update(attended=True)
    registrations.filter(~Q(user_id__in=attendee_ids)).update(attended=False)
    event.minutes = minutes.strip()
    event.decisions = (decisions or "").strip()
    event.next_steps = (next_steps or "").strip()
    event.status = EventStatus.CLOSED
    event.closed_at = timezone.now()
    event.closed_by = actor
    event.save()
    audit_record(
        actor=actor, action="events.close", target=event, data={"attendees": len(attendee_ids)}
    )
    return event


@transaction.atomic
def calendar_token_regenerate(*, user) -> CalendarToken:
    """A new secret for the person's private feed; the previous URL stops working."""
    CalendarToken.objects.filter(user=user).delete()
    token = CalendarToken.objects.create(user=user, token=secrets.token_urlsafe(32))
    audit_record(actor=user, action="events.calendar_token", target=None)
    return token


@transaction.atomic
def calendar_token_revoke(*, user) -> None:
    deleted, _rows = CalendarToken.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=user, action="events.calendar_token_revoke", target=None)
