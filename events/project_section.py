"""The project page's « Meetings and minutes » section (a panel of backend/core/panels.py)."""

import rules
from django.template.loader import render_to_string

from backend.core.panels import page_panel_register
from events.models import ACTIVE_REGISTRATION, Registration
from events.selectors import project_events

SECTION_LIMIT = 5


def meetings_context(project, user) -> dict | None:
    found = project_events(user=user, project_id=project.pk, limit=SECTION_LIMIT)
    coordinator = rules.has_perm("events.manage_event", user)
    if not found["upcoming"] and not found["with_minutes"] and not coordinator:
        return None
    mine = {}
    if user.is_authenticated and found["upcoming"]:
        mine = dict(
            Registration.objects.filter(
                ACTIVE_REGISTRATION, user=user, event__in=found["upcoming"]
            ).values_list("event_id", "status")
        )
    upcoming = [(event, mine.get(event.pk)) for event in found["upcoming"]]
    return {
        "project": project,
        "upcoming": upcoming,
        "with_minutes": found["with_minutes"],
        "can_organise": coordinator,
    }


def meetings_panel(request, project) -> str | None:
    context = meetings_context(project, request.user)
    if context is None:
        return None
    return render_to_string("events/project/_meetings.html", {"section": context}, request=request)


def register() -> None:
    page_panel_register("projects:detail:sections", meetings_panel)
