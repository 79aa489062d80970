from backend.core.errors import ApplicationError


class ProjectError(ApplicationError):
    """A projects rule refused an operation (lifecycle, concern, ranking, discussion)."""
