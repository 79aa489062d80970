"""Events' panels on the dashboard: my next events, and the coordinator's rhythm duties
(a convivial event every year, a network meeting every quarter, a work meeting every
60 days for each running project)."""

import datetime

import rules
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.dashboard import PANEL_LIMIT, DashboardPanel, dashboard_panel_register
from events.models import Event, EventKind, EventStatus, Registration, RegistrationStatus
from projects.models import Project, ProjectStatus

WORK_MEETING_GAP = datetime.timedelta(days=60)


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def previous_quarter(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    end = quarter_start(day)
    return quarter_start(end - datetime.timedelta(days=1)), end


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def rhythm_warnings(*, now: datetime.datetime | None = None) -> list[dict]:
    """What the coordinator should plan (three queries, whatever the number of events)."""
    now = now or timezone.now()
    held = Event.objects.exclude(status=EventStatus.CANCELLED)
    warnings = []
    if not held.filter(
        kind=EventKind.CONVIVIAL,
        starts_at__gte=now,
        starts_at__lte=now + datetime.timedelta(days=365),
    ).exists():
        warnings.append(
            {
                "code": "convivial",
                "text": _("No convivial event is planned in the next twelve months."),
            }
        )
    start, end = previous_quarter(timezone.localdate(now))
    if not held.filter(
        kind=EventKind.NETWORK_MEETING, starts_at__gte=_aware(start), starts_at__lt=_aware(end)
    ).exists():
        warnings.append({
            "code": "network",
            "text": _("The last quarter (from %(start)s) passed without a network meeting.")
            % {"start": start.strftime("%d/%m/%Y")},
        })  # fmt: skip
    recent = held.filter(
        kind=EventKind.WORK_MEETING,
        project=OuterRef("pk"),
        starts_at__gte=now - WORK_MEETING_GAP,
        starts_at__lte=now,
    )
    quiet = list(
        Project.objects.filter(status=ProjectStatus.IN_PROGRESS)
        .filter(~Exists(recent))
        .order_by("title")[: PANEL_LIMIT + 1]
    )
    for project in quiet[:PANEL_LIMIT]:
        warnings.append({
            "code": "work_meeting",
            "text": _("« %(title)s » is running and had no work meeting for 60 days.")
            % {"title": project.title},
            "url": project.get_absolute_url(),
        })  # fmt: skip
    return warnings


def rhythm_panel(user) -> dict | None:
    if not rules.has_perm("events.manage_event", user):
        return None
    return {"warnings": rhythm_warnings()}


def my_events_panel(user) -> dict | None:
    if not user.is_authenticated:
        return None
    registrations = list(
        Registration.objects.filter(
            user=user,
            status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED],
            event__status=EventStatus.SCHEDULED,
            event__ends_at__gte=timezone.now(),
        )
        .select_related("event")
        .order_by("event__starts_at")[: PANEL_LIMIT + 1]
    )
    return {"registrations": registrations[:PANEL_LIMIT], "more": len(registrations) > PANEL_LIMIT}


def register() -> None:
    dashboard_panel_register(
        DashboardPanel(
            code="events_rhythm",
            title=gettext_lazy("Rhythm of the cooperative"),
            template="events/dashboard/_rhythm.html",
            context=rhythm_panel,
            position=5,
        )
    )
    dashboard_panel_register(
        DashboardPanel(
            code="events_mine",
            title=gettext_lazy("My next events"),
            template="events/dashboard/_mine.html",
            context=my_events_panel,
            position=45,
        )
    )
