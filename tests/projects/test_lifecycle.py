"""The lifecycle: every (state, role, target) either succeeds as specified or changes nothing."""

import pytest
from django.core import mail

from projects.errors import ProjectError
from projects.models import Project, ProjectTransition
from projects.services import project_transition
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

STATES = [
    "draft",
    "submitted",
    "in_review",
    "accepted_for_vote",
    "declined",
    "returned",
    "selected",
    "not_selected",
    "in_progress",
    "completed",
    "abandoned",
]
ROLES = ["anonymous", "member", "author", "coordinator", "superuser"]

# The specification of issue 5, written out independently of projects.lifecycle.
A, C = {"author"}, {"coordinator", "superuser"}
ALLOWED = {
    ("draft", "submitted"): A,
    ("draft", "abandoned"): A | C,
    ("submitted", "draft"): A,
    ("submitted", "in_review"): C,
    ("in_review", "accepted_for_vote"): C,
    ("in_review", "declined"): C,
    ("in_review", "returned"): C,
    ("returned", "submitted"): A,
    ("returned", "abandoned"): A,
    ("accepted_for_vote", "selected"): C,
    ("accepted_for_vote", "not_selected"): C,
    ("selected", "in_progress"): C,
    ("in_progress", "completed"): C,
    ("in_progress", "abandoned"): C,
}


def person(role, project, coordinator):
    from django.contrib.auth.models import AnonymousUser

    if role == "anonymous":
        return AnonymousUser()
    if role == "coordinator":
        return coordinator
    if role == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    user = UserFactory()
    if role == "author":
        project.authors.add(user)
    return user


@pytest.mark.parametrize("target", STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_every_transition_by_every_role(
    state, role, target, coordinator, django_capture_on_commit_callbacks
):
    # given
    project = ProjectFactory(status=state)
    actor = person(role, project, coordinator)
    allowed = ALLOWED.get((state, target))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        try:
            project_transition(actor=actor, project=project, to=target, reason="Parce que.")
            outcome = 200
        except ProjectError as err:
            outcome = err.status_code
    # then
    project.refresh_from_db()
    if role == "anonymous":
        expected = 403
    elif allowed is None:
        expected = 409
    else:
        expected = 200 if role in allowed else 403
    assert outcome == expected
    if expected == 200:
        assert project.status == target
        step = ProjectTransition.objects.get(project=project)
        assert (step.from_status, step.to_status, step.actor_id, step.reason) == (
            state,
            target,
            actor.pk,
            "Parce que.",
        )
    else:
        assert project.status == state
        assert not ProjectTransition.objects.exists()
        assert mail.outbox == []


@pytest.mark.parametrize(
    ("state", "target"),
    [("in_review", "declined"), ("in_review", "returned"), ("in_progress", "abandoned")],
)
def test_declining_returning_and_abandoning_need_a_reason(state, target, coordinator):
    project = ProjectFactory(status=state)
    with pytest.raises(ProjectError) as err:
        project_transition(actor=coordinator, project=project, to=target, reason="  ")
    assert err.value.code == "reason_required"
    assert err.value.status_code == 400
    project.refresh_from_db()
    assert project.status == state
    assert not ProjectTransition.objects.exists()


def test_an_unknown_state_is_refused(coordinator):
    project = ProjectFactory(status="submitted")
    with pytest.raises(ProjectError) as err:
        project_transition(actor=coordinator, project=project, to="flying")
    assert err.value.code == "unknown_state"


def test_each_transition_emails_every_author_in_their_language_after_commit(
    coordinator, django_capture_on_commit_callbacks
):
    # given
    project = ProjectFactory(status="in_review", title="Jardin partagé")
    french, english = UserFactory(language="fr"), UserFactory(language="en")
    project.authors.add(french, english)
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        project_transition(
            actor=coordinator, project=project, to="declined", reason="Hors du périmètre."
        )
    # then: nothing is sent before the commit
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {french.email, english.email}
    assert (
        "Refusé" in by_address[french.email].subject
        or "refus" in by_address[french.email].subject.lower()
    )
    assert "Declined" in by_address[english.email].subject
    assert "Hors du périmètre." in by_address[english.email].body


def test_the_timeline_keeps_every_step_in_order(coordinator):
    project = ProjectFactory(status="draft")
    author = UserFactory()
    project.authors.add(author)
    project_transition(actor=author, project=project, to="submitted")
    project_transition(actor=coordinator, project=project, to="in_review")
    project_transition(
        actor=coordinator, project=project, to="returned", reason="Préciser le coût."
    )
    project_transition(actor=author, project=project, to="submitted")
    steps = list(Project.objects.get(pk=project.pk).transitions.values_list("to_status", "reason"))
    assert steps == [
        ("submitted", ""),
        ("in_review", ""),
        ("returned", "Préciser le coût."),
        ("submitted", ""),
    ]
