"""Which real services this test run can reach, and what to do when one is missing.

A test that needs PostgreSQL, Redis, a Celery worker, Chromium or gettext is skipped
with the reason printed when that part is absent — unless TERREAU_REQUIRE_SERVICES=1
(CI), where a missing part fails the test instead.
"""

import os
import shutil
from functools import cache

import pytest
from django.conf import settings
from django.db import connection

CHROMIUM = os.environ.get("TERREAU_CHROMIUM", "/usr/bin/chromium")


def services_required() -> bool:
    return os.environ.get("TERREAU_REQUIRE_SERVICES") == "1"


def requires_service(reason: str) -> None:
    if services_required():
        pytest.fail(f"TERREAU_REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@cache
def redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@cache
def chromium_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return os.access(CHROMIUM, os.X_OK)


def gettext_available() -> bool:
    return shutil.which("msgfmt") is not None and shutil.which("xgettext") is not None


def missing_part(marker: str) -> str | None:
    """The reason a test with this marker cannot run here, or None when it can."""
    if marker == "postgres" and not on_postgres():
        return "PostgreSQL is not configured (set DATABASE_URL=postgres://…)"
    if marker in ("redis", "celery_worker") and not redis_reachable():
        return "Redis is not reachable (set REDIS_URL=redis://127.0.0.1:6379/0)"
    if marker == "browser" and not chromium_available():
        return f"Chromium ({CHROMIUM}) or Playwright is missing (apt-get install chromium)"
    if marker == "gettext" and not gettext_available():
        return "GNU gettext is missing (apt-get install gettext)"
    return None


def database_url_of(db: dict) -> str:
    """A DATABASE_URL for a subprocess to reach the test database this run uses."""
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] or ""
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
