"""The listings and exchanges API over every role, JSON errors and bounded queries."""

import pytest
from django.utils import timezone

from marketplace.models import Exchange, ExchangeMessage, Listing, TimeAccount, TimeTransfer
from marketplace.services.ledger import time_account_for_member
from tests.factories import ExchangeFactory, ListingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

LISTING = {
    "kind": "offer",
    "title": "Cours de couture",
    "tags": ["Couture", "Textile"],
    "estimated_minutes": 120,
    "place": "Crest",
}


def _as(api_client, user):
    if user is not None:
        api_client.force_authenticate(user)
    return api_client


@pytest.fixture
def party_exchange(member):
    """An offer by ``member`` answered by another member, state done."""
    listing = ListingFactory(owner=member.membership, kind="offer")
    return ExchangeFactory(listing=listing, status="done", minutes=60, done_at=timezone.now())


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("visitor", 403), ("member", 201), ("coordinator", 403)],
)
def test_listing_create_permissions(role, expected, api_client, member, visitor_user, coordinator):
    user = {
        "anonymous": None,
        "visitor": visitor_user,
        "member": member,
        "coordinator": coordinator,
    }
    response = _as(api_client, user[role]).post("/api/v1/listings/", LISTING, format="json")
    assert response.status_code == expected, response.content
    assert Listing.objects.count() == (1 if expected == 201 else 0)
    if expected == 201:
        assert response.json()["tags"] == ["couture", "textile"]
    else:
        assert set(response.json()) >= {"detail", "code"}


@pytest.mark.parametrize(
    "payload",
    [
        {**LISTING, "estimated_minutes": 0},
        {**LISTING, "estimated_minutes": "12"},
        {**LISTING, "place": "", "remote": False},
        {**LISTING, "kind": "gift"},
        {**LISTING, "project": 999_999},
    ],
)
def test_listing_create_bad_input_is_400(api_client, member, payload):
    response = _as(api_client, member).post("/api/v1/listings/", payload, format="json")
    assert response.status_code == 400
    assert "errors" in response.json()
    assert not Listing.objects.exists()


def test_listing_list_is_public_filtered_and_bounded(api_client, django_assert_max_num_queries):
    ListingFactory.create_batch(10, kind="request", remote=True)
    ListingFactory(kind="offer", title="Taille de haies")
    response = api_client.get("/api/v1/listings/", {"q": "haies"})
    assert [x["title"] for x in response.json()["results"]] == ["Taille de haies"]
    assert response.json()["count"] == 1
    assert api_client.get("/api/v1/listings/", {"kind": "request"}).json()["count"] == 10
    assert api_client.get("/api/v1/listings/", {"kind": "nope"}).status_code == 400
    for count in (10, 200):
        ListingFactory.create_batch(count - Listing.objects.count())
        with django_assert_max_num_queries(4):
            response = api_client.get("/api/v1/listings/?page_size=100")
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("visitor", 403), ("member", 201), ("owner", 409)],
)
def test_respond_permissions(role, expected, api_client, member, visitor_user):
    listing = ListingFactory()
    user = {
        "anonymous": None,
        "visitor": visitor_user,
        "member": member,
        "owner": listing.owner.user,
    }[role]
    response = _as(api_client, user).post(
        f"/api/v1/listings/{listing.pk}/respond/", {"minutes": 60, "message": "Ok"}, format="json"
    )
    assert response.status_code == expected, response.content
    assert Exchange.objects.count() == (1 if expected == 201 else 0)
    if expected == 201:
        assert response.json()["status"] == "proposed"
        assert response.json()["messages"][0]["body"] == "Ok"


def test_respond_to_unknown_listing_is_404(api_client, member):
    response = _as(api_client, member).post("/api/v1/listings/999/respond/", {}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("visitor", 403),
        ("party", 200),
        ("other_member", 403),
        ("coordinator", 200),
    ],
)
def test_exchange_detail_permissions(
    role, expected, api_client, member, visitor_user, coordinator, party_exchange
):
    user = {
        "anonymous": None,
        "visitor": visitor_user,
        "party": member,
        "other_member": MembershipFactory().user,
        "coordinator": coordinator,
    }[role]
    response = _as(api_client, user).get(f"/api/v1/exchanges/{party_exchange.pk}/")
    assert response.status_code == expected


def test_full_exchange_through_the_api(api_client, member, django_capture_on_commit_callbacks):
    # given an offer by another member, answered by me
    listing = ListingFactory(kind="offer", estimated_minutes=90)
    giver = listing.owner.user
    exchange_id = (
        _as(api_client, member)
        .post(f"/api/v1/listings/{listing.pk}/respond/", {"minutes": 90}, format="json")
        .json()["id"]
    )
    url = f"/api/v1/exchanges/{exchange_id}"
    # when the giver accepts 75 minutes and does it, and I confirm
    api_client.force_authenticate(giver)
    assert api_client.post(f"{url}/accept/", {"minutes": 75}, format="json").status_code == 200
    assert api_client.post(f"{url}/done/", {}, format="json").status_code == 200
    assert api_client.post(f"{url}/messages/", {"body": "Fait !"}, format="json").status_code == 201
    api_client.force_authenticate(member)
    assert api_client.post(f"{url}/done/", {}, format="json").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"{url}/confirm/", {}, format="json")
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert TimeTransfer.objects.get().minutes == 75
    assert time_account_for_member(membership=listing.owner).balance_minutes == 75
    assert api_client.post(f"{url}/confirm/", {}, format="json").status_code == 409
    mine = api_client.get("/api/v1/exchanges/").json()
    assert [e["id"] for e in mine["results"]] == [exchange_id]


def test_confirm_over_the_limit_is_409_and_changes_nothing(api_client, member):
    listing = ListingFactory(kind="request", owner=member.membership)
    exchange = ExchangeFactory(listing=listing, status="done", minutes=2000)
    response = _as(api_client, member).post(
        f"/api/v1/exchanges/{exchange.pk}/confirm/", {}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "credit_limit"
    exchange.refresh_from_db()
    assert exchange.status == "done"
    assert not TimeTransfer.objects.exists()
    assert set(TimeAccount.objects.values_list("balance_minutes", flat=True)) <= {0}


def test_dispute_without_reason_is_400(api_client, member, party_exchange):
    response = _as(api_client, member).post(
        f"/api/v1/exchanges/{party_exchange.pk}/dispute/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"
    party_exchange.refresh_from_db()
    assert party_exchange.status == "done"


def test_a_coordinator_cannot_write_messages(api_client, coordinator, party_exchange):
    response = _as(api_client, coordinator).post(
        f"/api/v1/exchanges/{party_exchange.pk}/messages/", {"body": "Hop"}, format="json"
    )
    assert response.status_code == 403
    assert not ExchangeMessage.objects.exists()


def test_my_exchanges_query_count_does_not_grow(api_client, member, django_assert_max_num_queries):
    for count in (10, 100):
        while Exchange.objects.count() < count:
            ExchangeFactory(listing=ListingFactory(owner=member.membership))
        with django_assert_max_num_queries(4):
            response = _as(api_client, member).get("/api/v1/exchanges/?page_size=100")
        assert response.json()["count"] == count
