import pytest
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_token_for_email_and_password_then_me(api_client, user_factory):
    user = user_factory(email="api@example.org")
    response = api_client.post(
        "/api/v1/auth/token/", {"email": "API@example.org", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=user).key == token

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "api@example.org"
    assert me.json()["is_coordinator"] is False
    assert me.json()["language"] == "fr"


def test_asking_twice_returns_the_same_token(api_client, user_factory):
    user_factory(email="api@example.org")
    body = {"email": "api@example.org", "password": PASSWORD}
    first = api_client.post("/api/v1/auth/token/", body, format="json").json()["token"]
    second = api_client.post("/api/v1/auth/token/", body, format="json").json()["token"]
    assert first == second


def test_wrong_password_is_a_json_error_and_creates_no_token(api_client, user_factory):
    user_factory(email="api@example.org")
    response = api_client.post(
        "/api/v1/auth/token/", {"email": "api@example.org", "password": "faux"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Impossible de se connecter avec ces identifiants.",
        "code": "invalid_credentials",
        "errors": {},
    }
    assert not Token.objects.exists()


def test_unverified_address_gets_no_token(api_client, user_factory):
    user_factory(email="pasencore@example.org", verified=False)
    response = api_client.post(
        "/api/v1/auth/token/",
        {"email": "pasencore@example.org", "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "email_unverified"
    assert not Token.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "email"),
        ({"email": "pas-une-adresse", "password": "x"}, "email"),
        ({"email": "a@example.org"}, "password"),
    ],
)
def test_invalid_payload_names_the_field(api_client, payload, field):
    response = api_client.post("/api/v1/auth/token/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]
    assert body["detail"].startswith(f"{field}:")


def test_malformed_json_is_a_400_json_error(api_client):
    response = api_client.generic(
        "POST", "/api/v1/auth/token/", "{pas du json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_token_endpoint_is_throttled(api_client, user_factory):
    user_factory(email="api@example.org")
    # a different address each time: the per-account lockout (5) does not come first
    statuses = [
        api_client.post(
            "/api/v1/auth/token/",
            {"email": f"api{i}@example.org", "password": "faux"},
            format="json",
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


def test_token_can_be_revoked(api_client, user_factory):
    user = user_factory(email="api@example.org")
    token = Token.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.delete("/api/v1/auth/token/").status_code == 204
    assert not Token.objects.exists()
    assert api_client.get("/api/v1/me/").status_code == 401


def test_anonymous_me_is_401_with_a_readable_message(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_session_authentication_works_for_the_browser(member_client):
    assert member_client.get("/api/v1/me/").json()["email"] == "membre@example.org"


def test_session_writes_need_csrf(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.delete("/api/v1/auth/token/")
    assert response.status_code in (400, 401, 403)


def test_issuing_and_revoking_a_token_go_through_the_audited_service(api_client, user_factory):
    from backend.core.models import AuditEvent

    user = user_factory(email="api@example.org")
    body = {"email": "api@example.org", "password": PASSWORD}
    token = api_client.post("/api/v1/auth/token/", body, format="json").json()["token"]
    api_client.post("/api/v1/auth/token/", body, format="json")  # the same token: no event
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.delete("/api/v1/auth/token/").status_code == 204
    assert not Token.objects.exists()
    actions = list(
        AuditEvent.objects.filter(actor=user, action__startswith="accounts.api_token")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["accounts.api_token_issued", "accounts.api_token_revoked"]
