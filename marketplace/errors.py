from backend.core.errors import ApplicationError


class MarketplaceError(ApplicationError):
    """A marketplace rule refused an operation (contributions, funds, and later the
    time ledger): a human message and a machine ``code``; 409 when the state of the
    data forbids it (not enough money available, a payment already recorded)."""
