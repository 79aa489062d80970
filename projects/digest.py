"""The digest's « Projects » section: projects that moved to a public step in the period."""

from django.utils.translation import gettext_lazy as _

from backend.core.digest import SECTION_LIMIT, DigestItem, DigestSection, digest_section_register
from projects.lifecycle import PRIVATE_STATES
from projects.models import ProjectTransition


def projects_items(user, since, until) -> list[DigestItem]:
    steps = (
        ProjectTransition.objects.filter(created_at__gte=since, created_at__lt=until)
        .exclude(to_status__in=PRIVATE_STATES)
        .select_related("project")
        .order_by("-created_at", "-id")[: SECTION_LIMIT * 3]
    )
    items, seen = [], set()
    for step in steps:  # the latest step of each project
        if step.project_id in seen or step.project.status in PRIVATE_STATES:
            continue
        seen.add(step.project_id)
        items.append(
            DigestItem(
                title=step.project.title,
                url=step.project.get_absolute_url(),
                note=str(step.get_to_status_display()),
            )
        )
    return items[:SECTION_LIMIT]


def register() -> None:
    digest_section_register(
        DigestSection(code="projects", title=_("Projects"), items=projects_items, position=10)
    )
