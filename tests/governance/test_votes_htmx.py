"""The ballot form works both ways: htmx swaps the ballot (or the receipt) in place,
the same form without JavaScript answers with the full page."""

import re

import pytest

from governance.models import Ballot, Participation
from tests.governance.votes_helpers import (  # noqa: F401  (fast_passwords: autouse)
    fast_passwords,
    make_vote,
    move_to_past,
    option_ids,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def vote(coordinator, colleges):
    return make_vote(coordinator)


def test_the_ballot_form_posts_to_itself_with_and_without_htmx(member_client, vote):
    html = member_client.get(f"/membres/votes/{vote.pk}/bulletin/").content.decode()
    url = f"/membres/votes/{vote.pk}/bulletin/"
    assert f'<form method="post" action="{url}"' in html
    assert f'hx-post="{url}" hx-target="#ballot-page"' in html
    assert '<div id="ballot-page">' in html


def test_without_htmx_casting_answers_with_the_full_receipt_page(member_client, vote):
    ids = option_ids(vote)
    response = member_client.post(
        f"/membres/votes/{vote.pk}/bulletin/", {f"grade-{pk}": "4" for pk in ids}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert 'id="ballot-page"' in html
    assert "Votre bulletin est déposé" in html
    assert "HX-Request" in response["Vary"]
    assert Participation.objects.filter(vote=vote).count() == 1


def test_with_htmx_casting_answers_with_the_receipt_alone(member_client, vote):
    ids = option_ids(vote)
    response = member_client.post(
        f"/membres/votes/{vote.pk}/bulletin/", {f"grade-{pk}": "4" for pk in ids}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<main" not in html
    assert "Votre bulletin est déposé" in html
    assert "<title>" in html  # htmx puts it in the tab's title
    assert response["Cache-Control"] == "no-store"
    code = re.search(r'class="receipt-code">([^<]+)<', html).group(1)
    assert code.startswith(Ballot.objects.get(vote=vote).receipt_id + "-")


def test_with_htmx_a_missing_grade_swaps_the_form_back_with_the_error(member_client, vote):
    ids = option_ids(vote)
    response = member_client.post(
        f"/membres/votes/{vote.pk}/bulletin/", {f"grade-{ids[0]}": "2"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'role="alert"' in html
    assert "data-autofocus" in html
    assert f'name="grade-{ids[0]}" value="2" required checked' in html
    assert not Ballot.objects.exists()


def test_a_ballot_after_the_close_redirects_both_ways(member_client, vote):
    ids = option_ids(vote)
    move_to_past(vote)
    url = f"/membres/votes/{vote.pk}/bulletin/"
    data = {f"grade-{pk}": "1" for pk in ids}
    plain = member_client.post(url, data)
    assert plain.status_code == 302
    assert plain["Location"] == f"/membres/votes/{vote.pk}/resultats/"
    with_htmx = member_client.post(url, data, **HTMX)
    assert with_htmx.status_code == 200
    assert with_htmx["HX-Redirect"] == f"/membres/votes/{vote.pk}/resultats/"
    assert not Participation.objects.exists()
