"""The listing filters: a plain GET form (full page, shareable address) that htmx
turns into an in-place update of the results."""

import pytest

from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def listings(colleges):
    return [
        ListingFactory(title="Taille des haies", kind="offer"),
        ListingFactory(title="Cours de couture", kind="request"),
    ]


def test_without_htmx_the_filters_answer_with_the_full_page(client, listings):
    response = client.get("/marche/", {"kind": "request"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert 'role="search"' in html
    assert "Cours de couture" in html
    assert "Taille des haies" not in html
    assert 'hx-get="/marche/"' in html
    assert 'action="/marche/"' in html
    assert "HX-Request" in response["Vary"]


def test_with_htmx_the_filters_answer_with_the_results_only(client, listings):
    response = client.get("/marche/", {"kind": "offer"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'role="search"' not in html
    assert html.lstrip().startswith('<section id="listing-results"')
    assert "Taille des haies" in html
    assert "Cours de couture" not in html
    assert 'id="listing-status" hx-swap-oob="innerHTML"' in html  # the count, read out
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, listings):
    # Back button after in-place filtering: htmx asks again for the address it pushed.
    response = client.get(
        "/marche/", {"kind": "offer"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    html = response.content.decode()
    assert "<html" in html
    assert 'role="search"' in html


def test_bad_filters_are_ignored_both_ways(client, listings):
    for extra in ({}, HTMX):
        response = client.get("/marche/", {"kind": "nonsense", "project": "x"}, **extra)
        assert response.status_code == 200


def test_htmx_results_keep_a_bounded_query_count(client, colleges, django_assert_max_num_queries):
    ListingFactory.create_batch(30)
    with django_assert_max_num_queries(6):
        response = client.get("/marche/", {"page": "2"}, **HTMX)
    assert response.status_code == 200
