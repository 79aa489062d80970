"""The writes of the accounts app that are not allauth's own: the API tokens."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from backend.accounts.models import User
from backend.core.services import audit_record


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """The person's API token, made on first use (the same token until revoked)."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(actor=user, action="accounts.api_token_issued", target=user)
    return token


@transaction.atomic
def api_token_revoke(*, token: Token) -> None:
    user = token.user
    token.delete()
    audit_record(actor=user, action="accounts.api_token_revoked", target=user)
