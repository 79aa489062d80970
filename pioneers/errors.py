from backend.core.errors import ApplicationError


class PioneersError(ApplicationError):
    """A profile, admission or import rule refused an operation."""
