from backend.core.errors import ApplicationError


class TerritoryError(ApplicationError):
    """A territory operation that cannot be done (an unknown territory, a bad data file)."""
