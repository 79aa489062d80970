import pytest

from marketplace.services.ledger import (
    time_account_for_member,
    time_account_for_project,
    time_transfer_create,
)
from pioneers.models import Theme
from projects.followup import followup_figures
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def themed(db):
    food, energy = Theme.objects.get(slug="alimentation"), Theme.objects.get(slug="energie")
    garden = ProjectFactory(title="Jardin partagé", status="selected")
    garden.themes.set([food])
    solar = ProjectFactory(title="Toiture solaire", status="selected")
    solar.themes.set([energy])
    return garden, solar


def test_list_page_filters_by_theme(client, themed):
    html = client.get("/projets/?theme=alimentation").content.decode()
    assert "Jardin partagé" in html
    assert "Toiture solaire" not in html
    # an unknown theme is ignored rather than an error
    assert client.get("/projets/?theme=inconnu").status_code == 200


def test_api_filters_by_theme_and_reports_themes(api_client, themed):
    body = api_client.get("/api/v1/projects/?theme=energie").json()
    assert [p["title"] for p in body["results"]] == ["Toiture solaire"]
    assert body["results"][0]["themes"] == ["energie"]
    response = api_client.get("/api/v1/projects/?theme=inconnu")
    assert response.status_code == 400
    assert "theme" in response.json()["errors"]


def test_a_member_proposes_a_project_with_themes(api_client, member):
    api_client.force_authenticate(member)
    response = api_client.post(
        "/api/v1/projects/",
        {"title": "Four solaire", "themes": ["energie", "alimentation"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert sorted(response.json()["themes"]) == ["alimentation", "energie"]
    response = api_client.post(
        "/api/v1/projects/", {"title": "X", "themes": ["nope"]}, format="json"
    )
    assert response.status_code == 400


def test_followup_shows_hours_and_money_received(client, coordinator, membership_factory, themed):
    garden, _solar = themed
    giver = membership_factory(shares=1)
    time_transfer_create(
        actor=giver.user,
        payer=time_account_for_member(membership=giver),
        payee=time_account_for_project(project=garden),
        minutes=150,
    )
    figures = {f.label: f.value for f in followup_figures(garden)}
    assert figures["Heures données au projet"] == "2\u00a0h\u00a030"
    assert figures["Contributions reçues pour le projet"] == "0\u00a0€"
    html = client.get(garden.get_absolute_url()).content.decode()
    assert "Heures données au projet" in html
