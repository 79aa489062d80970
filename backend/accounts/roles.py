"""The coordinator role (*le jardinier*): a group; superusers hold every coordinator right."""

import rules
from django.contrib.auth.models import Group

from backend.accounts.models import COORDINATORS_GROUP, User

is_coordinator = rules.is_group_member(COORDINATORS_GROUP) | rules.is_superuser


def user_is_coordinator(user) -> bool:
    return bool(user and user.is_authenticated and is_coordinator(user))


def coordinator_grant(*, user: User) -> None:
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


rules.add_perm("accounts.coordinate", is_coordinator)
