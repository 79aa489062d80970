import rules

from backend.accounts.roles import is_coordinator

JURY_GROUP = "pioneer_jury"


@rules.predicate
def is_profile_owner(user, pioneer) -> bool:
    return pioneer is not None and pioneer.user_id is not None and pioneer.user_id == user.pk


is_juror = is_coordinator | rules.is_group_member(JURY_GROUP)

rules.add_perm(
    "pioneers.change_pioneer", rules.is_authenticated & (is_profile_owner | is_coordinator)
)
rules.add_perm("pioneers.view_application", rules.is_authenticated & is_juror)
rules.add_perm("pioneers.score_application", rules.is_authenticated & is_juror)
rules.add_perm("pioneers.decide_application", is_coordinator)
rules.add_perm("pioneers.import_pioneers", is_coordinator)
# Every field of every card, whatever its visibility setting.
rules.add_perm("pioneers.see_private_cards", is_coordinator)
