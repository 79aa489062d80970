"""``seed_demo``: the territories (the committed data file, loaded once per version)."""

from territories.services import territories_load


def seed(*, stdout=None) -> None:
    territories_load()
