from django.db import transaction
from django.db.models import F, FloatField, Value
from django.db.models.functions import Cast, Least
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row
from backend.core.services import audit_record
from projects.errors import ProjectError
from projects.models import ConcernFlag, Project, ProjectStatus
from projects.roles import active_pioneers
from projects.services._common import forbidden

# Pioneers say whether a project concerns them while it is discussed, chosen or carried out.
CONCERN_OPEN_STATES = frozenset(
    {
        ProjectStatus.SUBMITTED,
        ProjectStatus.IN_REVIEW,
        ProjectStatus.ACCEPTED_FOR_VOTE,
        ProjectStatus.SELECTED,
        ProjectStatus.IN_PROGRESS,
    }
)


def _share_of(count_expression, pioneers: int):
    return Least(Value(1.0), Cast(count_expression, FloatField()) / Value(float(max(pioneers, 1))))


@transaction.atomic
def concern_flag(*, actor: User, project: Project) -> tuple[ConcernFlag, bool]:
    """The pioneer says the project concerns them; saying it twice counts once."""
    if not active_pioneers().filter(user_id=actor.pk).exists():
        raise forbidden(
            _("Only active pioneers can say a project concerns them."), code="not_a_pioneer"
        )
    # The project's row lock serialises every flag on it: count and rows cannot drift apart.
    project = lock_row(Project, project.pk)
    if project.status not in CONCERN_OPEN_STATES:
        raise ProjectError(
            _("This project no longer collects concern."), code="concern_closed", status_code=409
        )
    if existing := ConcernFlag.objects.filter(project=project, user=actor).first():
        return existing, False
    flag = ConcernFlag.objects.create(project=project, user=actor)
    pioneers = active_pioneers().count()
    Project.objects.filter(pk=project.pk).update(
        concern_count=F("concern_count") + 1,
        concern_share=_share_of(F("concern_count") + 1, pioneers),
    )
    audit_record(actor=actor, action="project.concern_flag", target=project)
    return flag, True


@transaction.atomic
def concern_unflag(*, actor: User, project: Project) -> bool:
    """Withdraw one's concern flag; returns whether there was one."""
    project = lock_row(Project, project.pk)
    deleted, _detail = ConcernFlag.objects.filter(project=project, user=actor).delete()
    if not deleted:
        return False
    pioneers = active_pioneers().count()
    Project.objects.filter(pk=project.pk).update(
        concern_count=F("concern_count") - 1,
        concern_share=_share_of(F("concern_count") - 1, pioneers),
    )
    audit_record(actor=actor, action="project.concern_unflag", target=project)
    return True


@transaction.atomic
def concern_shares_refresh() -> int:
    """Re-divide every project's count by today's number of active pioneers.

    Pioneers join and leave without touching projects; the ranking calls this before it
    reads the shares, and a daily task keeps the pages right in between.
    """
    pioneers = active_pioneers().count()
    return Project.objects.update(concern_share=_share_of(F("concern_count"), pioneers))
