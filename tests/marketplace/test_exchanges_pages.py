"""The marketplace pages: filters, listing, respond, new/edit, my exchanges, exchange."""

import pytest

from marketplace.models import Exchange, ExchangeMessage, Listing, TimeTransfer
from tests.factories import ExchangeFactory, ListingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_marketplace_lists_and_filters(client, django_assert_max_num_queries):
    ListingFactory(title="Taille de haies", kind="offer")
    ListingFactory(title="Aide au déménagement", kind="request")
    body = client.get("/marche/").content.decode()
    assert "Taille de haies" in body
    assert "Aide au déménagement" in body
    body = client.get("/marche/", {"kind": "request"}).content.decode()
    assert "Taille de haies" not in body
    assert client.get("/marche/", {"kind": "???"}).status_code == 200
    for count in (10, 100):
        ListingFactory.create_batch(count - Listing.objects.count())
        with django_assert_max_num_queries(10):
            assert client.get("/marche/").status_code == 200


def test_home_and_nav_link_to_the_marketplace(client):
    assert 'href="/marche/"' in client.get("/").content.decode()


def test_a_member_publishes_and_edits_a_listing(member_client, member):
    response = member_client.post(
        "/marche/annonces/nouvelle/",
        {
            "kind": "offer",
            "title": "Cours de vélo",
            "tags": "Vélo, mécanique",
            "estimated_minutes": 60,
            "remote": "on",
            "status": "open",
        },
    )
    listing = Listing.objects.get()
    assert response.status_code == 302
    assert sorted(listing.tags.values_list("slug", flat=True)) == ["mecanique", "velo"]
    response = member_client.post(
        f"/marche/annonces/{listing.pk}/modifier/",
        {
            "kind": "offer",
            "title": "Cours de vélo cargo",
            "tags": "Vélo",
            "estimated_minutes": 90,
            "place": "Die",
            "status": "paused",
        },
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.title, listing.status, listing.remote) == (
        "Cours de vélo cargo",
        "paused",
        False,
    )


def test_a_bad_listing_form_rerenders(member_client):
    response = member_client.post(
        "/marche/annonces/nouvelle/",
        {"kind": "offer", "title": "Sans lieu", "estimated_minutes": 60, "status": "open"},
    )
    assert response.status_code == 400
    assert not Listing.objects.exists()


def test_someone_else_cannot_edit_or_publish(client, member_client, visitor_user):
    listing = ListingFactory()
    assert member_client.get(f"/marche/annonces/{listing.pk}/modifier/").status_code == 403
    client.force_login(visitor_user)
    assert client.get("/marche/annonces/nouvelle/").status_code == 403


def test_answering_from_the_listing_page(member_client):
    listing = ListingFactory()
    assert (
        "Répondre à cette annonce"
        in member_client.get(f"/marche/annonces/{listing.pk}/").content.decode()
    )
    response = member_client.post(
        f"/marche/annonces/{listing.pk}/repondre/", {"minutes": 45, "message": "Bonjour"}
    )
    exchange = Exchange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/marche/echanges/{exchange.pk}/"
    # a second answer re-renders with the message, never a 500
    response = member_client.post(f"/marche/annonces/{listing.pk}/repondre/", {"minutes": 45})
    assert response.status_code == 409
    assert Exchange.objects.count() == 1


def test_the_exchange_page_actions_and_messages(member_client, member):
    listing = ListingFactory(kind="request", owner=member.membership)
    exchange = ExchangeFactory(listing=listing, status="done", minutes=30)
    page = member_client.get(f"/marche/echanges/{exchange.pk}/").content.decode()
    assert "Confirmer et transférer les heures" in page
    response = member_client.post(f"/marche/echanges/{exchange.pk}/messages/", {"body": "Merci"})
    assert response.status_code == 302
    assert ExchangeMessage.objects.get().body == "Merci"
    response = member_client.post(f"/marche/echanges/{exchange.pk}/dispute/", {"reason": ""})
    assert response.status_code == 400
    response = member_client.post(f"/marche/echanges/{exchange.pk}/confirm/", {})
    assert response.status_code == 302
    assert TimeTransfer.objects.get().exchange_id == exchange.pk
    response = member_client.post(f"/marche/echanges/{exchange.pk}/confirm/", {})
    assert response.status_code == 409


def test_the_exchange_page_is_for_the_parties(client, coordinator):
    exchange = ExchangeFactory()
    client.force_login(coordinator)
    assert client.get(f"/marche/echanges/{exchange.pk}/").status_code == 200
    client.force_login(MembershipFactory().user)
    assert client.get(f"/marche/echanges/{exchange.pk}/").status_code == 403


def test_my_exchanges_page_is_bounded(member_client, member, django_assert_max_num_queries):
    for count in (10, 40):
        while Exchange.objects.count() < count:
            ExchangeFactory(listing=ListingFactory(owner=member.membership))
        with django_assert_max_num_queries(12):
            assert member_client.get("/marche/echanges/").status_code == 200
