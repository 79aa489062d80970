"""The project page's « Meetings and minutes » section (registered in projects.sections)."""

import rules

from events.models import ACTIVE_REGISTRATION, Registration
from events.selectors import project_events
from projects.sections import ProjectSection, project_section_register

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


def register() -> None:
    project_section_register(
        ProjectSection(
            code="events",
            template="events/project/_meetings.html",
            context=meetings_context,
            position=50,
        )
    )
