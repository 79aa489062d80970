"""The project page's « Needs and hours » section: the hours each need wants and has
received, the hours given to the project's time account and by whom (a panel of
backend/core/panels.py: the ledger lives here, the page in projects)."""

from django.template.loader import render_to_string

from backend.core.panels import page_panel_register
from marketplace.selectors.listings import project_givers, project_need_listings_open

GIVERS_LIMIT = 20


def project_needs_context(project, user) -> dict | None:
    needs = list(project.needs.all())  # prefetched with their skills by projects.selectors
    givers = project_givers(project=project)
    if not needs and not givers:
        return None
    listings = project_need_listings_open(project=project) if needs else {}
    return {
        "project": project,
        "needs": [(need, listings.get(need.skill_id)) for need in needs],
        "wanted_minutes": sum(n.minutes_wanted for n in needs),
        "given_to_needs_minutes": sum(n.given_minutes for n in needs),
        "given_minutes": sum(g.minutes for g in givers),
        # Names of givers are shown to signed-in people; visitors see how many gave.
        "givers": givers[:GIVERS_LIMIT] if user.is_authenticated else [],
        "givers_count": len(givers),
    }


def project_needs_panel(request, project) -> str | None:
    context = project_needs_context(project, request.user)
    if context is None:
        return None
    return render_to_string(
        "marketplace/project/_needs.html", {"section": context}, request=request
    )


def register() -> None:
    page_panel_register("projects:detail", project_needs_panel)
