import pytest


@pytest.fixture
def territories(db):
    """The committed territories (loaded by the migration; reloaded if a transactional
    test flushed them)."""
    from territories.services import territories_load

    territories_load()


@pytest.fixture
def grid(territories):
    from observatory.services import grid_default_ensure

    return grid_default_ensure()


@pytest.fixture
def pioneer_in(db, pioneer_factory):
    """A pioneer with an account, located in a commune (public location)."""
    from tests.factories import UserFactory

    def make(commune_key: str, **kwargs):
        return pioneer_factory(
            user=UserFactory(), territory_id=commune_key, location_visibility=0, **kwargs
        )

    return make
