"""Settings come from the environment; production mode is safe and `check --deploy` clean."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.MAILERS["default"]["BACKEND"],
    "email_options": settings.MAILERS["default"]["OPTIONS"],
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "require_2fa": settings.TERREAU_REQUIRE_COORDINATOR_2FA,
    "stripe": settings.STRIPE_SECRET_KEY,
}))
"""

_CLEARED = (
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DJANGO_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "STRIPE_SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    clean.update(env, DJANGO_SETTINGS_MODULE="backend.settings")
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def probe(**env: str) -> dict:
    result = run_django(_PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_is_sqlite_eager_console():
    found = probe()
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"].endswith("var/terreau.sqlite3")
    assert found["cache"].endswith("LocMemCache")
    assert found["eager"] is True
    assert found["email"] == "django.core.mail.backends.console.EmailBackend"
    assert found["debug"] is True
    assert found["require_2fa"] is False


def test_services_are_read_from_the_environment():
    found = probe(
        DATABASE_URL="postgres://terreau:secret@db.example:5432/terreau",
        REDIS_URL="redis://cache.example:6379/2",
        EMAIL_URL="smtp://mailer.example:1025",
        STRIPE_SECRET_KEY="sk_test_123",
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "terreau"
    assert found["cache"].endswith("RedisCache")
    assert found["eager"] is False
    assert found["broker"] == "redis://cache.example:6379/2"
    assert found["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert found["email_options"] == {"host": "mailer.example", "port": 1025, "timeout": 10}
    assert found["stripe"] == "sk_test_123"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django(_PROBE, DJANGO_ENV="production", ALLOWED_HOSTS="terreau.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_mode_turns_on_https_and_coordinator_two_factor():
    found = probe(DJANGO_ENV="production", SECRET_KEY="x" * 60, ALLOWED_HOSTS="terreau.example")
    assert found["debug"] is False
    assert found["hosts"] == ["terreau.example"]
    assert found["ssl_redirect"] is True
    assert found["require_2fa"] is True


def test_unknown_environment_name_is_refused():
    result = run_django(_PROBE, DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = run_django(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'INFO'])",
        DJANGO_ENV="production",
        SECRET_KEY="a-production-secret-key-of-more-than-fifty-characters-0123456789",
        ALLOWED_HOSTS="terreau.example",
        EMAIL_URL="smtp+tls://terreau:secret@smtp.example:587",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("value", ["yes", "1", "true"])
def test_debug_can_be_forced_on_from_the_environment(value):
    assert probe(DEBUG=value)["debug"] is True
