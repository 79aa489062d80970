import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from backend.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "Compost-et-Semis-2026"


def _signup(client, email="nouvelle@example.org"):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_signup_sends_a_verification_email_then_the_link_logs_in(
    client, django_capture_on_commit_callbacks
):
    # given a visitor who signs up (the outbox sends its e-mail when the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="nouvelle@example.org")
    assert not EmailAddress.objects.get(user=user).verified

    # then a verification e-mail in French carries the confirmation link
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"]
    assert message.subject.startswith("[Terreau]")
    assert "Confirmez" in message.subject or "confirm" in message.subject.lower()
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", message.body)
    assert link, message.body

    # unverified, the person cannot log in yet
    client.logout()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    # when they follow the link and confirm
    assert client.get(link.group(1)).status_code == 200
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    # then they can log in with their e-mail address
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "Nouvelle@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signup_with_an_address_already_taken_reveals_nothing_and_warns_the_owner(
    client, user_factory, django_capture_on_commit_callbacks
):
    # allauth prevents account enumeration: the visitor sees the usual next step,
    # and the owner of the address is told by e-mail that someone tried.
    owner = user_factory(email="prise@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client, email="prise@example.org")
    assert response.status_code == 302
    assert User.objects.filter(email="prise@example.org").count() == 1
    assert User.objects.get(email="prise@example.org").check_password(PASSWORD) is False
    assert owner.email in mail.outbox[0].to
    assert "déjà" in mail.outbox[0].body


def test_signup_with_mismatched_passwords_changes_nothing(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD + "!"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@example.org").exists()


def test_wrong_password_rerenders_the_login_form(client, user_factory):
    user_factory(email="a@example.org")
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "faux"})
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_rate_limited_even_with_the_right_password_afterwards(client, user_factory):
    from tests.factories import PASSWORD as RIGHT

    user_factory(email="cible@example.org")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "cible@example.org", "password": "faux"})
    response = client.post("/accounts/login/", {"login": "cible@example.org", "password": RIGHT})
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link(client, user_factory, django_capture_on_commit_callbacks):
    user_factory(email="oubli@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "oubli@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_logout_needs_a_post(member_client):
    assert member_client.get("/accounts/logout/").status_code == 200
    assert "_auth_user_id" in member_client.session
    member_client.post("/accounts/logout/")
    assert "_auth_user_id" not in member_client.session


def test_allauth_mails_go_through_the_outbox(client, user_factory):
    from backend.core.models import OutboxEmail

    user_factory(email="oubli@example.org")
    client.post("/accounts/password/reset/", {"email": "oubli@example.org"})
    # queued in the request's transaction; sent by the outbox once it commits
    (email,) = OutboxEmail.objects.all()
    assert email.to == ["oubli@example.org"]
    assert email.key is None  # asking for a second link on purpose sends a second one
    assert "/accounts/password/reset/key/" in email.body
    assert mail.outbox == []
