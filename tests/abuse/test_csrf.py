"""CSRF on every form: a POST without the token is refused (403) on every URL of the
platform, discovered from the URL configuration, for a logged-in member. The only
exceptions are the ones that cannot carry a browser session: Stripe's signed webhook,
the API token exchange (no session, no cookie) and the digest's one-click unsubscribe
(RFC 8058: mail clients post it without a session; the signed token in the address is
the proof, and all it can do is stop that person's digest)."""

import pytest
from django.test import Client

from tests.abuse.urls import discover_urls

pytestmark = pytest.mark.django_db

# Neither reads a session cookie, so a forged cross-site POST gains nothing there.
NO_SESSION = {"marketplace:stripe_webhook", "api:auth-token", "digest:unsubscribe"}

URLS, SKIPPED_REGEX_ROUTES = discover_urls()


def test_the_discovery_finds_the_platform():
    names = {u.name for u in URLS}
    assert len(URLS) > 120
    assert {"projects:comment_create", "governance:vote_ballot", "account_login"} <= names
    assert {"marketplace:give_hours", "pioneers:me", "api:vote-ballots"} <= names


@pytest.mark.parametrize("url", [u for u in URLS if u.name not in NO_SESSION], ids=lambda u: u.name)
def test_a_post_without_the_token_is_refused(url, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(url.path, {"title": "forged", "body": "forged", "choice": "yes"})
    assert response.status_code == 403, (url.path, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/contribuer/",
        # allauth's two regular-expression routes, which the discovery cannot fill in
        "/accounts/confirm-email/abc:def/",
        "/accounts/password/reset/key/1-abc/",
    ],
)
def test_anonymous_forms_need_the_token_too(path):
    response = Client(enforce_csrf_checks=True).post(path, {"login": "a@example.org"})
    assert response.status_code == 403


def test_the_same_form_with_its_token_is_accepted(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get("/projets/proposer/")
    token = client.cookies["csrftoken"].value
    response = client.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
