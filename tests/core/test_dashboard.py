"""The member dashboard: one page, a panel per app (registered, no backward import),
empty states for a newcomer, bounded SQL whatever the amount of data."""

import datetime

import pytest
from django.utils import timezone

from backend.core.dashboard import PANEL_LIMIT, dashboard_panels_all
from governance.assemblies.models import Assembly
from marketplace.models import Contribution, Fund, TimeAccount
from tests.factories import (
    ExchangeFactory,
    ListingFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db

URL = "/tableau-de-bord/"


def test_every_app_registers_its_panels_in_order():
    codes = [panel.code for panel in dashboard_panels_all()]
    assert codes == [
        "events_rhythm",
        "membership",
        "hours",
        "votes",
        "exchanges",
        "assemblies",
        "events_mine",
        "projects",
        "contributions",
    ]


def test_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_signed_in_non_member_sees_the_empty_states(client, visitor_user):
    client.force_login(visitor_user)
    html = client.get(URL).content.decode()
    assert "Mon tableau de bord" in html
    assert "Vous n'êtes pas encore sociétaire de la coopérative." in html
    assert "Vous n'avez pas encore de compte temps" in html
    assert "Aucun échange ne vous attend." in html
    assert "Vous ne portez encore aucun projet." in html
    assert "Vous n'avez encore fait aucune contribution." in html
    # Not a member: no vote nor assembly panel.
    assert 'id="panel-votes"' not in html
    assert 'id="panel-assemblies"' not in html


def test_a_new_member_sees_the_member_panels_empty(member_client):
    html = member_client.get(URL).content.decode()
    assert 'id="panel-votes"' in html
    assert "Aucun scrutin ouvert n'attend votre bulletin." in html
    assert "Aucune assemblée générale n'est convoquée pour le moment." in html


def _lots_of_data_for(user, colleges, n):
    """``n`` of everything the dashboard lists, for ``user`` and for others."""
    membership = user.membership
    now = timezone.now()
    for i in range(n):
        VoteFactory(title=f"Scrutin ouvert {i}")
        Assembly.objects.create(
            title=f"AG {i}", date=now + datetime.timedelta(days=i + 1), status="convened"
        )
        project = ProjectFactory(title=f"Projet {i}")
        project.authors.add(user)
        TimeAccount.objects.create(kind="project", project=project, balance_minutes=60 * i)
        ExchangeFactory(listing=ListingFactory(owner=membership), status="proposed")
        ExchangeFactory(listing=ListingFactory(), responder=membership, status="done")
    TimeAccount.objects.create(kind="member", owner_member=membership, balance_minutes=150)
    fund = Fund.objects.create(kind="cooperative")
    Contribution.objects.bulk_create(
        Contribution(
            fund=fund,
            user=user,
            amount_cents=1000 + i,
            amount_received_cents=1000 + i,
            currency="EUR",
            channel="manual",
            status="paid",
        )
        for i in range(n)
    )
    # Other people's data the page must not show.
    other = MembershipFactory(college=colleges["fondateurs"])
    ExchangeFactory(listing=ListingFactory(owner=other, title="Pas pour moi"), status="proposed")


def test_a_busy_member_sees_each_panel_filled_and_bounded(member_client, member, colleges):
    _lots_of_data_for(member, colleges, PANEL_LIMIT + 3)
    html = member_client.get(URL).content.decode()
    assert "Scrutin ouvert 0" in html
    assert "AG 0" in html
    assert "Pas pour moi" not in html
    assert "Mes contributions" in html
    assert "Au total, vous avez donné" in html
    assert "Mon compte</a></th>\n      <td>2\u00a0h\u00a030</td>" in html  # 150 minutes
    # Each list shows at most PANEL_LIMIT rows.
    assert html.count("Scrutin ouvert ") == PANEL_LIMIT
    assert html.count(">AG ") == PANEL_LIMIT


def test_a_vote_already_voted_or_closed_in_time_is_not_listed(member_client, member, colleges):
    from governance.votes.services import vote_cast

    voted = VoteFactory(title="Déjà voté")
    vote_cast(
        user=member,
        vote=voted,
        grades={option.pk: 3 for option in voted.options.all()},
    )
    VoteFactory(title="Passé", closes_at=timezone.now() - datetime.timedelta(minutes=1))
    html = member_client.get(URL).content.decode()
    assert "Déjà voté" not in html
    assert "Passé" not in html


def test_query_count_does_not_grow_with_the_data(
    member_client, member, colleges, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30) as few:
        member_client.get(URL)
    _lots_of_data_for(member, colleges, 40)
    with django_assert_max_num_queries(22) as many:
        assert member_client.get(URL).status_code == 200
    # 40 of everything costs not one query more than nothing at all.
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_the_menu_links_the_dashboard_for_signed_in_people_only(client, visitor_user):
    assert 'href="/tableau-de-bord/"' not in client.get("/").content.decode()
    client.force_login(visitor_user)
    html = client.get(URL).content.decode()
    assert 'href="/tableau-de-bord/" aria-current="page"' in html


def test_an_unrelated_user_never_sees_another_members_panels(client, member, colleges):
    _lots_of_data_for(member, colleges, 2)
    stranger = UserFactory(email="autre@example.org")
    client.force_login(stranger)
    html = client.get(URL).content.decode()
    assert "Projet 0" not in html
    assert "Annonce" not in html
