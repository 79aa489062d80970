import rules

from backend.accounts.roles import is_coordinator


@rules.predicate
def is_contribution_owner(user, contribution) -> bool:
    return (
        contribution is not None
        and user.is_authenticated
        and contribution.user_id is not None
        and contribution.user_id == user.pk
    )


# The coordinator keeps the books; a contributor sees their own contributions.
rules.add_perm("marketplace.view_contribution", is_coordinator | is_contribution_owner)
rules.add_perm("marketplace.record_payment", is_coordinator)
rules.add_perm("marketplace.allocate_funds", is_coordinator)
# Read-only admin screens for the books, and the contribution settings to edit.
for model in ("fund", "payment", "fundallocation", "stripeevent", "receiptcounter"):
    rules.add_perm(f"marketplace.view_{model}", is_coordinator)
rules.add_perm("marketplace.view_contributionsettings", is_coordinator)
rules.add_perm("marketplace.change_contributionsettings", is_coordinator)
rules.add_perm("marketplace.add_contributionsettings", is_coordinator)
# The admin shows the app to whoever passes the rule named after it.
if not rules.perm_exists("marketplace"):
    rules.add_perm("marketplace", is_coordinator)
