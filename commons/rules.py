"""Who may do what in the commons (django-rules predicates)."""

import rules

from backend.accounts.roles import is_coordinator
from commons.models import CommitteeMember, ResourceStatus


@rules.predicate
def is_committee_member(user) -> bool:
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True  # a superuser holds every right, the committee's too
    cached = getattr(user, "_commons_committee", None)
    if cached is None:
        cached = CommitteeMember.objects.filter(user=user, ended_at__isnull=True).exists()
        user._commons_committee = cached
    return cached


@rules.predicate
def is_resource_author(user, resource) -> bool:
    return resource is not None and resource.submitted_by_id == user.pk


@rules.predicate
def is_published(user, resource) -> bool:
    return resource is not None and resource.status == ResourceStatus.PUBLISHED


is_editor = is_coordinator | is_committee_member

rules.add_perm("commons.suggest_resource", rules.is_authenticated)
rules.add_perm(
    "commons.view_resource",
    is_published | (rules.is_authenticated & (is_resource_author | is_editor)),
)
rules.add_perm(
    "commons.revise_resource",
    rules.is_authenticated & (is_resource_author | is_coordinator),
)
# A coordinator may correct any resource, whatever its state.
rules.add_perm("commons.correct_resource", is_coordinator)
rules.add_perm("commons.review_resource", rules.is_authenticated & is_committee_member)
rules.add_perm("commons.decide_resource", rules.is_authenticated & is_editor)
rules.add_perm("commons.view_committee", rules.is_authenticated & is_editor)
rules.add_perm("commons.appoint_committee", is_coordinator)
rules.add_perm("commons.give_feedback", rules.is_authenticated & is_published)
rules.add_perm("commons.edit_entry", rules.is_authenticated)
rules.add_perm("commons.report_entry", rules.is_authenticated)
rules.add_perm("commons.moderate_entry", rules.is_authenticated & is_editor)
rules.add_perm("commons.import_entries", is_coordinator)


def user_is_editor(user) -> bool:
    return bool(user and user.is_authenticated and is_editor(user))
