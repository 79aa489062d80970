import pytest

from tests.core.test_settings import run_django

pytestmark = pytest.mark.django_db

_HEALTH = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(response.status_code, json.dumps(response.json()))
"""


def test_health_reports_ok(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_503_when_the_database_is_down():
    # A real connection attempt to a port where no PostgreSQL listens.
    result = run_django(_HEALTH, DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing")
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert '"database": "error"' in body
    assert '"status": "error"' in body


def test_health_answers_503_when_redis_is_down():
    result = run_django(_HEALTH, REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert '"redis": "error"' in body
    assert '"database": "ok"' in body


@pytest.mark.redis
def test_health_includes_redis_when_configured(client, settings):
    from tests.services import redis_reachable

    assert redis_reachable()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_health_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
