import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from backend.core.models import AuditEvent
from governance.duties import duty_states
from governance.models import CooperativeSettings
from governance.selectors import member_get_with_duties
from pioneers import services
from pioneers.duties import months_before
from pioneers.errors import PioneersError
from pioneers.models import Pioneer, Skill
from tests.pioneers.conftest import image_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("postcode", "department"),
    [
        ("34150", "34"),
        ("05100", "05"),
        ("97400", "974"),
        ("20000", "2A"),
        ("20200", "2B"),
        ("", ""),
    ],
)
def test_department_of_a_postcode(postcode, department):
    assert services.department_of(postcode) == department


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"latitude": 0, "longitude": -180.5}, "longitude"),
        ({"latitude": "nan", "longitude": 1}, "latitude"),
        ({"latitude": 45}, "latitude"),
        ({"postcode": "5100"}, "postcode"),
        ({"website_url": "ftp://example.org"}, "website_url"),
        ({"display_name": ""}, "display_name"),
        ({"contact_email": "pas-une-adresse"}, "contact_email"),
        ({"position_visibility": 3}, "position_visibility"),
        ({"solution_title": "x" * 201}, "solution_title"),
    ],
)
def test_bad_profile_changes_change_nothing(pioneer, owner, changes, field):
    before = Pioneer.objects.values().get(pk=pioneer.pk)
    with pytest.raises(PioneersError) as err:
        services.pioneer_update(actor=owner, pioneer=pioneer, **changes)
    assert field in err.value.errors
    assert Pioneer.objects.values().get(pk=pioneer.pk) == before


def test_an_update_renews_freshness_and_is_audited(pioneer, owner):
    Pioneer.objects.filter(pk=pioneer.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=400)
    )
    services.pioneer_update(
        actor=owner,
        pioneer=pioneer,
        commune="Gignac",
        postcode="34150",
        skills=["Compost", "compost", "Vélo"],
    )
    pioneer.refresh_from_db()
    assert pioneer.updated_at > timezone.now() - datetime.timedelta(minutes=1)
    assert pioneer.department == "34"
    assert sorted(pioneer.skills.values_list("slug", flat=True)) == ["compost", "velo"]
    assert Skill.objects.count() == 2
    event = AuditEvent.objects.get(action="pioneer.update")
    assert event.actor == owner
    assert "commune" in event.data["fields"]
    assert "skills" in event.data["fields"]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_photos_are_checked_by_content_resized_and_stripped(pioneer, owner, fmt):
    upload = SimpleUploadedFile("photo.bin", image_bytes(fmt, (2400, 1600)))
    services.pioneer_photo_set(actor=owner, pioneer=pioneer, upload=upload)
    pioneer.refresh_from_db()
    with pioneer.photo.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "WEBP"
        assert max(stored.size) == 800
        assert not stored.getexif()


def test_photo_metadata_such_as_gps_is_dropped(pioneer, owner):
    image = Image.new("RGB", (100, 100), "green")
    exif = Image.Exif()
    exif[0x8825] = {2: (44.0, 53.0, 47.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    services.pioneer_photo_set(
        actor=owner, pioneer=pioneer, upload=SimpleUploadedFile("gps.jpg", out.getvalue())
    )
    pioneer.refresh_from_db()
    with pioneer.photo.open("rb") as handle, Image.open(handle) as stored:
        assert 0x8825 not in stored.getexif()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("photo.jpg", b"GIF89a" + b"\x00" * 100, "photo_invalid_type"),
        ("photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "photo_invalid_type"),
        ("photo.gif", image_bytes("GIF", (10, 10), "P"), "photo_invalid_type"),
        ("photo.jpg", image_bytes("JPEG")[:200], "photo_invalid_type"),
        ("big.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024), "photo_too_large"),
    ],
)
def test_bad_photos_are_refused(pioneer, owner, name, content, code):
    with pytest.raises(PioneersError) as err:
        services.pioneer_photo_set(
            actor=owner, pioneer=pioneer, upload=SimpleUploadedFile(name, content)
        )
    assert err.value.code == code
    pioneer.refresh_from_db()
    assert not pioneer.photo


def test_replacing_a_photo_deletes_the_old_file(pioneer, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.pioneer_photo_set(
            actor=owner, pioneer=pioneer, upload=SimpleUploadedFile("a.png", image_bytes())
        )
    pioneer.refresh_from_db()
    first = pioneer.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        services.pioneer_photo_set(
            actor=owner, pioneer=pioneer, upload=SimpleUploadedFile("b.png", image_bytes())
        )
    pioneer.refresh_from_db()
    assert pioneer.photo.name != first
    assert not pioneer.photo.storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        services.pioneer_photo_remove(actor=owner, pioneer=pioneer)
    assert not Pioneer.objects.get(pk=pioneer.pk).photo


# ---------------------------------------------------------------- my profile (page and API)


def test_my_profile_page(client, pioneer, owner):
    client.force_login(owner)
    assert client.get("/pionniers/moi/").status_code == 200
    response = client.post(
        "/pionniers/moi/",
        {
            "display_name": "Nouvelle",
            "solution_title": "Ressourcerie",
            "commune": "Nyons",
            "postcode": "26110",
            "latitude": "44.3606",
            "longitude": "5.1406",
            "skills": "réemploi, menuiserie",
            "photo": SimpleUploadedFile("p.png", image_bytes(), content_type="image/png"),
            **{
                f"{g}_visibility": "1"
                for g in (
                    "photo",
                    "description",
                    "links",
                    "location",
                    "position",
                    "skills",
                    "contact",
                )
            },
        },
    )
    assert response.status_code == 302
    pioneer.refresh_from_db()
    assert (pioneer.display_name, pioneer.department, pioneer.location_visibility) == (
        "Nouvelle",
        "26",
        1,
    )
    assert pioneer.photo


def test_my_profile_page_rerenders_bad_input(client, pioneer, owner):
    client.force_login(owner)
    response = client.post(
        "/pionniers/moi/",
        {"display_name": "X", "solution_title": "Y", "latitude": "95", "longitude": "1"},
    )
    assert response.status_code == 400
    pioneer.refresh_from_db()
    assert pioneer.display_name != "X"


def test_without_a_profile_the_page_invites_to_apply(client, visitor_user):
    client.force_login(visitor_user)
    html = client.get("/pionniers/moi/").content.decode()
    assert "/pionniers/devenir-pionnier/" in html
    assert client.get("/pionniers/moi/").status_code == 200


def test_api_me(api_client, pioneer, owner, visitor_user):
    assert api_client.get("/api/v1/pioneers/me/").status_code == 401
    api_client.force_authenticate(visitor_user)
    assert api_client.get("/api/v1/pioneers/me/").status_code == 404
    api_client.force_authenticate(owner)
    me = api_client.get("/api/v1/pioneers/me/").json()
    assert me["visibility"]["contact"] == "members"
    response = api_client.patch(
        "/api/v1/pioneers/me/",
        {
            "solution_title": "Grainothèque",
            "themes": ["erosion-biodiversite"],
            "skills": ["Semences"],
            "visibility": {"position": "private"},
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["solution_title"] == "Grainothèque"
    assert body["visibility"]["position"] == "private"
    assert body["latitude"] is not None  # the owner still sees it
    assert [t["slug"] for t in body["themes"]] == ["erosion-biodiversite"]
    for bad in (
        {"visibility": {"nose": "public"}},
        {"visibility": {"position": "everyone"}},
        {"themes": ["inconnu"]},
        {"latitude": 100, "longitude": 0},
    ):
        assert api_client.patch("/api/v1/pioneers/me/", bad, format="json").status_code == 400


def test_api_me_accepts_a_photo(api_client, pioneer, owner):
    api_client.force_authenticate(owner)
    response = api_client.patch(
        "/api/v1/pioneers/me/",
        {"photo": SimpleUploadedFile("p.webp", image_bytes("WEBP"))},
        format="multipart",
    )
    assert response.status_code == 200
    assert response.json()["photo_url"].startswith(f"/pionniers/{pioneer.pk}/photo/")
    bad = api_client.patch(
        "/api/v1/pioneers/me/",
        {"photo": SimpleUploadedFile("p.jpg", b"not an image")},
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "photo_invalid_type"


# ---------------------------------------------------------------- the "profile" duty


def _profile_state(membership) -> str:
    states = duty_states(member_get_with_duties(membership_id=membership.pk))
    return next(s.state for s in states if s.duty.code == "profile")


def test_the_profile_duty(membership_factory, colleges, pioneer_factory):
    outsider = membership_factory(college=colleges["fondateurs"])
    fresh = membership_factory(college=colleges["beneficiaires"])
    pioneer_factory(user=fresh.user)
    stale = membership_factory(college=colleges["fondateurs"])
    old = pioneer_factory(user=stale.user)
    Pioneer.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=400)
    )
    missing = membership_factory(college=colleges["beneficiaires"])
    assert _profile_state(outsider) == "not_applicable"
    assert _profile_state(fresh) == "met"
    assert _profile_state(stale) == "unmet"
    assert _profile_state(missing) == "unmet"
    # the period comes from the cooperative's settings
    coop = CooperativeSettings.load()
    coop.profile_freshness_months = 24
    coop.save()
    assert _profile_state(stale) == "met"


@pytest.mark.parametrize("n", [5, 50])
def test_the_member_list_with_duties_stays_one_query(
    n, membership_factory, colleges, pioneer_factory, django_assert_max_num_queries
):
    from governance.selectors import member_list_with_standing

    for _ in range(n):
        pioneer_factory(user=membership_factory(college=colleges["beneficiaires"]).user)
    coop = CooperativeSettings.load()
    # the list itself, and governance's look-ups of the current charter, of the last
    # closed assembly and of the last representative election: never one per member
    with django_assert_max_num_queries(4):
        rows = list(member_list_with_standing(coop=coop))
    assert len(rows) == n
    assert all(r.duty_profile is True for r in rows)


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime.datetime(2026, 3, 31, tzinfo=datetime.UTC), 1, datetime.date(2026, 2, 28)),
        (datetime.datetime(2026, 1, 15, tzinfo=datetime.UTC), 12, datetime.date(2025, 1, 15)),
        (datetime.datetime(2024, 2, 29, tzinfo=datetime.UTC), 12, datetime.date(2023, 2, 28)),
        (datetime.datetime(2026, 5, 10, tzinfo=datetime.UTC), 17, datetime.date(2024, 12, 10)),
    ],
)
def test_months_before(moment, months, expected):
    assert months_before(moment, months).date() == expected
