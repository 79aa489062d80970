import pytest

from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def pioneer_factory(colleges):
    """Active members of the pioneers' college (``beneficiaires``)."""

    def make(**kwargs):
        user = UserFactory(**kwargs)
        MembershipFactory(user=user, college=colleges["beneficiaires"])
        return user

    return make


@pytest.fixture
def pioneer(pioneer_factory):
    return pioneer_factory(email="pionniere@example.org")


@pytest.fixture
def pioneer_client(client, pioneer):
    client.force_login(pioneer)
    return client
