"""The compasses on pioneer and project pages (registered with ``backend.core.panels``)."""

from django.template.loader import render_to_string

from backend.core.panels import page_panel_register
from observatory.selectors import compass_views
from projects.roles import is_author


def pioneer_panel(request, pioneer) -> str:
    owner = pioneer.user_id is not None and pioneer.user_id == request.user.pk
    views = compass_views(user=request.user, owner=owner, pioneer=pioneer)
    if not views and not owner:
        return ""
    return render_to_string(
        "observatory/_compasses.html",
        {"views": views, "owner": owner, "subject_name": pioneer.display_name},
        request=request,
    )


def project_panel(request, project) -> str:
    owner = is_author(request.user, project)
    views = compass_views(user=request.user, owner=owner, project=project)
    if not views and not owner:
        return ""
    return render_to_string(
        "observatory/_compasses.html",
        {"views": views, "owner": owner, "subject_name": project.title},
        request=request,
    )


def register() -> None:
    page_panel_register("pioneers:detail", pioneer_panel)
    page_panel_register("projects:detail", project_panel)
