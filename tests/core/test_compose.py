"""docker-compose.yml cannot run here (no Docker engine): check it against the code."""

import re

import yaml
from django.conf import settings

from tests.core.test_settings import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _command(service: str) -> str:
    command = SERVICES[service]["command"]
    return " ".join(command) if isinstance(command, list) else command


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def test_the_production_like_stack_has_its_six_services():
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat", "mail"}


def test_postgres_and_redis_versions_suit_django_6_1():
    image = SERVICES["postgres"]["image"]
    assert int(re.search(r"postgres:(\d+)", image).group(1)) >= 15
    assert int(re.search(r"redis:(\d+)", SERVICES["redis"]["image"]).group(1)) >= 7


def test_web_worker_and_beat_run_the_project_entry_points():
    assert "gunicorn" in _command("web")
    assert "backend.wsgi:application" in _command("web")
    assert "celery -A backend worker" in _command("worker")
    assert "celery -A backend beat" in _command("beat")
    from backend import wsgi  # noqa: F401  (the module gunicorn loads exists)
    from backend.celery import app

    assert app.main == "terreau"


def test_app_services_share_one_env_file_that_the_settings_read():
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["env_file"] == [".env"] or SERVICES[name]["env_file"] == ".env"
    example = _env_example()
    unknown = (
        set(example)
        - set(settings.ENV_SCHEME)
        - {"POSTGRES_PASSWORD", "POSTGRES_USER", "POSTGRES_DB"}
    )
    assert unknown == set()
    assert example["DJANGO_ENV"] == "production"


def test_services_point_at_each_other_by_name():
    example = _env_example()
    assert "@postgres:5432/" in example["DATABASE_URL"]
    assert example["REDIS_URL"].startswith("redis://redis:6379/")
    assert "mail:1025" in example["EMAIL_URL"]
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert {"postgres", "redis"} <= set(depends)


def test_web_healthcheck_uses_the_health_endpoint():
    test = " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "/healthz" in test


def test_every_setting_read_from_the_environment_is_documented():
    readme = (ROOT / "README.md").read_text()
    example = _env_example()
    for key in settings.ENV_SCHEME:
        assert f"`{key}`" in readme, f"{key} missing from the README's configuration table"
        assert key in example or key in ("DEBUG",), f"{key} missing from .env.example"
