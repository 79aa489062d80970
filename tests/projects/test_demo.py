import io

import pytest
from django.core.management import call_command

from projects.models import ConcernFlag, Project, RankingSnapshot

pytestmark = pytest.mark.django_db


def test_the_demo_has_projects_in_every_state_flags_and_a_ranking_and_runs_twice():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Project.objects.count(), ConcernFlag.objects.count(), RankingSnapshot.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert counts[0] >= 12
    assert counts[1] > 0
    assert counts[2] == 1
    assert (
        Project.objects.count(),
        ConcernFlag.objects.count(),
        RankingSnapshot.objects.count(),
    ) == counts
    assert len(set(Project.objects.values_list("status", flat=True))) == 11
    # Every demo pioneer, project, listing and event with a place lies in a known commune.
    out = io.StringIO()
    call_command("territories_unresolved", stdout=out)
    assert out.getvalue().rstrip().endswith("\n0 unresolved"), out.getvalue()
    assert not Project.objects.filter(territory__isnull=True).exists()
