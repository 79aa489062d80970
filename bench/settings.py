"""Production-like settings for the benchmark: the real settings, DEBUG off, plus the
two ceiling views (``bench.urls``). Used only by ``python -m bench``; production never
loads this module, so it never serves the ceiling views.

Differences from production, each because the bench runs on plain HTTP on 127.0.0.1
with one client making thousands of requests: no HTTPS redirect nor secure-only
cookies, API throttles out of the way, e-mails dropped (production hands them to the
Celery worker, which the bench does not measure).
"""

import os

os.environ.setdefault("DJANGO_ENV", "production")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("TERREAU_LOG_LEVEL", "WARNING")

from backend.settings import *  # noqa: F403
from backend.settings import REST_FRAMEWORK

DEBUG = False
ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "anon": "1000000/minute",
        "user": "1000000/minute",
    },
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}

# Collected (hashed, compressed) static files of its own: the bench must not rewrite
# the development server's var/static while tests or `make run` read it.
STATIC_ROOT = VAR_DIR / "bench-static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
