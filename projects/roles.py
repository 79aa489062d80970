"""Who a person is for a project: author, coordinator, active pioneer.

What each may do is named in ``projects/rules.py``.
"""

import rules

from governance.models import Membership, MembershipStatus
from projects.lifecycle import Role
from projects.models import Project


def is_author(user, project: Project) -> bool:
    if not user or not user.is_authenticated:
        return False
    cached = getattr(project, "_prefetched_objects_cache", {}).get("authors")
    if cached is not None:
        return any(author.pk == user.pk for author in cached)
    return project.authors.filter(pk=user.pk).exists()


def project_roles(user, project: Project) -> set[Role]:
    roles: set[Role] = set()
    if is_author(user, project):
        roles.add(Role.AUTHOR)
    if rules.has_perm("projects.review_project", user):
        roles.add(Role.COORDINATOR)
    return roles


def active_pioneers():
    return Membership.objects.filter(status=MembershipStatus.MEMBER, college__is_pioneers=True)


def is_active_pioneer(user) -> bool:
    return bool(user and user.is_authenticated) and active_pioneers().filter(user=user).exists()


def is_active_member(user) -> bool:
    return (
        bool(user and user.is_authenticated)
        and Membership.objects.filter(user=user, status=MembershipStatus.MEMBER).exists()
    )
