import rules

from backend.accounts.roles import is_coordinator


@rules.predicate
def is_listing_owner(user, listing) -> bool:
    return listing is not None and user.is_authenticated and listing.owner.user_id == user.pk


@rules.predicate
def is_exchange_party(user, exchange) -> bool:
    return (
        exchange is not None
        and user.is_authenticated
        and user.pk in (exchange.giver.user_id, exchange.receiver.user_id)
    )


# The owner edits their listing; the coordinator moderates. An exchange is seen by its
# two parties and the coordinator (who settles disputes); its transitions are checked
# by services.exchanges.EXCHANGE_TRANSITIONS.
rules.add_perm("marketplace.change_listing", is_coordinator | is_listing_owner)
rules.add_perm("marketplace.view_exchange", is_coordinator | is_exchange_party)
# The coordinator's role in an exchange (settling a dispute, cancelling).
rules.add_perm("marketplace.settle_exchange", is_coordinator)
