import pytest


@pytest.fixture
def territories(db):
    """The committed territories (loaded by the migration; reloaded if a transactional
    test flushed them)."""
    from territories.services import territories_load

    territories_load()


@pytest.fixture
def grid(territories):
    from observatory.services import grid_default_ensure

    return grid_default_ensure()


@pytest.fixture
def pioneer_in(db, pioneer_factory):
    """A pioneer with an account, located in a commune (public location)."""
    from tests.factories import UserFactory

    def make(commune_key: str, **kwargs):
        return pioneer_factory(
            user=UserFactory(), territory_id=commune_key, location_visibility=0, **kwargs
        )

    return make


@pytest.fixture
def project_assessed(grid, coordinator, member):
    """A project proposed by ``member`` whose yearly compasses (this year) are answered
    ``score`` everywhere the pioneer answers, and validated by the coordinator."""
    from django.utils import timezone

    from observatory.models import Assessment, Respondent
    from observatory.services import assessment_answer, assessment_review, assessment_start
    from projects.models import Project

    def make(score: int, title: str) -> Project:
        project = Project.objects.create(
            title=title,
            slug=title.lower().replace(" ", "-"),
            status="accepted_for_vote",
            estimated_cost_cents=10_000,
            created_by=member,
        )
        project.authors.add(member)
        year = timezone.localdate().year
        assessment = assessment_start(actor=member, year=year, project=project)
        indicators = Assessment.objects.get(pk=assessment.pk).grid.indicators.all()
        values = {i.pk: score for i in indicators if i.respondent == Respondent.PIONEER}
        assessment_answer(actor=member, assessment=assessment, values=values, submit=True)
        assessment_review(actor=coordinator, assessment=assessment, validate=True)
        return project

    return make
