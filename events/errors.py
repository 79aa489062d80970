from backend.core.errors import ApplicationError


class EventError(ApplicationError):
    """An events rule refused an operation (registration, deadline, minutes, calendar)."""
