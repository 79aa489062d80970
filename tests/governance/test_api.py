import pytest
from rest_framework.authtoken.models import Token

from backend.accounts.models import User
from governance.models import College, Membership, ShareSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_coordinator(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    return api_client


@pytest.fixture
def as_member(api_client, member):
    api_client.force_authenticate(member)
    return api_client


def test_colleges_are_public_with_the_weights_check(api_client, colleges):
    body = api_client.get("/api/v1/colleges/").json()
    assert body["count"] == 6
    assert body["weights_total"] == 100
    assert body["weights_valid"] is True
    assert body["results"][0]["slug"] == "fondateurs"
    assert body["results"][0]["vote_weight"] == 20


def test_coordinator_creates_and_patches_a_college(as_coordinator):
    response = as_coordinator.post(
        "/api/v1/colleges/",
        {"name": "Habitants", "slug": "habitants", "vote_weight": 12.5},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["vote_weight"] == 12.5
    response = as_coordinator.patch(
        "/api/v1/colleges/habitants/", {"vote_weight": "15"}, format="json"
    )
    assert response.status_code == 200
    assert College.objects.get(slug="habitants").vote_weight == 15


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "vote_weight": 9}, "vote_weight"),
        ({"name": "X", "vote_weight": 51}, "vote_weight"),
        ({"name": "X", "vote_weight": "12.3456"}, "vote_weight"),
        ({"name": "X", "vote_weight": "douze"}, "vote_weight"),
        ({"vote_weight": 20}, "name"),
        ({"name": "X", "slug": "pas un slug", "vote_weight": 20}, "slug"),
    ],
)
def test_bad_college_input_is_a_clear_400_and_writes_nothing(as_coordinator, payload, field):
    response = as_coordinator.post("/api/v1/colleges/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert body["detail"]
    assert not College.objects.exists()


def test_patch_of_an_unknown_college_is_404(as_coordinator):
    assert (
        as_coordinator.patch(
            "/api/v1/colleges/rien/", {"vote_weight": 20}, format="json"
        ).status_code
        == 404
    )


@pytest.mark.parametrize("client_kind", ["anonymous", "member"])
def test_only_the_coordinator_writes_colleges(api_client, member, colleges, client_kind):
    if client_kind == "member":
        api_client.force_authenticate(member)
    response = api_client.post("/api/v1/colleges/", {"name": "X", "vote_weight": 20}, format="json")
    assert response.status_code in (401, 403)
    response = api_client.patch("/api/v1/colleges/salaries/", {"vote_weight": 50}, format="json")
    assert response.status_code in (401, 403)
    assert College.objects.get(slug="salaries").vote_weight == 10


def test_coordinator_registers_a_member(as_coordinator, colleges):
    response = as_coordinator.post(
        "/api/v1/members/",
        {
            "email": "nouvelle@example.org",
            "name": "Aline Roux",
            "college": "fournisseurs",
            "shares": 2,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    membership = Membership.objects.get(pk=body["id"])
    assert membership.user.email == "nouvelle@example.org"
    assert membership.college.slug == "fournisseurs"
    assert ShareSubscription.objects.get(membership=membership).quantity == 2


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"email": "x@example.org", "name": "X", "college": "inconnu"}, 400, "college"),
        (
            {"email": "x@example.org", "name": "X", "college": "salaries", "shares": -1},
            400,
            "shares",
        ),
        (
            {"email": "x@example.org", "name": "X", "college": "salaries", "shares": 1.5},
            400,
            "shares",
        ),
        ({"email": "pas-un-email", "name": "X", "college": "salaries"}, 400, "email"),
        ({"email": "membre@example.org", "name": "X", "college": "salaries"}, 409, "email"),
    ],
)
def test_bad_member_input_changes_nothing(as_coordinator, member, payload, status, field):
    before = (User.objects.count(), Membership.objects.count())
    response = as_coordinator.post("/api/v1/members/", payload, format="json")
    assert response.status_code == status
    assert field in response.json()["errors"]
    assert (User.objects.count(), Membership.objects.count()) == before


def test_members_list_for_the_coordinator_has_everything(as_coordinator, member):
    body = as_coordinator.get("/api/v1/members/").json()
    row = next(r for r in body["results"] if r["email"] == "membre@example.org")
    assert row["shares_held"] == 1
    assert {d["code"] for d in row["duties"]} >= {"shares", "charter"}


def test_members_list_for_a_member_shows_public_fields_of_others(as_member, membership_factory):
    other = membership_factory(user__email="autre@example.org")
    results = as_member.get("/api/v1/members/").json()["results"]
    mine = next(r for r in results if r.get("email") == "membre@example.org")
    theirs = next(r for r in results if r["id"] == other.pk)
    assert "duties" in mine
    assert set(theirs) == {"id", "number", "name", "kind", "organisation_name", "college"}


def test_members_list_is_closed_to_non_members(api_client, visitor_user):
    assert api_client.get("/api/v1/members/").status_code == 401
    api_client.force_authenticate(visitor_user)
    assert api_client.get("/api/v1/members/").status_code == 403


def test_member_write_is_coordinator_only(as_member, colleges):
    response = as_member.post(
        "/api/v1/members/",
        {"email": "x@example.org", "name": "X", "college": "salaries"},
        format="json",
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.org").exists()


def test_me_and_duties(as_member, member, membership_factory):
    me = as_member.get("/api/v1/members/me/").json()
    assert me["email"] == "membre@example.org"
    duties = as_member.get(f"/api/v1/members/{me['id']}/duties/").json()
    assert duties["in_good_standing"] is True
    assert {d["code"]: d["state"] for d in duties["duties"]}["shares"] == "met"
    other = membership_factory()
    assert as_member.get(f"/api/v1/members/{other.pk}/duties/").status_code == 403
    assert as_member.get("/api/v1/members/999999/duties/").status_code == 404


def test_me_without_membership_is_a_json_404(api_client, visitor_user):
    api_client.force_authenticate(visitor_user)
    response = api_client.get("/api/v1/members/me/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Vous n'êtes pas encore sociétaire de la coopérative."


def test_token_clients_use_the_same_endpoints(api_client, member):
    token = Token.objects.create(user=member)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get("/api/v1/members/me/").status_code == 200


@pytest.mark.parametrize("count", [10, 60])
def test_member_list_query_count_does_not_grow(
    as_coordinator, membership_factory, count, django_assert_max_num_queries
):
    membership_factory.create_batch(count)
    # auth, groups, settings (created on first use: + savepoint), charter, last assembly,
    # count, page: the same for any number of members.
    with django_assert_max_num_queries(10):
        response = as_coordinator.get("/api/v1/members/?page_size=100")
    assert response.json()["count"] == count


def test_bad_filters_are_400(as_coordinator):
    assert as_coordinator.get("/api/v1/members/?status=roi").status_code == 400
