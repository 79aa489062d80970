"""Concern counts stay exact when many pioneers flag and unflag at once (PostgreSQL)."""

import pytest

from projects.models import ConcernFlag, Project
from projects.services import concern_flag, concern_unflag
from tests.concurrency import run_concurrently
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_flags_and_unflags_keep_the_count_exact(pioneer_factory):
    # given: 12 pioneers, 6 of whom already flagged the project
    pioneers = [pioneer_factory() for _ in range(12)]
    project = ProjectFactory(status="submitted")
    for person in pioneers[:6]:
        concern_flag(actor=person, project=project)
    # when: the first 6 withdraw while the other 6 flag, each twice, all at once
    workers = []
    for person in pioneers[:6]:
        workers.append(lambda p=person: concern_unflag(actor=p, project=project))
    for person in pioneers[6:]:
        workers += [lambda p=person: concern_flag(actor=p, project=project)] * 2
    results = run_concurrently(workers)
    # then
    assert not [r for r in results if isinstance(r, Exception)]
    project.refresh_from_db()
    assert project.concern_count == ConcernFlag.objects.filter(project=project).count() == 6
    assert project.concern_share == pytest.approx(0.5)
    assert set(ConcernFlag.objects.values_list("user_id", flat=True)) == {
        p.pk for p in pioneers[6:]
    }
    assert Project.objects.get(pk=project.pk).concern_count == 6
