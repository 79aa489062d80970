"""Terreau settings: one module, every deployment-specific value read from the environment.

The embedded default (no environment at all) is a developer's machine: SQLite under
``var/``, Celery tasks run eagerly, e-mail printed on the console. Production mode
(``DJANGO_ENV=production``) turns on HTTPS-only cookies and redirects and requires
two-factor authentication for coordinators; it refuses to start without a real
``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# Every variable the platform reads, with its type and embedded default. The
# docker-compose consistency test and the README's configuration table rely on it.
ENV_SCHEME = {
    "DJANGO_ENV": (str, "development"),
    "DEBUG": (bool, None),
    "SECRET_KEY": (str, ""),
    "ALLOWED_HOSTS": (list, []),
    "CSRF_TRUSTED_ORIGINS": (list, []),
    "DATABASE_URL": (str, f"sqlite:///{VAR_DIR / 'terreau.sqlite3'}"),
    "REDIS_URL": (str, ""),
    "EMAIL_URL": (str, "consolemail://"),
    "DEFAULT_FROM_EMAIL": (str, "Terreau <ne-pas-repondre@terreau.coop>"),
    "SITE_URL": (str, "http://127.0.0.1:8000"),
    "STRIPE_SECRET_KEY": (str, ""),
    "STRIPE_PUBLISHABLE_KEY": (str, ""),
    "STRIPE_WEBHOOK_SECRET": (str, ""),
    "STRIPE_API_BASE": (str, ""),
    "TERREAU_SECURE_PROXY_SSL_HEADER": (bool, False),
    "TERREAU_API_THROTTLE_ANON": (str, "60/minute"),
    "TERREAU_API_THROTTLE_USER": (str, "600/minute"),
    "TERREAU_LOG_LEVEL": (str, "INFO"),
    "TERREAU_EXCHANGE_AUTO_CONFIRM_DAYS": (int, 7),
    "TERREAU_COMMITTEE_MAX_SEATS": (int, 30),
    "TERREAU_REPRESENTATIVE_COLLEGE": (str, ""),
    "TERREAU_REPRESENTATIVE_MANDATE_MONTHS": (int, 24),
    "TERREAU_COMMITTEE_SESSION_MONTHS": (int, 3),
    "TERREAU_DIRECTORY_REPORTS_TO_HIDE": (int, 3),
    "TERREAU_MAP_TILES_URL": (str, "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"),
}
env = environ.Env(**ENV_SCHEME)

DJANGO_ENV = env("DJANGO_ENV")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be development, test or production.")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env("DEBUG") if env("DEBUG") is not None else not PRODUCTION

_DEV_SECRET_KEY = "insecure-development-key-never-use-in-production-terreau"
SECRET_KEY = env("SECRET_KEY") or ("" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

ALLOWED_HOSTS = env("ALLOWED_HOSTS") or (
    [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL").rstrip("/")

INSTALLED_APPS = [
    "backend.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "backend.core",
    "territories",
    "governance",
    "pioneers",
    "projects",
    "events",
    "commons",
    "marketplace",
    "observatory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "backend.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "backend.core.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "backend.accounts.middleware.CoordinatorTwoFactorMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backend.core.context_processors.terreau",
                "backend.core.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: tests share it with threads (live server, Celery worker) and
    # with the subprocesses some tests start.
    DATABASES["default"]["TEST"]["NAME"] = str(VAR_DIR / "test_terreau.sqlite3")
DATABASES["default"]["CONN_MAX_AGE"] = 60 if PRODUCTION else 0
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server, the eager tasks and the tests'
    # threads write to the same file without "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "backend.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "terreau",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, verified before the first login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Terreau] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_ADAPTER = "backend.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Terreau"
# Coordinators hold the keys of the cooperative: in production they must turn on TOTP.
TERREAU_REQUIRE_COORDINATOR_2FA = PRODUCTION
# Raise when a transaction locks tables out of backend.core.locks.LOCK_ORDER (tests).
TERREAU_LOCK_ORDER_CHECK = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# One catalogue per app (``<app>/locale``): `make messages` files each string in the
# catalogue of the app whose code holds it, so apps never edit each other's catalogues.
# Terreau's own packages, in the dependency order of backend/core/layers.py.
TERREAU_APPS = [
    "backend",
    "territories",
    "governance",
    "pioneers",
    "projects",
    "events",
    "commons",
    "marketplace",
    "observatory",
]
LOCALE_PATHS = [BASE_DIR / app / "locale" for app in TERREAU_APPS]
LANGUAGE_COOKIE_NAME = "terreau_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "backend" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Django 6.1's MAILERS, built from EMAIL_URL (smtp://user:pass@host:port, smtp+tls://…,
# consolemail://, filemail://…).
_email = env.email_url("EMAIL_URL")
_EMAIL_OPTION_NAMES = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_TIMEOUT": "timeout",
    "EMAIL_FILE_PATH": "file_path",
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            option: _email[key]
            for key, option in _EMAIL_OPTION_NAMES.items()
            if _email.get(key) not in (None, "")
            and _email["EMAIL_BACKEND"].endswith(("smtp.EmailBackend", "filebased.EmailBackend"))
        },
    }
}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"].setdefault("timeout", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when configured, otherwise every task runs in the calling process.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Redis down: give up on it within about a second (the default retries for 20 s, on
# every task sent) — backend.celery.ResilientTask then runs the task in the process.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_RESULT_EXPIRES = 3600
# Periodic tasks: Celery's own schedule (django-celery-beat does not install with Django 6.1).
CELERY_BEAT_SCHEDULE: dict = {
    "observatory-refresh": {
        "task": "observatory.tasks.observatory_refresh_task",
        "schedule": 60 * 60,
    },
    "core-outbox-flush": {
        "task": "backend.core.tasks.outbox_flush",
        "schedule": 5 * 60,
    },
    "governance-duty-reminders": {
        "task": "governance.tasks.duty_reminders",
        "schedule": 60 * 60 * 24,
    },
    "marketplace-receipts-catch-up": {
        "task": "marketplace.tasks.funds.contribution_receipts_catch_up",
        "schedule": 60 * 60,
    },
    "projects-concern-shares": {
        "task": "projects.tasks.concern_shares_daily_refresh",
        "schedule": 24 * 60 * 60,
    },
    "marketplace-funds-check": {
        "task": "marketplace.tasks.funds.funds_check_periodic",
        "schedule": 24 * 60 * 60,
    },
    "marketplace-project-need-alerts": {
        "task": "marketplace.tasks.needs.project_need_alerts",
        "schedule": 24 * 60 * 60,
    },
    "marketplace-ledger-check": {
        "task": "marketplace.tasks.ledger.ledger_check_periodic",
        "schedule": 24 * 60 * 60,
    },
    "governance-votes-schedule": {
        "task": "governance.votes.tasks.votes_schedule_tick",
        "schedule": 60,
    },
    # Digests: the outbox key ``digest:<user>:<period>`` keeps a rerun from sending twice.
    "core-digests-daily": {
        "task": "backend.core.tasks.digests_send",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    "core-digests-weekly": {
        "task": "backend.core.tasks.digests_send",
        "schedule": crontab(hour=7, minute=30, day_of_week="monday"),
        "args": ("weekly",),
    },
    "events-reminders": {
        "task": "events.tasks.event_reminders_send",
        "schedule": 60 * 60,
    },
    "marketplace-exchanges-auto-confirm": {
        "task": "marketplace.tasks.exchanges.exchanges_auto_confirm",
        "schedule": 60 * 60,
    },
}
# An exchange marked done is confirmed (and paid) after this many days without dispute.
MARKETPLACE_EXCHANGE_AUTO_CONFIRM_DAYS = env("TERREAU_EXCHANGE_AUTO_CONFIRM_DAYS")
# The representative of the community: the college that elects them (a slug; empty: the
# pioneers' college) and the default length of a mandate.
REPRESENTATIVE_COLLEGE = env("TERREAU_REPRESENTATIVE_COLLEGE")
REPRESENTATIVE_MANDATE_MONTHS = env("TERREAU_REPRESENTATIVE_MANDATE_MONTHS")
# The commons: seats on the editorial committee, the rhythm of its sessions, the number
# of reviews a decision needs, and the reports that hide a directory entry at once.
COMMONS_COMMITTEE_MAX_SEATS = env("TERREAU_COMMITTEE_MAX_SEATS")
COMMONS_SESSION_MONTHS = env("TERREAU_COMMITTEE_SESSION_MONTHS")
COMMONS_REVIEWS_NEEDED = 2
COMMONS_REPORTS_TO_HIDE = env("TERREAU_DIRECTORY_REPORTS_TO_HIDE")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call then gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "backend.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "backend.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "backend.api.errors.exception_handler",
    "DEFAULT_METADATA_CLASS": "backend.api.metadata.OperationMetadata",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("TERREAU_API_THROTTLE_ANON"),
        "user": env("TERREAU_API_THROTTLE_USER"),
        "auth_token": "10/minute",
        "contributions": "30/hour",
        "ballots": "20/minute",
        "resolution_votes": "120/minute",
        "directory_reports": "10/hour",
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Terreau API",
    "DESCRIPTION": "API de la plateforme coopérative Terreau (SCIC et pionniers).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ResourceKindEnum": "commons.models.ResourceKind.choices",
        "EntryKindEnum": "commons.models.EntryKind.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backend.api.schema.error_responses_hook",
    ],
}

# Map tiles of the pioneers' map (a Leaflet URL template); the CSP lets the browser load
# them from that host (« {s} » subdomains become « * »).
TERREAU_MAP_TILES_URL = env("TERREAU_MAP_TILES_URL")
_tiles = urlsplit(TERREAU_MAP_TILES_URL.replace("{s}", "*"))
_TILES_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc}" if _tiles.netloc else CSP.SELF

# Content Security Policy: everything is served from our own origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", _TILES_ORIGIN],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, "https://checkout.stripe.com"],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
if env("TERREAU_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Rate limits count per client address. Behind the one reverse proxy that the setting
# above announces, the client is the last X-Forwarded-For entry (the proxy's own);
# without a proxy the header is the client's word and is ignored — otherwise anyone
# could dodge every per-address limit by sending a new one with each request.
TRUSTED_PROXY_COUNT = 1 if env("TERREAU_SECURE_PROXY_SSL_HEADER") else 0
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env("STRIPE_API_BASE")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("TERREAU_LOG_LEVEL")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
