import rules

from backend.accounts.roles import is_coordinator


@rules.predicate
def is_account_owner(user, account) -> bool:
    return (
        account is not None
        and user.is_authenticated
        and account.owner_member_id is not None
        and account.owner_member.user_id == user.pk
    )


# A member sees their own statement; the coordinator sees every account, may pay from
# any account (the cooperative's, a project's), reverse a transfer and set limits.
rules.add_perm("marketplace.view_timeaccount", is_coordinator | is_account_owner)
rules.add_perm("marketplace.list_timeaccounts", is_coordinator)
rules.add_perm("marketplace.transfer_from_any_account", is_coordinator)
rules.add_perm("marketplace.reverse_timetransfer", is_coordinator)
rules.add_perm("marketplace.change_timeaccount_limit", is_coordinator)
rules.add_perm("marketplace.view_timetransfer", is_coordinator)
