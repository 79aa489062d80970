"""Permissions of the marketplace (django-rules autodiscovers this package)."""

from marketplace.rules import funds, ledger, listings  # noqa: F401
