import rules

from backend.accounts.roles import is_coordinator
from governance.selectors import is_active_member
from governance.votes.selectors import vote_electorate_contains


@rules.predicate
def in_electorate(user, vote) -> bool:
    return vote is not None and vote_electorate_contains(vote=vote, user=user)


@rules.predicate
def is_member(user) -> bool:
    return is_active_member(user)


# Votes, their results and the published ballots are the members' (and the coordinator's).
rules.add_perm("governance.see_votes", rules.is_authenticated & (is_coordinator | is_member))
rules.add_perm("governance.cast_ballot", rules.is_authenticated & in_electorate)
rules.add_perm("governance.manage_votes", is_coordinator)
# Issue 15 §1: choosing another project than the count did, with a public reason.
rules.add_perm("governance.override_vote_outcome", is_coordinator)
