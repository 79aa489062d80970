import rules

from backend.accounts.roles import is_coordinator


@rules.predicate
def is_own_membership(user, membership) -> bool:
    return membership is not None and membership.user_id == user.pk


rules.add_perm("governance.manage_members", is_coordinator)
rules.add_perm("governance.manage_colleges", is_coordinator)
rules.add_perm(
    "governance.view_member_duties", rules.is_authenticated & (is_coordinator | is_own_membership)
)

from governance.votes import rules as _votes_rules  # noqa: E402,F401
