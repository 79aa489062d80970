"""Who a person is for a project: author, coordinator, active pioneer."""

from backend.accounts.roles import user_is_coordinator
from governance.models import Membership, MembershipStatus
from projects.lifecycle import PRIVATE_STATES, Role
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
    if user_is_coordinator(user):
        roles.add(Role.COORDINATOR)
    return roles


def can_view(user, project: Project) -> bool:
    return project.status not in PRIVATE_STATES or bool(project_roles(user, project))


def active_pioneers():
    return Membership.objects.filter(status=MembershipStatus.MEMBER, college__is_pioneers=True)


def is_active_pioneer(user) -> bool:
    return bool(user and user.is_authenticated) and active_pioneers().filter(user=user).exists()


def is_active_member(user) -> bool:
    return (
        bool(user and user.is_authenticated)
        and Membership.objects.filter(user=user, status=MembershipStatus.MEMBER).exists()
    )


def can_propose(user) -> bool:
    return is_active_member(user) or user_is_coordinator(user)
