import pytest

from projects.errors import ProjectError
from projects.models import ConcernFlag, Project
from projects.services import concern_flag, concern_shares_refresh, concern_unflag
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_pioneer_flags_once_and_the_share_of_active_pioneers_is_kept_on_the_row(
    pioneer_factory,
):
    # given: four active pioneers
    first, *others = [pioneer_factory() for _ in range(4)]
    project = ProjectFactory(status="submitted")
    # when
    _flag, created = concern_flag(actor=first, project=project)
    _again, created_again = concern_flag(actor=first, project=project)
    # then
    project.refresh_from_db()
    assert (created, created_again) == (True, False)
    assert project.concern_count == 1
    assert project.concern_share == pytest.approx(0.25)
    concern_flag(actor=others[0], project=project)
    project.refresh_from_db()
    assert project.concern_count == 2
    assert project.concern_share == pytest.approx(0.5)


def test_a_flag_can_be_withdrawn_and_withdrawing_twice_changes_nothing(pioneer_factory):
    alice, _bob = pioneer_factory(), pioneer_factory()
    project = ProjectFactory(status="selected")
    concern_flag(actor=alice, project=project)
    assert concern_unflag(actor=alice, project=project) is True
    assert concern_unflag(actor=alice, project=project) is False
    project.refresh_from_db()
    assert (project.concern_count, project.concern_share) == (0, 0)
    assert not ConcernFlag.objects.exists()


def test_a_member_of_another_college_is_not_a_pioneer(member):
    project = ProjectFactory(status="submitted")
    with pytest.raises(ProjectError) as err:
        concern_flag(actor=member, project=project)
    assert err.value.status_code == 403
    project.refresh_from_db()
    assert project.concern_count == 0
    assert not ConcernFlag.objects.exists()


def test_a_candidate_pioneer_is_not_active(colleges, user_factory, membership_factory):
    user = user_factory()
    membership_factory(user=user, college=colleges["beneficiaires"], status="candidate")
    with pytest.raises(ProjectError):
        concern_flag(actor=user, project=ProjectFactory(status="submitted"))


@pytest.mark.parametrize("status", ["draft", "declined", "completed", "abandoned", "returned"])
def test_closed_projects_collect_no_concern(pioneer, status):
    project = ProjectFactory(status=status)
    with pytest.raises(ProjectError) as err:
        concern_flag(actor=pioneer, project=project)
    assert err.value.status_code == 409
    assert not ConcernFlag.objects.exists()


def test_shares_follow_the_number_of_pioneers_when_refreshed(pioneer_factory):
    alice = pioneer_factory()
    project = ProjectFactory(status="submitted")
    concern_flag(actor=alice, project=project)
    pioneer_factory()  # a second pioneer joins: alice is now half of them
    concern_shares_refresh()
    assert Project.objects.get(pk=project.pk).concern_share == pytest.approx(0.5)
