import pytest

from governance.models import Membership
from projects.models import Project
from projects.tasks import concern_shares_daily_refresh

pytestmark = pytest.mark.django_db


def test_daily_refresh_follows_pioneers_who_leave(colleges, membership_factory):
    from tests.factories import ProjectFactory

    pioneers = [membership_factory(college=colleges["beneficiaires"]) for _ in range(4)]
    project = ProjectFactory(status="accepted_for_vote")
    Project.objects.filter(pk=project.pk).update(concern_count=2, concern_share=0.5)
    Membership.objects.filter(pk__in=[p.pk for p in pioneers[:2]]).update(status="resigned")
    assert concern_shares_daily_refresh.delay().get() >= 1
    project.refresh_from_db()
    assert project.concern_share == pytest.approx(1.0)
