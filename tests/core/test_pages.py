import pytest

pytestmark = pytest.mark.django_db


def test_home_explains_the_cooperative_and_links_to_each_area(client):
    html = client.get("/").content.decode()
    assert "<main" in html
    assert "<nav" in html
    assert "<header" in html
    assert "<footer" in html
    assert "société coopérative d'intérêt collectif" in html
    for area in ("Pionniers", "Projets communs", "Votes", "Place des marchés", "Prix libre"):
        assert area in html


def test_pages_carry_a_content_security_policy_with_a_nonce(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_htmx_is_served_locally(client):
    html = client.get("/").content.decode()
    assert "/static/vendor/htmx/htmx-2.0.11.min.js" in html


@pytest.mark.parametrize(("url", "status"), [("/", 200), ("/a-propos/", 200)])
def test_public_pages_answer(client, url, status):
    assert client.get(url).status_code == status


def test_not_found_page_is_in_french(client, settings):
    settings.DEBUG = False
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_server_error_page_is_in_french(rf):
    from backend.core.views import server_error

    request = rf.get("/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()


def test_flash_messages_are_shown(member_client):
    response = member_client.post("/accounts/logout/", follow=True)
    assert "Vous êtes déconnecté" in response.content.decode()


def test_seed_demo_is_idempotent():
    from django.core.management import call_command

    from backend.accounts.models import User

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    count = User.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert User.objects.count() == count
    coordinator = User.objects.get(email="jardinier@terreau.coop")
    assert coordinator.groups.filter(name="coordinators").exists()
