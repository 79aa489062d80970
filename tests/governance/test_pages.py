import pytest

from governance.models import Membership

pytestmark = pytest.mark.django_db

COORDINATOR_PAGES = ["/membres/gestion/", "/membres/gestion/nouveau/", "/membres/gestion/registre/"]


@pytest.mark.parametrize("url", ["/membres/colleges/", "/membres/charte/"])
def test_public_pages(client, colleges, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/membres/", "/membres/adhesion/", *COORDINATOR_PAGES])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", COORDINATOR_PAGES)
def test_members_cannot_reach_coordinator_pages(member_client, url):
    assert member_client.get(url).status_code == 403


def test_member_cannot_act_on_another_membership(member_client, membership_factory):
    other = membership_factory()
    response = member_client.post(
        f"/membres/gestion/{other.pk}/status/", {"status": "excluded", "note": "x"}
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.status == "member"


@pytest.mark.parametrize("url", COORDINATOR_PAGES)
def test_coordinator_pages(coordinator_client, colleges, url):
    assert coordinator_client.get(url).status_code == 200


def test_dashboard_lists_rights_and_duties(member_client):
    html = member_client.get("/membres/").content.decode()
    assert "Mes droits et devoirs" in html
    assert "Participer au choix du projet commun" in html
    assert "Souscrire au minimum une part au capital" in html


def test_dashboard_of_a_visitor_invites_to_apply(client, visitor_user):
    client.force_login(visitor_user)
    html = client.get("/membres/").content.decode()
    assert "/membres/adhesion/" in html


def test_apply_form_rerenders_with_messages(client, visitor_user, colleges):
    client.force_login(visitor_user)
    response = client.post(
        "/membres/adhesion/",
        {"college": colleges["collectivites"].pk, "kind": "organisation", "motivation": "x"},
    )
    assert response.status_code == 400
    assert "organisation" in response.content.decode()
    assert not Membership.objects.exists()
    response = client.post(
        "/membres/adhesion/",
        {"college": colleges["beneficiaires"].pk, "kind": "person", "motivation": "Mon jardin"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=visitor_user).status == "candidate"


def test_coordinator_admits_a_candidate_from_the_member_page(
    coordinator_client, visitor_user, colleges
):
    from governance.services import membership_apply

    m = membership_apply(user=visitor_user, college=colleges["beneficiaires"])
    page = coordinator_client.get(f"/membres/gestion/{m.pk}/").content.decode()
    assert "Admettre" in page
    response = coordinator_client.post(
        f"/membres/gestion/{m.pk}/admit/", {"note": "Bienvenue"}, follow=True
    )
    assert "est maintenant sociétaire" in response.content.decode()
    m.refresh_from_db()
    assert m.status == "member"


def test_refund_too_many_shows_the_error_and_changes_nothing(
    coordinator_client, membership_factory
):
    m = membership_factory(shares=1)
    response = coordinator_client.post(
        f"/membres/gestion/{m.pk}/refund/", {"quantity": 5}, follow=True
    )
    assert "ne peuvent pas être remboursées" in response.content.decode()
    m.refresh_from_db()
    assert m.shares_held == 1


def test_invalid_action_form_is_reported(coordinator_client, membership_factory):
    m = membership_factory()
    # The member's page again, the bound form with its error, status 400; nothing changed.
    response = coordinator_client.post(f"/membres/gestion/{m.pk}/shares/", {"quantity": "-2"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="message message-error"' in html
    assert 'class="errorlist"' in html
    assert 'value="-2"' in html
    assert not m.subscriptions.exists()
    assert coordinator_client.post(f"/membres/gestion/{m.pk}/nimporte/").status_code == 404


def test_member_accepts_the_charter(member_client, member, coordinator):
    from governance.services import charter_publish

    charter_publish(actor=coordinator, title="Charte", text="Texte")
    response = member_client.post("/membres/charte/")
    assert response.status_code == 302
    assert member.membership.charter_acceptances.count() == 1


@pytest.mark.parametrize("count", [10, 80])
def test_member_list_page_query_count_does_not_grow(
    coordinator_client, membership_factory, count, django_assert_max_num_queries
):
    membership_factory.create_batch(count)
    # 15: duty 3's second half looks up the last representative election once
    with django_assert_max_num_queries(15):
        response = coordinator_client.get("/membres/gestion/")
    assert response.status_code == 200


def test_seed_demo_builds_a_valid_cooperative():
    from django.core.management import call_command

    from governance.selectors import college_weights_check

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert college_weights_check().ok
    # governance's own demo members (pioneers/demo.py admits a few more through its flow)
    assert (
        Membership.objects.filter(status="member", user__email__endswith="@terreau.coop").count()
        == 7
    )
    assert Membership.objects.filter(status="candidate").count() == 1
