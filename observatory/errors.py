from backend.core.errors import ApplicationError


class ObservatoryError(ApplicationError):
    """An indicator grid, self-assessment or observatory operation that is refused."""
