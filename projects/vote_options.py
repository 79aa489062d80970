"""The projects app's side of the votes: a vote option may stand for a project.

Registered from ``ProjectsConfig.ready`` as the ``"project"`` option provider of
``governance/votes/subjects.py``: governance keeps only (kind, id) on its options and asks
here for the titles, the links and whether a project may be put to a vote. Projects sit
right of governance (``backend/core/layers.py``), so this module may import it.
"""

from collections.abc import Collection

from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.utils.translation import gettext as _

from governance.votes.models import VoteOption
from governance.votes.subjects import OptionProvider, Subject, option_provider_register
from projects.models import Project, ProjectStatus
from projects.services.lifecycle import project_vote_outcome_apply

KIND = VoteOption.PROJECT


def _subject(project: Project) -> Subject:
    return Subject(
        kind=KIND,
        ref=project.pk,
        title=project.title,
        url=project.get_absolute_url(),
        eligible=project.status == ProjectStatus.ACCEPTED_FOR_VOTE,
    )


def projects_resolve(refs: Collection[int]) -> dict[int, Subject]:
    rows = Project.objects.filter(pk__in=list(refs)).only("pk", "title", "slug", "status")
    return {project.pk: _subject(project) for project in rows}


def projects_candidates() -> list[Subject]:
    rows = (
        Project.objects.filter(status=ProjectStatus.ACCEPTED_FOR_VOTE)
        .only("pk", "title", "slug", "status")
        .order_by("title")
    )
    return [_subject(project) for project in rows]


PROVIDER = OptionProvider(
    kind=KIND,
    resolve=projects_resolve,
    candidates=projects_candidates,
    unknown_message=lambda ref: _("Project %(id)s does not exist.") % {"id": ref},
    ineligible_message=lambda subject: (
        _("Project “%(title)s” has not been accepted for a vote.") % {"title": subject.title}
    ),
    duplicate_message=lambda: _("A project is listed twice."),
    outcome_apply=project_vote_outcome_apply,
)


def project_in_a_vote(project_id: int) -> bool:
    return VoteOption.objects.filter(subject_kind=KIND, subject_id=project_id).exists()


def _protect(sender, instance: Project, **kwargs) -> None:
    # What on_delete=PROTECT did when the option held a foreign key: a project a vote
    # was about stays (the vote's options and ballots name it).
    if project_in_a_vote(instance.pk):
        raise ProtectedError(
            _("This project is an option of a vote and cannot be deleted."), {instance}
        )


def register() -> None:
    option_provider_register(PROVIDER)
    pre_delete.connect(_protect, sender=Project, dispatch_uid="projects.vote_options.protect")
