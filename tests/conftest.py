import pytest
from django.core.cache import cache
from django.db import connections
from django.test import TestCase

from backend.celery import app as celery_app
from tests.services import missing_part, requires_service

SERVICE_MARKERS = ("postgres", "redis", "celery_worker", "browser", "gettext")


@pytest.fixture(autouse=True)
def _services_present(request):
    for marker in SERVICE_MARKERS:
        if request.node.get_closest_marker(marker) and (reason := missing_part(marker)):
            requires_service(reason)


@pytest.fixture(autouse=True)
def _celery_eager_unless_worker(request):
    """Tasks run in the test's process, except in tests that start a real worker."""
    eager = request.node.get_closest_marker("celery_worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's many rounds are the point in production and pure waiting in tests.
    # (PBKDF2 stays known so passwords set by a subprocess with the real settings verify.)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def _mark_test_atomic_depth(aliases) -> None:
    for alias in aliases:
        connection = connections[alias]
        connection._terreau_lock_base_depth = len(connection.atomic_blocks)


_enter_atomics = TestCase._enter_atomics.__func__
_rollback_atomics = TestCase._rollback_atomics.__func__


def _enter_atomics_marked(cls):
    atomics = _enter_atomics(cls)
    _mark_test_atomic_depth(atomics)
    return atomics


def _rollback_atomics_marked(cls, atomics):
    _rollback_atomics(cls, atomics)
    _mark_test_atomic_depth(atomics)


# pytest-django holds each test in transactions of its own: the lock-order check then
# takes the outermost block opened by the application as one transaction (locks.py).
TestCase._enter_atomics = classmethod(_enter_atomics_marked)
TestCase._rollback_atomics = classmethod(_rollback_atomics_marked)


@pytest.fixture(autouse=True)
def _lock_order_checked(settings):
    """Any lock taken out of ``backend.core.locks.LOCK_ORDER`` fails the test."""
    settings.TERREAU_LOCK_ORDER_CHECK = True


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache: each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user_factory(db):
    from tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def visitor_client(client):
    return client


SEED_COLLEGES = [
    ("fondateurs", "Fondateurs", 20, False),
    ("partenaires-historiques", "Partenaires historiques", 15, False),
    ("beneficiaires", "Bénéficiaires", 30, True),
    ("fournisseurs", "Fournisseurs", 10, False),
    ("collectivites", "Collectivités", 15, False),
    ("salaries", "Salariés", 10, False),
]


@pytest.fixture
def colleges(db):
    """The six colleges of the seed, weights summing to 100."""
    from governance.models import College

    return {
        slug: College.objects.create(
            slug=slug, name=name, vote_weight=weight, is_pioneers=pioneers, position=i
        )
        for i, (slug, name, weight, pioneers) in enumerate(SEED_COLLEGES)
    }


@pytest.fixture
def membership_factory(db):
    from tests.factories import MembershipFactory

    return MembershipFactory


@pytest.fixture
def member(db, colleges):
    """A person who is an admitted member (college: fondateurs, one paid share)."""
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email="membre@example.org")
    MembershipFactory(user=user, college=colleges["fondateurs"], shares=1)
    return user


@pytest.fixture
def visitor_user(db):
    """A logged-in person who is not a member."""
    from tests.factories import UserFactory

    return UserFactory(email="visiteur@example.org")


@pytest.fixture
def coordinator(db):
    from backend.accounts.roles import coordinator_grant
    from tests.factories import UserFactory

    user = UserFactory(email="jardinier@example.org")
    coordinator_grant(user=user)
    return user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def pioneer_factory(db):
    from tests.factories import PioneerFactory

    return PioneerFactory
