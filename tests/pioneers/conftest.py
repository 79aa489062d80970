import io

import pytest
from PIL import Image


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (1200, 900), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (120, 160, 90)).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Each test here logs several people in: hashing their passwords slowly buys nothing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(db):
    from tests.factories import UserFactory

    return UserFactory(email="pionniere@example.org")


@pytest.fixture
def pioneer(owner, pioneer_factory):
    return pioneer_factory(user=owner)


@pytest.fixture
def clients(client, member, owner, coordinator, visitor_user):
    """A logged-in client for a role name (a fresh client per call)."""
    from django.test import Client

    people = {
        "anonymous": None,
        "visitor": visitor_user,
        "member": member,
        "owner": owner,
        "coordinator": coordinator,
    }

    def make(role: str) -> Client:
        c = Client()
        if people[role] is not None:
            c.force_login(people[role])
        return c

    return make
