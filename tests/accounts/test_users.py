import os
import subprocess
import sys

import pytest
from django.db import IntegrityError

from backend.accounts.models import User
from backend.accounts.roles import coordinator_grant, user_is_coordinator
from tests.core.test_settings import ROOT
from tests.services import database_url_of

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_normalised():
    user = User.objects.create_user(email="Personne@Example.ORG", password="x")
    assert user.email == "personne@example.org"
    assert user.check_password("x")
    assert User.objects.get_by_natural_key("PERSONNE@example.org") == user


def test_email_is_unique_whatever_its_case():
    User.objects.create_user(email="a@example.org")
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="A@example.org")])


def test_create_user_without_email_is_refused():
    with pytest.raises(ValueError, match="e-mail"):
        User.objects.create_user(email="")


def test_superuser_is_a_coordinator_and_coordinator_role_is_a_group(user_factory):
    member = user_factory()
    admin = User.objects.create_superuser(email="root@example.org", password="x")
    assert not user_is_coordinator(member)
    assert user_is_coordinator(admin)
    coordinator_grant(user=member)
    member = User.objects.get(pk=member.pk)
    assert user_is_coordinator(member)
    assert member.is_staff
    assert member.has_perm("accounts.coordinate")


@pytest.mark.django_db(transaction=True)
def test_createsuperuser_noinput_with_email_and_password_from_environment(django_db_blocker):
    from django.db import connection

    env = dict(os.environ, DJANGO_SUPERUSER_PASSWORD="Un-Mot-De-Passe-9")
    env["DATABASE_URL"] = database_url_of(connection.settings_dict)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--email",
            "chef@example.org",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    user = User.objects.get(email="chef@example.org")
    assert user.is_superuser
    assert user.is_staff
    assert user.check_password("Un-Mot-De-Passe-9")


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_admin_is_in_french_for_the_coordinator(coordinator_client):
    response = coordinator_client.get("/admin/")
    assert response.status_code == 200
    assert "Administration de Terreau" in response.content.decode()


def test_admin_refuses_a_member_who_is_not_staff(member_client):
    response = member_client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")
    assert member_client.get(response["Location"]).status_code == 403


def test_coordinator_without_totp_is_sent_to_two_factor_setup_in_production(
    coordinator_client, settings
):
    settings.TERREAU_REQUIRE_COORDINATOR_2FA = True
    response = coordinator_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # the set-up page (after confirming the password) stays reachable
    response = coordinator_client.get("/accounts/2fa/totp/activate/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")


def test_coordinator_with_totp_passes(coordinator_client, coordinator, settings):
    from allauth.mfa.models import Authenticator

    settings.TERREAU_REQUIRE_COORDINATOR_2FA = True
    Authenticator.objects.create(user=coordinator, type=Authenticator.Type.TOTP, data={})
    assert coordinator_client.get("/").status_code == 200


def test_members_are_not_asked_for_two_factor(member_client, settings):
    settings.TERREAU_REQUIRE_COORDINATOR_2FA = True
    assert member_client.get("/").status_code == 200
