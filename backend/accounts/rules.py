"""Permissions on people's accounts (django-rules autodiscovers this module).

``accounts.coordinate`` itself is declared with the role in ``backend/accounts/roles.py``.
"""

import rules

from backend.accounts.roles import is_coordinator


@rules.predicate
def is_same_person(user, person) -> bool:
    return person is not None and user.is_authenticated and person.pk == user.pk


@rules.predicate
def is_protected_account(user, person) -> bool:
    """A coordinator's (or a superuser's) account: only a superuser may erase it."""
    return person is not None and bool(is_coordinator(person))


# Exporting or erasing personal data: the person themselves or a coordinator.
rules.add_perm(
    "accounts.manage_personal_data", rules.is_authenticated & (is_same_person | is_coordinator)
)
# Erasing someone's account for them (the coordinator's side of the RGPD erasure).
rules.add_perm("accounts.erase_account", ~is_protected_account | rules.is_superuser)
