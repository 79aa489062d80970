"""Issue 15 §2 on PostgreSQL: starts wait for each other on the cooperative's settings
row, so concurrent starts never put more projects in progress than the setting allows."""

import pytest

from backend.core.errors import ApplicationError
from governance.models import CooperativeSettings
from projects.models import Project, ProjectTransition
from projects.services import project_transition
from tests.concurrency import run_concurrently
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REASON = "Démarré en même temps qu'un autre pour éprouver le verrou."


def _start_all(coordinator, projects) -> list[object]:
    return run_concurrently(
        [
            lambda p=project: project_transition(
                actor=coordinator, project=p, to="in_progress", reason=REASON
            )
            for project in projects
        ]
    )


def _refusals(results) -> list[ApplicationError]:
    return [r for r in results if isinstance(r, ApplicationError)]


def test_two_concurrent_starts_give_exactly_one_409(coordinator):
    # given: two selected projects, nothing running, the default cap of 1
    projects = [ProjectFactory(title="Jardin"), ProjectFactory(title="Vélo")]
    # when: both are started at the same instant
    results = _start_all(coordinator, projects)
    # then
    refused = _refusals(results)
    assert len(refused) == 1
    assert refused[0].status_code == 409
    assert refused[0].code == "too_many_in_progress"
    started = Project.objects.get(status="in_progress")
    assert started.title in refused[0].message
    assert ProjectTransition.objects.filter(to_status="in_progress").count() == 1
    assert not [r for r in results if isinstance(r, Exception) and r not in refused]


@pytest.mark.parametrize(("starters", "cap"), [(6, 1), (8, 3)])
def test_many_concurrent_starts_never_exceed_the_cap(coordinator, starters, cap):
    coop = CooperativeSettings.load()
    coop.max_projects_in_progress = cap
    coop.save()
    projects = [ProjectFactory() for _ in range(starters)]
    results = _start_all(coordinator, projects)
    refused = _refusals(results)
    assert len(refused) == starters - cap
    assert all(r.status_code == 409 for r in refused)
    assert Project.objects.filter(status="in_progress").count() == cap
    assert not [r for r in results if isinstance(r, Exception) and r not in refused]
