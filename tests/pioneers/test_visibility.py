"""A field hidden by its owner never leaks: not in a page, the API, the map or the export."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pioneers import services
from pioneers.models import Visibility
from pioneers.visibility import GROUPS
from tests.pioneers.conftest import image_bytes

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "visitor", "member", "owner", "coordinator"]
# The highest level each role sees (the owner sees everything of their own profile).
ROLE_LEVEL = {"anonymous": 0, "visitor": 0, "member": 1, "owner": 2, "coordinator": 2}


def _sentinels(pioneer) -> dict[str, str]:
    """A string that appears in an output when, and only when, the group is shown."""
    return {
        "photo": f"/pionniers/{pioneer.pk}/photo/",
        "description": "Zyxdescription",
        "links": "zyxvideo",
        "location": "Zyxcommune",
        "position": "12.34",
        "skills": "Zyxskill",
        "contact": "zyx-contact@example.org",
    }


@pytest.fixture
def secret_pioneer(pioneer, owner):
    services.pioneer_update(
        actor=owner,
        pioneer=pioneer,
        display_name="Pionnière Témoin",
        solution_title="Solution témoin",
        solution_description="Zyxdescription du projet",
        video_url="https://zyxvideo.example.org/film",
        website_url="https://zyxvideo.example.org/site",
        commune="Zyxcommune",
        postcode="05100",
        latitude=12.345678,
        longitude=65.432198,
        contact_email="zyx-contact@example.org",
        skills=["Zyxskill"],
    )
    services.pioneer_photo_set(
        actor=owner,
        pioneer=pioneer,
        upload=SimpleUploadedFile("p.png", image_bytes(size=(64, 64)), content_type="image/png"),
    )
    pioneer.refresh_from_db()
    return pioneer


def _outputs(client, pioneer) -> dict[str, str]:
    return {
        "api_detail": client.get(f"/api/v1/pioneers/{pioneer.pk}/").content.decode(),
        "api_list": client.get("/api/v1/pioneers/").content.decode(),
        "api_map": client.get("/api/v1/pioneers/map/").content.decode(),
        "page_detail": client.get(f"/pionniers/{pioneer.pk}/").content.decode(),
        "page_directory": client.get("/pionniers/").content.decode(),
        "csv_export": client.get("/pionniers/?format=csv").content.decode(),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", [Visibility.MEMBERS, Visibility.PRIVATE])
@pytest.mark.parametrize("group", GROUPS)
def test_a_hidden_field_never_leaks(clients, secret_pioneer, owner, group, level, role):
    # given every group public except one
    services.pioneer_update(
        actor=owner,
        pioneer=secret_pioneer,
        **{f"{g}_visibility": level if g == group else Visibility.PUBLIC for g in GROUPS},
    )
    sentinel = _sentinels(secret_pioneer)[group]
    # when this role looks everywhere
    outputs = _outputs(clients(role), secret_pioneer)
    # then the field shows only to whom it is meant for
    if ROLE_LEVEL[role] >= level:
        assert sentinel in outputs["api_detail"]
        assert sentinel in outputs["page_detail"]
    else:
        leaks = [name for name, text in outputs.items() if sentinel in text]
        assert leaks == []
    # the always-public part is there for everyone
    assert "Solution témoin" in outputs["api_detail"]


@pytest.mark.parametrize("role", ROLES)
def test_the_photo_file_follows_its_visibility(clients, secret_pioneer, owner, role):
    services.pioneer_update(
        actor=owner, pioneer=secret_pioneer, photo_visibility=Visibility.MEMBERS
    )
    response = clients(role).get(f"/pionniers/{secret_pioneer.pk}/photo/")
    expected = 200 if ROLE_LEVEL[role] >= Visibility.MEMBERS else 404
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "image/webp"


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_search_and_filters_never_match_a_hidden_field(clients, secret_pioneer, owner, role):
    services.pioneer_update(
        actor=owner,
        pioneer=secret_pioneer,
        description_visibility=Visibility.PRIVATE,
        location_visibility=Visibility.PRIVATE,
        position_visibility=Visibility.PRIVATE,
        skills_visibility=Visibility.PRIVATE,
    )
    client = clients(role)
    for query in (
        "q=Zyxdescription",
        "q=Zyxcommune",
        "q=Zyxskill",
        "commune=Zyxcommune",
        "department=05",
        "skill=zyxskill",
        "lat=12.3456&lon=65.4321&radius_km=10",
    ):
        assert client.get(f"/api/v1/pioneers/?{query}").json()["count"] == 0, query
        assert client.get(f"/api/v1/pioneers/map/?{query}").json()["features"] == [], query
    # while the public fields still match
    assert client.get("/api/v1/pioneers/?q=témoin").json()["count"] == 1


def test_members_search_what_members_may_see(clients, secret_pioneer, owner):
    services.pioneer_update(
        actor=owner, pioneer=secret_pioneer, description_visibility=Visibility.MEMBERS
    )
    assert clients("anonymous").get("/api/v1/pioneers/?q=Zyxdescription").json()["count"] == 0
    assert clients("member").get("/api/v1/pioneers/?q=Zyxdescription").json()["count"] == 1
