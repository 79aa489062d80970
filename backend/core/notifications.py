"""Kept for the imports that name it: e-mail goes through ``backend.core.outbox``."""

from backend.core.outbox import email_user

__all__ = ["email_user"]
