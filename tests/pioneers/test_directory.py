import re

import pytest
from django.db import connection
from django.test import Client

from pioneers.models import Pioneer, Skill, Theme, Visibility
from pioneers.search import search_documents_refresh
from pioneers.selectors import DirectoryFilters, pioneer_directory
from pioneers.services import pioneer_create
from pioneers.visibility import ANONYMOUS

pytestmark = pytest.mark.django_db

BRIANCON = (44.8964, 6.6356)
GRENOBLE = (45.1885, 5.7245)
SAINT_DENIS = (-20.8789, 55.4481)


def _make(n: int, **overrides) -> None:
    """Many profiles in a few queries, each with a theme and a skill."""
    theme = Theme.objects.get(slug="alimentation")
    skill, _created = Skill.objects.get_or_create(
        slug="compostage", defaults={"name": "Compostage"}
    )
    pioneers = Pioneer.objects.bulk_create(
        Pioneer(
            display_name=f"Pionnier {i:04d}",
            solution_title=f"Jardin partagé {i}",
            commune="Briançon",
            postcode="05100",
            department="05",
            latitude=BRIANCON[0] + (i % 50) * 0.001,
            longitude=BRIANCON[1],
            skills_text="Compostage",
            **overrides,
        )
        for i in range(n)
    )
    Pioneer.themes.through.objects.bulk_create(
        Pioneer.themes.through(pioneer_id=p.pk, theme_id=theme.pk) for p in pioneers
    )
    Pioneer.skills.through.objects.bulk_create(
        Pioneer.skills.through(pioneer_id=p.pk, skill_id=skill.pk) for p in pioneers
    )
    search_documents_refresh()


@pytest.mark.parametrize("n", [60, 600])
def test_directory_page_and_api_cost_the_same_for_60_or_600(
    member, n, django_assert_max_num_queries
):
    _make(n)
    client, member_client = Client(), Client()
    member_client.force_login(member)
    with django_assert_max_num_queries(7):
        assert client.get("/pionniers/?theme=alimentation").status_code == 200
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/pioneers/?page_size=100")
    assert response.json()["count"] == n
    assert len(response.json()["results"]) == min(n, 100)
    # a member costs more (session, person, groups and permissions, membership), not per row
    with django_assert_max_num_queries(12):
        assert member_client.get("/pionniers/?q=jardin").status_code == 200


@pytest.mark.parametrize("n", [60, 600])
def test_geojson_is_two_queries_then_one_from_the_cache(client, n, django_assert_num_queries):
    _make(n)
    with django_assert_num_queries(2):  # the profiles' change stamp, then the features
        response = client.get("/api/v1/pioneers/map/")
    with django_assert_num_queries(1):  # the stamp only: the features come from the cache
        assert client.get("/api/v1/pioneers/map/").json() == response.json()
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == n
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"][1] == pytest.approx(BRIANCON[0], abs=0.1)
    assert feature["properties"]["url"].startswith("/pionniers/")


def test_the_cached_map_shows_a_new_or_edited_profile_at_once(client):
    _make(3)
    assert len(client.get("/api/v1/pioneers/map/").json()["features"]) == 3
    _make(1)
    assert len(client.get("/api/v1/pioneers/map/").json()["features"]) == 4
    pioneer = Pioneer.objects.order_by("pk").first()
    pioneer.position_visibility = Visibility.MEMBERS
    pioneer.save()
    features = client.get("/api/v1/pioneers/map/").json()["features"]
    assert pioneer.pk not in {f["id"] for f in features}


def test_the_map_shows_anonymous_visitors_only_public_positions(member):
    client, member_client = Client(), Client()
    member_client.force_login(member)
    _make(3)
    _make(2, position_visibility=Visibility.MEMBERS)
    assert len(client.get("/api/v1/pioneers/map/").json()["features"]) == 3
    assert len(member_client.get("/api/v1/pioneers/map/").json()["features"]) == 5


def _create(name, place, *, themes=(), skills=(), description="", postcode="05100"):
    return pioneer_create(
        actor=None,
        display_name=name,
        solution_title=f"Solution de {name}",
        solution_description=description,
        commune=place[0],
        postcode=postcode,
        latitude=place[1][0],
        longitude=place[1][1],
        themes=list(Theme.objects.filter(slug__in=themes)),
        skills=skills,
    )


@pytest.fixture
def three():
    return [
        _create(
            "Inès",
            ("Briançon", BRIANCON),
            themes=["alimentation"],
            skills=["Permaculture"],
            description="Un jardin d'entraide en montagne",
        ),
        _create(
            "Hugo",
            ("Grenoble", GRENOBLE),
            themes=["mobilite"],
            skills=["Mécanique vélo"],
            description="Un atelier de réparation de vélos",
            postcode="38000",
        ),
        _create(
            "Zoé",
            ("Saint-Denis", SAINT_DENIS),
            themes=["acidification-oceans"],
            description="Protéger les récifs coralliens",
            postcode="97400",
        ),
    ]


def _names(**filters) -> list[str]:
    qs = pioneer_directory(viewer=ANONYMOUS, filters=DirectoryFilters(**filters))
    return sorted(p.display_name for p in qs)


def test_filters(three):
    assert _names(theme="mobilite") == ["Hugo"]
    assert _names(skill="permaculture") == ["Inès"]
    assert _names(commune="grenoble") == ["Hugo"]
    assert _names(department="974") == ["Zoé"]
    assert _names(department="05") == ["Inès"]


def test_distance_filter_is_exact_after_the_bounding_box(three):
    # Briançon–Grenoble is about 80 km as the crow flies
    assert _names(lat=BRIANCON[0], lon=BRIANCON[1], km=50) == ["Inès"]
    assert _names(lat=BRIANCON[0], lon=BRIANCON[1], km=100) == ["Hugo", "Inès"]
    qs = pioneer_directory(
        viewer=ANONYMOUS, filters=DirectoryFilters(lat=BRIANCON[0], lon=BRIANCON[1], km=100)
    )
    distances = [round(p.distance_km) for p in qs]
    assert distances[0] == 0
    assert 75 <= distances[1] <= 85  # ordered by distance


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jardin", ["Inès"]),
        ("vélos", ["Hugo"]),
        ("récifs", ["Zoé"]),
        ("permaculture", ["Inès"]),
        ("Grenoble", ["Hugo"]),
        ("jardin montagne", ["Inès"]),
        ("nulle part", []),
    ],
)
def test_text_search(three, text, expected):
    assert _names(q=text) == expected


def test_full_text_search_is_used_on_postgresql(three):
    pioneer = Pioneer.objects.get(display_name="Hugo")
    if connection.vendor == "postgresql":
        assert pioneer.search_public is not None
    else:
        assert pioneer.search_public is None


def test_api_filters_and_validation(client, three):
    assert client.get("/api/v1/pioneers/?theme=mobilite").json()["count"] == 1
    near = client.get(f"/api/v1/pioneers/?lat={BRIANCON[0]}&lon={BRIANCON[1]}&radius_km=10")
    assert [r["display_name"] for r in near.json()["results"]] == ["Inès"]
    assert near.json()["results"][0]["distance_km"] == 0
    for bad in ("lat=44", "lat=91&lon=0&radius_km=5", "radius_km=-1&lat=1&lon=1", "lat=x"):
        response = client.get(f"/api/v1/pioneers/?{bad}")
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid"


def test_pagination(client):
    _make(45)
    page = client.get("/api/v1/pioneers/?page=3&page_size=20").json()
    assert (page["count"], len(page["results"])) == (45, 5)
    assert client.get("/api/v1/pioneers/?page_size=1000").json()["results"].__len__() == 45
    html = client.get("/pionniers/?page=2").content.decode()
    assert "Pionnier 0020" in html


def test_directory_page_near_a_commune(client, three):
    html = client.get("/pionniers/?near=Briançon&radius_km=25").content.decode()
    assert "Solution de Inès" in html
    assert "Solution de Hugo" not in html


def test_detail_pages_and_404(client, three):
    hugo = three[1]
    assert client.get(f"/api/v1/pioneers/{hugo.pk}/").json()["skills"] == [
        {"slug": "mecanique-velo", "name": "Mécanique vélo"}
    ]
    assert client.get("/api/v1/pioneers/999999/").status_code == 404
    assert client.get(f"/pionniers/{hugo.pk}/").status_code == 200
    assert client.get("/pionniers/999999/").status_code == 404


def test_the_map_page_serves_leaflet_locally_under_the_csp(client):
    response = client.get("/pionniers/carte/")
    html = response.content.decode()
    assert "/static/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "/static/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js" in html
    # Every script and stylesheet is served by us (no CDN); the random nonce and
    # CSRF token make a plain substring test on the whole page flaky.
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?:)?//', html)
    assert external == []
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert html.count(f'nonce="{nonce}"') >= 4  # htmx, leaflet, clusters, our map script
    assert 'data-tiles="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert (
        "img-src 'self' data: https://*.tile.openstreetmap.org"
        in response["Content-Security-Policy"]
    )


def test_home_and_nav_link_to_the_directory(client):
    html = client.get("/").content.decode()
    assert 'href="/pionniers/"' in html
