"""Nothing undecided leaks (pages, API, export); the French search; facets; bounded queries."""

import json

import pytest
from django.db import connection

from commons.models import Axis, Resource, ResourceStatus
from commons.services.committee import resource_decide
from commons.services.resources import resource_feedback_give
from tests.commons.conftest import resource_input, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(suggest, committee):
    def make(**overrides):
        resource = suggest(**overrides)
        review(resource, committee[0])
        review(resource, committee[1])
        resource_decide(actor=committee[2], resource=resource, outcome="published", reasons="Ok")
        resource.refresh_from_db()
        return resource

    return make


@pytest.fixture
def undecided(suggest, committee):
    proposed = suggest(title="Ressource en attente secrète")
    to_revise = suggest(title="Ressource à reprendre secrète")
    refused = suggest(title="Ressource refusée secrète")
    for resource, outcome in ((to_revise, "to_revise"), (refused, "refused")):
        review(resource, committee[0], science=1, recommendation="refuse")
        review(resource, committee[1], science=1, recommendation="refuse")
        resource_decide(actor=committee[2], resource=resource, outcome=outcome, reasons="Non")
    return [proposed, to_revise, refused]


def test_nothing_undecided_is_visible_to_visitors(client, undecided, publish, member):
    published = publish(title="Ressource publiée")
    pages = [
        client.get("/ressources/").content.decode(),
        client.get("/ressources/?q=secrete").content.decode(),
        client.get("/ressources/export.csv").getvalue().decode(),
        b"".join(client.get("/ressources/export.jsonld").streaming_content).decode(),
        client.get("/api/v1/resources/").content.decode(),
        client.get("/api/v1/resources/?q=secrete").content.decode(),
    ]
    for body in pages:
        assert "secrète" not in body
        assert "secr\\u00e8te" not in body
    assert "Ressource publiée" in pages[0]
    for resource in undecided:
        assert client.get(f"/ressources/{resource.slug}/").status_code == 404
        assert client.get(f"/api/v1/resources/{resource.pk}/").status_code == 404
    # A signed-in member who is neither author nor on the committee sees no more.
    client.force_login(member)
    for resource in undecided:
        assert client.get(f"/ressources/{resource.slug}/").status_code == 404
        assert client.get(f"/ressources/{resource.slug}/avis/").status_code in (404, 405)
    assert client.get(f"/api/v1/resources/{published.pk}/").status_code == 200


def test_the_author_and_the_committee_see_a_proposed_resource(client, suggest, author, committee):
    resource = suggest()
    client.force_login(author)
    assert client.get(f"/ressources/{resource.slug}/").status_code == 200
    client.force_login(committee[0])
    page = client.get(f"/ressources/{resource.slug}/").content.decode()
    assert "Relire sur la grille" in page or "Review on the grid" in page


@pytest.mark.postgres
@pytest.mark.parametrize("query", ["energie", "énergies", "ENERGIE renouvelable"])
def test_french_full_text_search_ignores_accents_case_and_plurals(client, publish, query):
    assert connection.vendor == "postgresql"
    publish()  # « Énergies renouvelables citoyennes »
    publish(title="Jardins partagés", summary="Cultiver ensemble.", body="Des potagers.")
    results = client.get("/api/v1/resources/", {"q": query}).json()["results"]
    assert [r["title"] for r in results] == ["Énergies renouvelables citoyennes"]
    page = client.get("/ressources/", {"q": query}).content.decode()
    assert "Énergies renouvelables citoyennes" in page
    assert "Jardins partagés" not in page


@pytest.mark.postgres
def test_results_are_ranked_title_first(client, publish):
    publish(title="Compostage collectif", summary="Parle un peu d'énergie.", body="")
    publish(title="Énergie solaire", summary="Tout sur le soleil.", body="")
    results = client.get("/api/v1/resources/", {"q": "énergie"}).json()["results"]
    assert [r["title"] for r in results] == ["Énergie solaire", "Compostage collectif"]


@pytest.mark.parametrize("query", ["energie", "énergies", "ENERGIE renouvelable"])
def test_the_fallback_search_ignores_accents_case_and_plurals(client, publish, query):
    publish()
    publish(title="Jardins partagés", summary="Cultiver ensemble.", body="Des potagers.")
    results = client.get("/api/v1/resources/", {"q": query}).json()["results"]
    assert [r["title"] for r in results] == ["Énergies renouvelables citoyennes"]


def test_facets_count_the_results(client, publish):
    energy = Axis.objects.get(slug="energetique")
    food = Axis.objects.get(slug="alimentaire")
    publish(axis_ids=[energy.pk])
    publish(title="Semences", kind="tool", axis_ids=[food.pk], licence="CC0-1.0")
    page = client.get("/ressources/", {"axis": "energetique"}).content.decode()
    assert "Énergies renouvelables citoyennes" in page
    assert "Semences" not in page
    api = client.get("/api/v1/resources/", {"licence": "CC0-1.0"}).json()
    assert [r["title"] for r in api["results"]] == ["Semences"]


def test_list_queries_do_not_grow(client, publish, django_assert_max_num_queries):
    for i in range(12):
        publish(title=f"Ressource {i}")
    with django_assert_max_num_queries(20):
        assert client.get("/ressources/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/resources/?page_size=50").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/place-a-lacte/").status_code == 200


def test_export_is_licence_aware_jsonld(client, publish):
    publish(title="Ouverte", body="Texte libre", licence="CC-BY-SA-4.0")
    publish(title="Réservée", body="Texte protégé", licence="LicenseRef-All-Rights-Reserved")
    doc = json.loads(b"".join(client.get("/ressources/export.jsonld").streaming_content))
    works = {w["name"]: w for w in doc["@graph"]}
    assert doc["@context"] == "https://schema.org"
    assert works["Ouverte"]["@type"] == "CreativeWork"
    assert works["Ouverte"]["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert works["Ouverte"]["text"] == "Texte libre"
    assert "text" not in works["Réservée"]
    csv_text = client.get("/ressources/export.csv").getvalue().decode()
    assert "Texte libre" in csv_text
    assert "Texte protégé" not in csv_text
    detail = client.get(f"/api/v1/resources/{Resource.objects.get(title='Réservée').pk}/").json()
    assert detail["body"] == ""
    assert detail["licence"] == "LicenseRef-All-Rights-Reserved"


def test_feedback_is_counted_and_reads_are_a_counter(client, publish, member, user_factory):
    resource = publish()
    client.get(f"/ressources/{resource.slug}/")
    client.get(f"/ressources/{resource.slug}/")
    resource.refresh_from_db()
    assert resource.read_count == 2
    client.force_login(member)
    response = client.post(
        f"/ressources/{resource.slug}/avis/", {"used": "on", "rating": "4", "comment": "Utile"}
    )
    assert response.status_code == 302
    resource_feedback_give(actor=user_factory(), resource=resource, comment="Lu", used=False)
    resource.refresh_from_db()
    assert (resource.feedback_count, resource.used_count, resource.rating_average) == (2, 1, 4.0)
    again = client.post(f"/ressources/{resource.slug}/avis/", {"used": "on", "rating": "1"})
    assert again.status_code == 409  # the page again with the message: nothing counted twice
    resource.refresh_from_db()
    assert resource.feedback_count == 2
    assert resource.rating_sum == 4


def test_api_suggestion_is_proposed_and_idempotent(api_client, member):
    api_client.force_authenticate(member)
    body = {
        "title": "Kit de la participation",
        "summary": "Des fiches.",
        "kind": "tool",
        "authors": "ANSA",
        "axes": ["autonomie-solidarite"],
    }
    first = api_client.post("/api/v1/resources/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    second = api_client.post("/api/v1/resources/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201
    assert second.json() == first.json()
    assert first.json()["status"] == ResourceStatus.PROPOSED
    assert Resource.objects.count() == 1
    assert api_client.get("/api/v1/resources/").json()["count"] == 0


def test_where_to_start_recommends_from_three_answers(client, publish):
    energy = Axis.objects.get(slug="energetique")
    publish(axis_ids=[energy.pk], territory="rural")
    publish(title="Autre chose", territory="urban")
    page = client.get(
        "/ressources/par-ou-commencer/",
        {"audience": "elus", "territory": "rural", "axis": "energetique"},
    ).content.decode()
    assert page.index("Énergies renouvelables citoyennes") < page.find("Autre chose") or (
        "Autre chose" not in page
    )


def test_suggest_page_creates_a_proposed_resource(client, member):
    client.force_login(member)
    response = client.post(
        "/ressources/proposer/",
        {
            "title": "Guide de l'enquête collective",
            "summary": "Recueillir la parole des habitants.",
            "kind": "method",
            "authors": "La Traverse",
            "territory": "rural",
            "licence": "CC-BY-SA-4.0",
            "language": "fr",
            "links": "https://example.org/guide",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    resource = Resource.objects.get()
    assert resource.status == ResourceStatus.PROPOSED
    assert resource.submitted_by == member
    assert resource.links.get().url == "https://example.org/guide"


def test_resource_input_defaults_to_cc_by_sa():
    assert resource_input().licence == "CC-BY-SA-4.0"
