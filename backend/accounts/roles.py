"""The coordinator role (*le jardinier*): a group; superusers hold every coordinator right."""

import rules
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet

from backend.accounts.models import COORDINATORS_GROUP, User

is_coordinator = rules.is_group_member(COORDINATORS_GROUP) | rules.is_superuser


def user_is_coordinator(user) -> bool:
    return bool(user and user.is_authenticated and is_coordinator(user))


def coordinators() -> QuerySet[User]:
    """Everyone who holds the role now (active coordinators and superusers): who is told
    when something waits for the jardinier."""
    return User.objects.filter(
        Q(groups__name=COORDINATORS_GROUP) | Q(is_superuser=True), is_active=True
    ).distinct()


def coordinator_grant(*, user: User) -> None:
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


rules.add_perm("accounts.coordinate", is_coordinator)
