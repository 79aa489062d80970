"""Admin screens of the marketplace, one module per domain."""

from marketplace.admin import funds, ledger, listings  # noqa: F401
