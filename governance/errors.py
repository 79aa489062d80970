from backend.core.errors import ApplicationError


class GovernanceError(ApplicationError):
    """A membership, college, share or charter rule refused an operation."""
