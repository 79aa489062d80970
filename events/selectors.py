"""Reads of the calendar, each with its joins (no lock here: services lock)."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from events.models import (
    ACTIVE_REGISTRATION,
    Event,
    EventKind,
    EventStatus,
    EventVisibility,
    Registration,
    RegistrationStatus,
)
from events.rules import event_visible_q


def _with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.annotate(
        registered_count=Count(
            "registrations",
            filter=Q(registrations__status=RegistrationStatus.REGISTERED),
            distinct=True,
        ),
        waitlisted_count=Count(
            "registrations",
            filter=Q(registrations__status=RegistrationStatus.WAITLISTED),
            distinct=True,
        ),
    )


def event_visible_to(user) -> QuerySet[Event]:
    # The visibility filter joins the project's authors: ``distinct`` keeps one row per event.
    return Event.objects.filter(event_visible_q(user)).distinct()


def event_list(
    *,
    user,
    kind: str | None = None,
    project_id: int | None = None,
    commune: str | None = None,
    after: datetime.datetime | None = None,
    before: datetime.datetime | None = None,
    upcoming: bool | None = None,
) -> QuerySet[Event]:
    ids = event_visible_to(user).values("pk")
    qs = Event.objects.filter(pk__in=ids).select_related("project").order_by("starts_at", "id")
    if kind:
        qs = qs.filter(kind=kind)
    if project_id:
        qs = qs.filter(project_id=project_id)
    if commune:
        qs = qs.filter(commune__iexact=commune)
    if after:
        qs = qs.filter(starts_at__gte=after)
    if before:
        qs = qs.filter(starts_at__lt=before)
    now = timezone.now()
    if upcoming is True:
        qs = qs.filter(ends_at__gte=now).exclude(status=EventStatus.CANCELLED)
    elif upcoming is False:
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    return _with_counts(qs)


def event_get(*, user, pk: int) -> Event:
    """The event if the person may see it (``Event.DoesNotExist`` otherwise)."""
    ids = event_visible_to(user).values("pk")
    return _with_counts(
        Event.objects.filter(pk__in=ids).select_related("project", "assembly", "closed_by")
    ).get(pk=pk)


def event_communes() -> list[str]:
    return list(
        Event.objects.exclude(commune="")
        .order_by("commune")
        .values_list("commune", flat=True)
        .distinct()
    )


def registration_active(*, event: Event, user) -> Registration | None:
    if not user or not user.is_authenticated:
        return None
    return Registration.objects.filter(ACTIVE_REGISTRATION, event=event, user=user).first()


def registration_position(registration: Registration) -> int | None:
    """1 for the first waiter; None for a registered or cancelled person."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return Registration.objects.filter(
        event_id=registration.event_id,
        status=RegistrationStatus.WAITLISTED,
        id__lte=registration.id,
    ).count()


def event_registrations(*, event: Event) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(ACTIVE_REGISTRATION, event=event)
        .select_related("user")
        .order_by("status", "id")
    )


def event_attendees(*, event: Event) -> QuerySet[Registration]:
    return Registration.objects.filter(event=event, attended=True).select_related("user")


def calendar_public() -> QuerySet[Event]:
    return (
        Event.objects.filter(visibility=EventVisibility.PUBLIC)
        .exclude(status=EventStatus.CANCELLED)
        .order_by("starts_at", "id")
    )


def calendar_private(*, user) -> QuerySet[Event]:
    """The person's registrations and their projects' meetings, among what they may see."""
    mine = Q(
        pk__in=Registration.objects.filter(ACTIVE_REGISTRATION, user=user).values("event_id")
    ) | Q(
        kind=EventKind.WORK_MEETING,
        project__in=user.authored_projects.values("pk"),
    )
    ids = event_visible_to(user).filter(mine).values("pk")
    return (
        Event.objects.filter(pk__in=ids)
        .exclude(status=EventStatus.CANCELLED)
        .order_by("starts_at", "id")
    )


def project_events(*, user, project_id: int, limit: int) -> dict:
    """A project's upcoming meetings and the ones closed with minutes (project page)."""
    visible = event_visible_to(user).values("pk")
    base = Event.objects.filter(pk__in=visible, project_id=project_id)
    now = timezone.now()
    upcoming = list(
        _with_counts(
            base.filter(status=EventStatus.SCHEDULED, ends_at__gte=now).order_by("starts_at")
        )[:limit]
    )
    with_minutes = list(
        base.filter(status=EventStatus.CLOSED).exclude(minutes="").order_by("-starts_at")[:limit]
    )
    return {"upcoming": upcoming, "with_minutes": with_minutes}
