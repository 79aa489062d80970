"""The marketplace's part of a person's data (backend.accounts.privacy).

Erasure keeps the time account, its transfers, exchanges and fund movements untouched
(balances and totals must still add up): the person's open listings close and lose
their description, and their contributions lose the name, e-mail and message given
(amounts and receipt numbers stay, as accounting requires).
"""

from django.db.models import Q

from backend.accounts.privacy import PrivacySection, Rows, audit_scrub
from marketplace.models import (
    Contribution,
    Exchange,
    ExchangeMessage,
    Listing,
    ListingStatus,
    TimeAccount,
    TimeTransfer,
)

_ACCOUNT_JOINS = (
    "payer__owner_member__user",
    "payer__project",
    "payee__owner_member__user",
    "payee__project",
)


def _contributions_of(user):
    # Also those given without logging in, under the person's own address.
    return Contribution.objects.filter(Q(user=user) | Q(email__iexact=user.email))


def marketplace_export(user) -> dict[str, Rows]:
    account = (
        TimeAccount.objects.filter(owner_member__user=user).select_related("owner_member").first()
    )
    transfers: Rows = []
    if account is not None:
        for t in (
            TimeTransfer.objects.filter(Q(payer=account) | Q(payee=account))
            .select_related(*_ACCOUNT_JOINS)
            .order_by("id")
        ):
            paid = t.payer_id == account.pk
            transfers.append(
                {
                    "id": t.pk,
                    "when": t.created_at,
                    "direction": "out" if paid else "in",
                    "minutes": -t.minutes if paid else t.minutes,
                    "counterpart": str(t.payee if paid else t.payer),
                    "memo": t.memo,
                    "balance_after": t.payer_balance_after if paid else t.payee_balance_after,
                    "exchange": t.exchange_id,
                    "reverses": t.reverses_id,
                }
            )
    exchanges = list(
        Exchange.objects.filter(
            Q(responder__user=user) | Q(giver__user=user) | Q(receiver__user=user)
        )
        .select_related("listing", "giver__user", "receiver__user")
        .distinct()
        .order_by("created_at", "id")
    )
    return {
        "time_account": [
            {
                "balance_minutes": account.balance_minutes,
                "credit_limit_minutes": account.credit_limit_minutes,
                "created_at": account.created_at,
            }
        ]
        if account is not None
        else [],
        "time_transfers": transfers,
        "listings": [
            {
                "id": li.pk,
                "kind": li.kind,
                "title": li.title,
                "description": li.description,
                "estimated_minutes": li.estimated_minutes,
                "place": li.place,
                "remote": li.remote,
                "status": li.status,
                "skills": [tag.name for tag in li.tags.all()],
                "created_at": li.created_at,
            }
            for li in Listing.objects.filter(owner__user=user)
            .prefetch_related("tags")
            .order_by("created_at", "id")
        ],
        "exchanges": [
            {
                "id": e.pk,
                "listing": e.listing.title,
                "giver": e.giver.display_name,
                "receiver": e.receiver.display_name,
                "minutes": e.minutes,
                "status": e.status,
                "reason": e.reason,
                "created_at": e.created_at,
                "closed_at": e.closed_at,
            }
            for e in exchanges
        ],
        "exchange_messages": [
            {
                "exchange": m.exchange_id,
                "author": m.author.display_name,
                "mine": m.author_id == user.pk,
                "body": m.body,
                "sent_at": m.created_at,
            }
            for m in ExchangeMessage.objects.filter(exchange__in=exchanges)
            .select_related("author")
            .order_by("created_at", "id")
        ],
        "contributions": [
            {
                "id": c.pk,
                "fund": str(c.fund),
                "amount_cents": c.amount_cents,
                "currency": c.currency,
                "amount_received_cents": c.amount_received_cents,
                "amount_refunded_cents": c.amount_refunded_cents,
                "channel": c.channel,
                "status": c.status,
                "name": c.name,
                "email": c.email,
                "message": c.message,
                "public": c.public,
                "receipt_number": c.receipt_number,
                "created_at": c.created_at,
                "paid_at": c.paid_at,
            }
            for c in _contributions_of(user)
            .select_related("fund__project")
            .order_by("created_at", "pk")
        ],
    }


def marketplace_erase(user) -> dict[str, int]:
    listings = Listing.objects.filter(owner__user=user)
    closed = listings.exclude(status=ListingStatus.CLOSED).update(status=ListingStatus.CLOSED)
    listings.exclude(description="").update(description="")
    contributions = _contributions_of(user).update(name="", email="", message="", public=False)
    # An account's label is its owner's name.
    accounts = TimeAccount.objects.filter(owner_member__user=user).values_list("pk", flat=True)
    return {
        "listings_closed": closed,
        "contributions": contributions,
        "audit_labels": audit_scrub(TimeAccount, list(accounts)),
    }


SECTION = PrivacySection(
    name="marketplace", export=marketplace_export, erase=marketplace_erase, order=40
)
