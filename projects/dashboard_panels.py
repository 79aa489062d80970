"""Projects' panel on the member dashboard (registered from ProjectsConfig.ready)."""

import rules
from django.utils.translation import gettext_lazy as _

from backend.core.dashboard import PANEL_LIMIT, DashboardPanel, dashboard_panel_register
from projects.selectors import project_list_authored


def projects_panel(user) -> dict:
    projects = list(project_list_authored(user=user)[: PANEL_LIMIT + 1])
    return {
        "projects": projects[:PANEL_LIMIT],
        "more": len(projects) > PANEL_LIMIT,
        "can_propose": rules.has_perm("projects.propose_project", user),
    }


def register() -> None:
    dashboard_panel_register(
        DashboardPanel(
            code="projects",
            title=_("My projects"),
            template="projects/dashboard/_projects.html",
            context=projects_panel,
            position=50,
        )
    )
