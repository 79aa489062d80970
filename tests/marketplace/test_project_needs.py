"""A project's needs in the place des marchés: requests that follow the project's state
and needs, weekly e-mails to the pioneers with the skill, and the project page's hours."""

import datetime

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from backend.core.models import OutboxEmail
from governance.models import Membership
from marketplace.models import Listing, NeedAlert, ProjectTimeGiver, TimeTransfer
from marketplace.services.exchanges import exchange_create, exchange_transition
from marketplace.services.ledger import (
    time_account_for_member,
    time_account_for_project,
    time_transfer_create,
    time_transfer_reverse,
)
from marketplace.services.project_needs import project_need_alerts_send
from pioneers.models import Skill
from projects import services as project_services
from projects.models import ProjectNeed
from projects.services.needs import NeedInput
from tests.factories import MembershipFactory, PioneerFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills(db):
    return {
        slug: Skill.objects.create(name=name, slug=slug)
        for slug, name in [("menuiserie", "Menuiserie"), ("comptabilite", "Comptabilité")]
    }


@pytest.fixture
def voted_project(member, skills):
    """A project accepted for a vote, proposed by ``member``, needing two skills."""
    project = ProjectFactory(status="accepted_for_vote", created_by=member, title="Atelier bois")
    project.authors.add(member)
    ProjectNeed.objects.create(project=project, skill=skills["menuiserie"], minutes_wanted=600)
    ProjectNeed.objects.create(project=project, skill=skills["comptabilite"], minutes_wanted=120)
    return project


def _requests(project):
    return dict(
        Listing.objects.filter(project=project, need_skill__isnull=False).values_list(
            "need_skill__slug", "status"
        )
    )


def _move(coordinator, project, to, reason=""):
    # The alerts task runs once the transition commits (eagerly, with no broker).
    with TestCase.captureOnCommitCallbacks(execute=True):
        project_services.project_transition(
            actor=coordinator, project=project, to=to, reason=reason
        )


def _pioneer_with(*skills, language="fr", email=None):
    user = UserFactory(language=language, **({"email": email} if email else {}))
    pioneer = PioneerFactory(user=user)
    pioneer.skills.add(*skills)
    return user


# ---------------------------------------------------------------- requests follow the project


def test_needs_become_requests_once_selected_and_close_when_the_project_ends(
    coordinator, member, voted_project
):
    assert _requests(voted_project) == {}
    _move(coordinator, voted_project, "selected")
    assert _requests(voted_project) == {"menuiserie": "open", "comptabilite": "open"}
    request = Listing.objects.get(project=voted_project, need_skill__slug="menuiserie")
    assert (request.kind, request.estimated_minutes, request.owner.user) == (
        "request",
        600,
        member,
    )
    assert list(request.tags.values_list("slug", flat=True)) == ["menuiserie"]

    _move(coordinator, voted_project, "in_progress")  # still running: the same requests
    assert Listing.objects.filter(project=voted_project).count() == 2
    _move(coordinator, voted_project, "completed")
    assert _requests(voted_project) == {"menuiserie": "closed", "comptabilite": "closed"}


def test_a_project_not_selected_never_lists_its_needs(coordinator, voted_project):
    _move(coordinator, voted_project, "not_selected")
    assert _requests(voted_project) == {}


def test_a_vote_that_selects_the_project_opens_its_requests_and_the_loser_lists_none(
    coordinator, member, voted_project, colleges
):
    # given: a vote between the project and another, the project graded best
    from governance.votes import services as vote_services

    other = ProjectFactory(status="accepted_for_vote", title="Autre")
    ProjectNeed.objects.create(
        project=other, skill=voted_project.needs.first().skill, minutes_wanted=60
    )
    now = timezone.now()
    vote = vote_services.vote_create(
        actor=coordinator,
        title="Choix du projet commun",
        method="majority_judgment",
        options=[vote_services.OptionInput.project(p.pk) for p in (voted_project, other)],
        opens_at=now,
        closes_at=now + datetime.timedelta(days=1),
    )
    options = {o.subject_id: o.pk for o in vote.options.all()}
    for i in range(3):
        voter = UserFactory(email=f"votant-besoins{i}@example.org")
        MembershipFactory(user=voter, college=colleges["beneficiaires"])
        vote_services.vote_cast(
            user=voter,
            vote=vote,
            grades={str(options[voted_project.pk]): 5, str(options[other.pk]): 0},
        )
    # when: the close applies the outcome
    with TestCase.captureOnCommitCallbacks(execute=True):
        vote_services.vote_close(actor=coordinator, vote=vote)
    # then: the winner's needs are requests, the loser's are not
    assert _requests(voted_project) == {"menuiserie": "open", "comptabilite": "open"}
    assert _requests(other) == {}


def test_changing_needs_updates_the_requests_without_duplicates(coordinator, voted_project, skills):
    _move(coordinator, voted_project, "selected")
    project_services.project_update(
        actor=coordinator,
        project=voted_project,
        needs=[NeedInput(skill=skills["menuiserie"], minutes_wanted=300)],
    )
    assert _requests(voted_project) == {"menuiserie": "open", "comptabilite": "closed"}
    assert Listing.objects.get(need_skill__slug="menuiserie").estimated_minutes == 300
    # The need comes back: its request reopens, no second one.
    project_services.project_update(
        actor=coordinator,
        project=voted_project,
        needs=[
            NeedInput(skill=skills["menuiserie"], minutes_wanted=300),
            NeedInput(skill=skills["comptabilite"], minutes_wanted=60),
        ],
    )
    assert _requests(voted_project) == {"menuiserie": "open", "comptabilite": "open"}
    assert Listing.objects.filter(project=voted_project).count() == 2


def test_listing_a_project_twice_makes_no_duplicate(coordinator, voted_project):
    from marketplace.services.project_needs import project_need_listings_sync

    _move(coordinator, voted_project, "selected")
    voted_project.refresh_from_db()
    assert project_need_listings_sync(actor=coordinator, project=voted_project) == []
    assert Listing.objects.filter(project=voted_project).count() == 2


def test_confirmed_help_on_a_request_counts_as_hours_given_to_the_need(
    coordinator, voted_project, colleges
):
    _move(coordinator, voted_project, "selected")
    helper = MembershipFactory(college=colleges["beneficiaires"])
    request = Listing.objects.get(need_skill__slug="menuiserie")
    exchange = exchange_create(actor=helper.user, listing=request, minutes=90)
    owner = voted_project.created_by
    exchange = exchange_transition(actor=owner, exchange=exchange, action="accept")
    exchange = exchange_transition(actor=helper.user, exchange=exchange, action="done")
    exchange_transition(actor=owner, exchange=exchange, action="confirm")
    need = ProjectNeed.objects.get(project=voted_project, skill__slug="menuiserie")
    assert need.given_minutes == 90


def test_reversing_the_payment_of_help_takes_its_hours_off_the_need(
    coordinator, voted_project, colleges
):
    _move(coordinator, voted_project, "selected")
    helper = MembershipFactory(college=colleges["beneficiaires"])
    request = Listing.objects.get(need_skill__slug="menuiserie")
    owner = voted_project.created_by
    for minutes in (90, 30):
        exchange = exchange_create(actor=helper.user, listing=request, minutes=minutes)
        exchange = exchange_transition(actor=owner, exchange=exchange, action="accept")
        exchange = exchange_transition(actor=helper.user, exchange=exchange, action="done")
        exchange_transition(actor=owner, exchange=exchange, action="confirm")
    mistake = TimeTransfer.objects.get(exchange__listing=request, minutes=30)
    time_transfer_reverse(actor=coordinator, transfer=mistake)
    need = ProjectNeed.objects.get(project=voted_project, skill__slug="menuiserie")
    assert need.given_minutes == 90
    # another need of the project is untouched
    assert set(ProjectNeed.objects.exclude(pk=need.pk).values_list("given_minutes", flat=True)) <= {
        0
    }


# ---------------------------------------------------------------- e-mails, one a week


def test_pioneers_with_the_skill_get_one_email_for_several_needs_in_their_language(
    coordinator, voted_project, skills
):
    both = _pioneer_with(skills["menuiserie"], skills["comptabilite"], language="en")
    other = _pioneer_with(skills["comptabilite"])
    _pioneer_with()  # no matching skill: nothing
    OutboxEmail.objects.all().delete()
    _move(coordinator, voted_project, "selected")
    assert project_need_alerts_send() == 0  # a second run sends nothing more
    mails = {tuple(m.to): m for m in OutboxEmail.objects.filter(key__startswith="project-needs:")}
    assert set(mails) == {(both.email,), (other.email,)}
    assert "Projects need your skills (2 requests)" in mails[(both.email,)].subject
    assert "Menuiserie" in mails[(both.email,)].body
    assert "Comptabilité" in mails[(both.email,)].body
    assert "Un projet a besoin de vos compétences" in mails[(other.email,)].subject
    assert NeedAlert.objects.filter(user=both).count() == 2


def test_at_most_one_email_a_week_the_later_need_waits(coordinator, member, skills, colleges):
    helper = _pioneer_with(skills["menuiserie"])
    first = ProjectFactory(status="accepted_for_vote", created_by=member)
    first.authors.add(member)
    ProjectNeed.objects.create(project=first, skill=skills["menuiserie"], minutes_wanted=60)
    second = ProjectFactory(status="accepted_for_vote", created_by=member)
    second.authors.add(member)
    ProjectNeed.objects.create(project=second, skill=skills["menuiserie"], minutes_wanted=60)

    _move(coordinator, first, "selected")
    _move(coordinator, second, "selected")

    def mails() -> list[OutboxEmail]:
        return [
            m
            for m in OutboxEmail.objects.filter(key__startswith="project-needs:")
            if m.to == [helper.email]
        ]

    assert len(mails()) == 1
    assert NeedAlert.objects.filter(user=helper).count() == 1

    six_days = timezone.now() + datetime.timedelta(days=6)
    assert project_need_alerts_send(now=six_days) == 0
    eight_days = timezone.now() + datetime.timedelta(days=8)
    assert project_need_alerts_send(now=eight_days) == 1
    assert len(mails()) == 2
    assert NeedAlert.objects.filter(user=helper).count() == 2
    assert project_need_alerts_send(now=eight_days + datetime.timedelta(days=8)) == 0


# ---------------------------------------------------------------- the ledger's givers


def test_the_ledger_counts_who_gave_hours_to_a_project_net_of_reversals(
    coordinator, voted_project, colleges
):
    alice, bob = (MembershipFactory(college=colleges["beneficiaires"]) for _ in range(2))
    project_account = time_account_for_project(project=voted_project)
    for membership, minutes in ((alice, 90), (bob, 30), (alice, 60)):
        last = time_transfer_create(
            actor=membership.user,
            payer=time_account_for_member(membership=membership),
            payee=project_account,
            minutes=minutes,
        )
    time_transfer_reverse(actor=coordinator, transfer=last)
    counted = dict(
        ProjectTimeGiver.objects.filter(account=project_account).values_list(
            "giver__owner_member", "minutes"
        )
    )
    assert counted == {alice.pk: 90, bob.pk: 30}


# ---------------------------------------------------------------- the project page


def _give(membership, project, minutes):
    time_transfer_create(
        actor=membership.user,
        payer=time_account_for_member(membership=membership),
        payee=time_account_for_project(project=project),
        minutes=minutes,
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_project_page_shows_hours_wanted_given_and_who_gave_them(
    client, member, coordinator, voted_project, colleges, language, django_assert_max_num_queries
):
    _move(coordinator, voted_project, "selected")
    givers = [MembershipFactory(college=colleges["beneficiaires"]) for _ in range(12)]
    for membership in givers:
        _give(membership, voted_project, 30)
    ProjectNeed.objects.filter(project=voted_project, skill__slug="menuiserie").update(
        given_minutes=150
    )
    member.language = language
    member.save(update_fields=["language"])
    client.force_login(member)
    client.cookies["terreau_language"] = language
    url = reverse("projects:detail", args=[voted_project.slug])
    client.get(url)  # warm caches (settings, menus) out of the count
    with django_assert_max_num_queries(60):
        html = client.get(url).content.decode()
    html = html.replace("\xa0", " ").replace("\u202f", " ")  # the hours' narrow spaces
    assert 'data-need-wanted="menuiserie">10 h' in html
    assert 'data-need-given="menuiserie">2 h 30' in html
    assert 'data-hours-given="360"' in html
    assert givers[0].user.display_name in html
    heading = {"fr": "Besoins et heures données", "en": "Needs and hours given"}[language]
    assert heading in html
    # More givers do not add queries.
    for membership in (MembershipFactory(college=colleges["beneficiaires"]) for _ in range(5)):
        _give(membership, voted_project, 30)
    with django_assert_max_num_queries(60) as captured:
        client.get(url)
    before = len(captured.captured_queries)
    _give(MembershipFactory(college=colleges["beneficiaires"]), voted_project, 30)
    with django_assert_max_num_queries(before) as again:
        client.get(url)
    assert len(again.captured_queries) == before


def test_visitors_see_the_hours_but_not_the_names(client, coordinator, voted_project, colleges):
    _move(coordinator, voted_project, "selected")
    giver = MembershipFactory(college=colleges["beneficiaires"])
    _give(giver, voted_project, 45)
    html = client.get(reverse("projects:detail", args=[voted_project.slug])).content.decode()
    assert 'data-hours-given="45"' in html
    assert giver.user.display_name not in html
    assert Membership.objects.filter(pk=giver.pk).exists()
