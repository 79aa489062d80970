from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row
from backend.core.services import audit_record
from projects.errors import ProjectError
from projects.lifecycle import step_for
from projects.models import Project, ProjectStatus, ProjectTransition
from projects.needs import project_needs_changed
from projects.notifications import notify_users
from projects.roles import project_roles
from projects.services._common import forbidden


@transaction.atomic
def project_transition(
    *, actor: User, project: Project, to: str, reason: str = ""
) -> ProjectTransition:
    """Move a project one step in its lifecycle, record who/when/why, e-mail its authors."""
    if not actor or not actor.is_authenticated:
        raise forbidden()
    project = lock_row(
        Project, project.pk
    )  # two coordinators clicking at once: one wins, one gets 409
    current = project.status
    if to not in ProjectStatus.values:
        raise ProjectError(
            _("Unknown state."), code="unknown_state", errors={"to": [_("Unknown state.")]}
        )
    step = step_for(current, to)
    if step is None:
        raise ProjectError(
            _("A project cannot go from « %(from)s » to « %(to)s ».")
            % {"from": ProjectStatus(current).label, "to": ProjectStatus(to).label},
            code="invalid_transition",
            status_code=409,
        )
    if not step.roles & project_roles(actor, project):
        raise forbidden(_("You are not allowed to make this change."), code="transition_forbidden")
    reason = (reason or "").strip()
    if step.reason_required and not reason:
        message = _("A reason is required for this decision.")
        raise ProjectError(message, code="reason_required", errors={"reason": [message]})
    project.status = to
    project.save(update_fields=["status", "updated_at"])
    transition = ProjectTransition.objects.create(
        project=project, from_status=current, to_status=to, actor=actor, reason=reason
    )
    audit_record(
        actor=actor,
        action="project.transition",
        target=project,
        data={"from": current, "to": to, "reason": reason},
    )
    # A selected or running project's needs become requests in the place des marchés
    # (and stop being requests once it leaves those states).
    project_needs_changed(actor=actor, project=project)
    notify_users(
        users=list(project.authors.all()),
        template_prefix="projects/email/transition",
        context={"project": project, "transition": transition, "actor": actor},
    )
    return transition
