import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.services import audit_record
from projects.errors import ProjectError
from projects.lifecycle import FOLLOWED_STATES
from projects.models import Milestone, Project, ProjectUpdate
from projects.services._common import forbidden


def _check_can_follow_up(actor: User, project: Project) -> None:
    if not actor.has_perm("projects.follow_up_project", project):
        raise forbidden(_("Only the project's authors and the coordinator can post follow-up."))
    if project.status not in FOLLOWED_STATES:
        raise ProjectError(
            _("Follow-up starts once the project is selected."),
            code="not_followed",
            status_code=409,
        )


@transaction.atomic
def project_update_create(
    *, actor: User, project: Project, text: str, progress_percent: int
) -> ProjectUpdate:
    _check_can_follow_up(actor, project)
    text = (text or "").strip()
    if not text:
        message = _("An update needs some text.")
        raise ProjectError(message, code="empty_update", errors={"text": [message]})
    if not 0 <= progress_percent <= 100:
        message = _("Progress is between 0 and 100 %.")
        raise ProjectError(message, code="invalid_progress", errors={"progress_percent": [message]})
    update = ProjectUpdate.objects.create(
        project=project, author=actor, text=text, progress_percent=progress_percent
    )
    audit_record(actor=actor, action="project.update_post", target=project)
    return update


@transaction.atomic
def milestone_create(
    *, actor: User, project: Project, title: str, due_on: datetime.date | None = None
) -> Milestone:
    _check_can_follow_up(actor, project)
    title = (title or "").strip()
    if not title:
        message = _("A milestone needs a title.")
        raise ProjectError(message, code="empty_milestone", errors={"title": [message]})
    position = project.milestones.count()
    milestone = Milestone.objects.create(
        project=project, title=title, due_on=due_on, position=position
    )
    audit_record(actor=actor, action="project.milestone_create", target=project)
    return milestone


@transaction.atomic
def milestone_set_done(
    *, actor: User, milestone: Milestone, done_on: datetime.date | None
) -> Milestone:
    _check_can_follow_up(actor, milestone.project)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit_record(
        actor=actor,
        action="project.milestone_done" if done_on else "project.milestone_reopen",
        target=milestone.project,
    )
    return milestone
