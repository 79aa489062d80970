import rules

from backend.accounts.roles import is_coordinator
from governance import selectors


@rules.predicate
def is_own_membership(user, membership) -> bool:
    return membership is not None and membership.user_id == user.pk


@rules.predicate
def is_active_member(user) -> bool:
    return selectors.is_active_member(user)


rules.add_perm("governance.manage_members", is_coordinator)
# The list of members: its public fields for active members, everything for the coordinator.
rules.add_perm(
    "governance.list_members", rules.is_authenticated & (is_coordinator | is_active_member)
)
# A membership in full (e-mail, status, shares, duties): its member and the coordinator.
# (Not "view_membership": that name is the admin's model permission.)
rules.add_perm(
    "governance.see_member_details", rules.is_authenticated & (is_coordinator | is_own_membership)
)
# Assemblies: the coordinator prepares them (drafts are theirs alone) and may still handle
# proxies once the assembly is open.
rules.add_perm("governance.manage_assemblies", is_coordinator)
# The jardinier's door: coordinators read every thread and answer it.
rules.add_perm("governance.answer_threads", is_coordinator)
rules.add_perm("governance.manage_colleges", is_coordinator)


@rules.predicate
def is_in_electing_college(user, election=None) -> bool:
    """An active member of the election's college (or, with no election, of the college
    that elects the representative)."""
    from governance.models import Membership, MembershipStatus
    from governance.representative.selectors import electing_college

    college_id = election.college_id if election is not None else None
    if college_id is None:
        college = electing_college()
        college_id = college.pk if college else None
    return (
        college_id is not None
        and Membership.objects.filter(
            user_id=user.pk, status=MembershipStatus.MEMBER, college_id=college_id
        ).exists()
    )


# The representative of the community: the coordinator organises the elections; the
# members of the electing college stand (and vote, through the vote's electorate).
rules.add_perm("governance.manage_representative_elections", is_coordinator)
rules.add_perm(
    "governance.stand_for_representative", rules.is_authenticated & is_in_electing_college
)
rules.add_perm(
    "governance.view_member_duties", rules.is_authenticated & (is_coordinator | is_own_membership)
)

from governance.votes import rules as _votes_rules  # noqa: E402,F401
