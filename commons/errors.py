from backend.core.errors import ApplicationError


class CommonsError(ApplicationError):
    """A resource-centre, committee or directory rule refused an operation."""
