import pytest


@pytest.fixture
def territories(db):
    """The committed territories (loaded by the migration; reloaded if a transactional
    test flushed them)."""
    from territories.services import territories_load

    territories_load()
