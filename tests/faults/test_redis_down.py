"""Redis down: the cache, the rate limits and the Celery broker all point at a port
where nothing listens (a real refused connection, nothing mocked). Pages and the API
keep serving, rate limits keep counting (in memory), tasks enqueued at commit run in
the process instead of being lost, and /healthz says what is wrong."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from backend.celery import ResilientTask
from backend.celery import app as celery_app
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CLOSED = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = CLOSED
    settings.CACHES = {
        "default": {
            "BACKEND": "backend.core.cache.ResilientRedisCache",
            "LOCATION": CLOSED,
            "KEY_PREFIX": "terreau",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    conf = celery_app.conf
    saved = (conf.broker_url, conf.result_backend, conf.task_always_eager)
    conf.broker_url, conf.result_backend, conf.task_always_eager = CLOSED, CLOSED, False
    _forget_connections()
    yield
    conf.broker_url, conf.result_backend, conf.task_always_eager = saved
    _forget_connections()


def _forget_connections():
    ResilientTask.broker_down_until = 0.0
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._local.__dict__.pop("backend", None)


def test_the_cache_answers_from_memory(redis_down):
    cache.set("clef", 42)
    assert cache.get("clef") == 42
    assert cache.add("verrou", True) is True
    assert cache.add("verrou", True) is False
    assert cache.incr("clef") == 43
    cache.delete("clef")
    assert cache.get("clef") is None


@pytest.mark.parametrize(
    "url", ["/", "/projets/", "/pionniers/", "/fonds/", "/marche/", "/accounts/login/"]
)
def test_pages_keep_serving(client, redis_down, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/projects/", "/api/v1/pioneers/", "/api/v1/listings/"])
def test_the_api_keeps_serving_with_its_throttles(api_client, redis_down, url):
    assert api_client.get(url).status_code == 200


def test_login_and_its_lockout_still_work(client, user_factory, redis_down):
    user_factory(email="cible@example.org")
    for _ in range(6):
        client.post("/accounts/login/", {"login": "cible@example.org", "password": "faux"})
    response = client.post("/accounts/login/", {"login": "cible@example.org", "password": PASSWORD})
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_email_sent_while_the_broker_is_down_is_sent_in_the_process(
    client, redis_down, django_capture_on_commit_callbacks
):
    # the confirmation is queued in the outbox; its sending task runs at commit
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {"email": "nouvelle@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["nouvelle@example.org"]]


def test_tasks_enqueued_at_commit_are_not_lost(
    coordinator, colleges, membership_factory, redis_down, django_capture_on_commit_callbacks
):
    from backend.core.models import OutboxEmail
    from governance.assemblies import services

    people = [membership_factory(college=colleges["fondateurs"], shares=1) for _ in range(3)]
    assembly = services.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.assembly_convene(actor=coordinator, assembly=assembly)
    convocations = OutboxEmail.objects.filter(key__startswith=f"convocation:{assembly.pk}:")
    assert convocations.filter(status=OutboxEmail.Status.SENT).count() == len(people)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.user.email for p in people)


def test_health_reports_redis_down_with_503_json(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error"}
