"""Exchanges: a member answers a listing, the two agree on the minutes, the giver
says the service is done and the receiver confirms, which pays the giver.

Who may do what is one table, ``EXCHANGE_TRANSITIONS``: for each action, the state it
leads to and, per role, the states it may start from. A role that never may gets 403;
a role that may, but not from the current state, gets 409. Each transition locks the
exchange row, so two people acting at once are served one after the other.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row
from backend.core.services import audit_record
from marketplace.errors import MarketplaceError
from marketplace.models import (
    Exchange,
    ExchangeMessage,
    ExchangeStatus,
    Listing,
    ListingKind,
    ListingStatus,
)
from marketplace.models.listings import MAX_LISTING_MINUTES
from marketplace.notifications import exchange_notify
from marketplace.services.ledger import (
    project_need_given_add,
    time_account_for_member,
    time_transfer_create,
)
from marketplace.services.listings import member_of

logger = logging.getLogger(__name__)

S = ExchangeStatus
OWNER, RESPONDER, GIVER, RECEIVER, COORDINATOR = (
    "owner",
    "responder",
    "giver",
    "receiver",
    "coordinator",
)


@dataclass(frozen=True)
class Transition:
    target: str
    allowed: dict[str, frozenset[str]]  # role -> states the action may start from


EXCHANGE_TRANSITIONS: dict[str, Transition] = {
    # The listing's owner accepts the answer (and may set the agreed minutes).
    "accept": Transition(S.ACCEPTED, {OWNER: frozenset({S.PROPOSED})}),
    "done": Transition(S.DONE, {GIVER: frozenset({S.ACCEPTED})}),
    # Confirming after a dispute is the receiver withdrawing it.
    "confirm": Transition(S.CONFIRMED, {RECEIVER: frozenset({S.DONE, S.DISPUTED})}),
    "cancel": Transition(
        S.CANCELLED,
        {
            OWNER: frozenset({S.PROPOSED, S.ACCEPTED}),
            RESPONDER: frozenset({S.PROPOSED, S.ACCEPTED}),
            # The coordinator settles a dispute (or anything left open) without paying.
            COORDINATOR: frozenset({S.PROPOSED, S.ACCEPTED, S.DONE, S.DISPUTED}),
        },
    ),
    "dispute": Transition(
        S.DISPUTED,
        {GIVER: frozenset({S.DONE}), RECEIVER: frozenset({S.DONE})},
    ),
}
REASON_REQUIRED = frozenset({"cancel", "dispute"})


def exchange_roles(*, exchange: Exchange, user) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    roles = set()
    by_membership = {
        OWNER: exchange.listing.owner,
        RESPONDER: exchange.responder,
        GIVER: exchange.giver,
        RECEIVER: exchange.receiver,
    }
    for role, membership in by_membership.items():
        if membership.user_id == user.pk:
            roles.add(role)
    if user.has_perm("marketplace.settle_exchange", exchange):
        roles.add(COORDINATOR)
    return roles


def exchange_actions_available(*, exchange: Exchange, user) -> list[str]:
    """The actions ``user`` may take now (for the exchange page's buttons)."""
    roles = exchange_roles(exchange=exchange, user=user)
    return [
        action
        for action, transition in EXCHANGE_TRANSITIONS.items()
        if any(exchange.status in transition.allowed.get(role, ()) for role in roles)
    ]


def _check_minutes(minutes) -> int:
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 0 < minutes <= MAX_LISTING_MINUTES
    ):
        message = _("The minutes must be between 1 and %(max)s.") % {"max": MAX_LISTING_MINUTES}
        raise MarketplaceError(message, code="invalid_minutes", errors={"minutes": [message]})
    return minutes


def _parties_users(exchange: Exchange) -> list[User]:
    return [exchange.giver.user, exchange.receiver.user]


def _notify_other_party(*, exchange: Exchange, actor, event: str, text: str = "") -> None:
    for user in _parties_users(exchange):
        if actor is None or user.pk != actor.pk:
            exchange_notify(user=user, exchange=exchange, event=event, text=text)


_EXCHANGE_WITH_PARTIES = Exchange.objects.select_related(
    "listing__owner__user", "responder__user", "giver__user", "receiver__user"
)


@transaction.atomic
def exchange_create(
    *, actor: User, listing: Listing, minutes: int | None = None, message: str = ""
) -> Exchange:
    """A member answers ``listing``; the minutes default to the listing's estimate."""
    responder = member_of(actor)
    minutes = _check_minutes(listing.estimated_minutes if minutes is None else minutes)
    listing = Listing.objects.select_related("owner__user").get(pk=listing.pk)
    if listing.owner_id == responder.pk:
        raise MarketplaceError(
            _("You cannot answer your own listing."), code="own_listing", status_code=409
        )
    expired = listing.expires_on is not None and listing.expires_on < timezone.localdate()
    if listing.status != ListingStatus.OPEN or expired:
        raise MarketplaceError(
            _("This listing is not open to answers."), code="listing_not_open", status_code=409
        )
    giver, receiver = (
        (listing.owner, responder)
        if listing.kind == ListingKind.OFFER
        else (responder, listing.owner)
    )
    try:
        with transaction.atomic():  # a savepoint: the unique constraint arbitrates a race
            exchange = Exchange.objects.create(
                listing=listing,
                responder=responder,
                giver=giver,
                receiver=receiver,
                minutes=minutes,
            )
    except IntegrityError as exc:
        raise MarketplaceError(
            _("You have already answered this listing."), code="already_answered", status_code=409
        ) from exc
    if message.strip():
        ExchangeMessage.objects.create(exchange=exchange, author=actor, body=message.strip())
    audit_record(
        actor=actor,
        action="marketplace.exchange_create",
        target=exchange,
        data={"minutes": minutes},
    )
    _notify_other_party(exchange=exchange, actor=actor, event="proposed", text=message.strip())
    return exchange


@transaction.atomic
def exchange_transition(
    *,
    actor: User | None,
    exchange: Exchange,
    action: str,
    reason: str = "",
    minutes: int | None = None,
) -> Exchange:
    """Apply ``action`` (a key of ``EXCHANGE_TRANSITIONS``); ``actor=None`` is the
    automatic confirmation. Confirming posts the transfer receiver → giver here, in
    this transaction: a refused transfer (credit limit) leaves the exchange as it was."""
    transition = EXCHANGE_TRANSITIONS.get(action)
    if transition is None:
        raise MarketplaceError(_("Unknown action."), code="unknown_action", status_code=404)
    locked = lock_row(_EXCHANGE_WITH_PARTIES, exchange.pk, of=("self",))
    automatic = actor is None
    roles = {RECEIVER} if automatic else exchange_roles(exchange=locked, user=actor)
    allowed_roles = roles & transition.allowed.keys()
    if not allowed_roles:
        raise MarketplaceError(
            _("You may not do this on this exchange."), code="forbidden", status_code=403
        )
    # The automatic confirmation never settles a dispute: only the receiver may.
    possible = (
        {S.DONE} if automatic else set().union(*(transition.allowed[r] for r in allowed_roles))
    )
    if locked.status not in possible:
        raise MarketplaceError(
            _("This exchange is “%(status)s”: this action is not possible now.")
            % {"status": locked.get_status_display()},
            code="invalid_transition",
            status_code=409,
        )
    reason = reason.strip()
    if action in REASON_REQUIRED and not reason:
        raise MarketplaceError(
            _("Please give a reason."),
            code="reason_required",
            errors={"reason": [_("Please give a reason.")]},
        )
    previous = locked.status
    now = timezone.now()
    fields = ["status", "updated_at"]
    if action == "accept":
        if minutes is not None:
            locked.minutes = _check_minutes(minutes)
            fields.append("minutes")
        locked.accepted_at = now
        fields.append("accepted_at")
    elif action == "done":
        locked.done_at = now
        fields.append("done_at")
    elif action in REASON_REQUIRED:
        locked.reason = reason
        fields.append("reason")
    if transition.target in (S.CONFIRMED, S.CANCELLED):
        locked.closed_at = now
        fields.append("closed_at")
    if action == "confirm":
        time_transfer_create(
            actor=actor,
            payer=time_account_for_member(membership=locked.receiver),
            payee=time_account_for_member(membership=locked.giver),
            minutes=locked.minutes,
            memo=str(locked.listing.title)[:500],
            exchange_id=locked.pk,
        )
        if locked.listing.need_skill_id is not None:
            project_need_given_add(
                project_id=locked.listing.project_id,
                skill_id=locked.listing.need_skill_id,
                minutes=locked.minutes,
            )
    locked.status = transition.target
    locked.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"marketplace.exchange_{action}",
        target=locked,
        data={"from": previous, "to": locked.status, "automatic": automatic}
        | ({"reason": reason} if reason else {}),
    )
    _notify_other_party(exchange=locked, actor=actor, event=action, text=reason)
    return locked


@transaction.atomic
def exchange_message_post(*, actor: User, exchange: Exchange, body: str) -> ExchangeMessage:
    """A message from one party to the other, e-mailed to the other once committed."""
    roles = exchange_roles(exchange=exchange, user=actor)
    if not roles & {GIVER, RECEIVER}:
        raise MarketplaceError(
            _("Only the two parties write on an exchange."), code="forbidden", status_code=403
        )
    body = body.strip()
    if not body:
        raise MarketplaceError(
            _("Write a message."), code="empty_message", errors={"body": [_("Write a message.")]}
        )
    message = ExchangeMessage.objects.create(exchange=exchange, author=actor, body=body[:5000])
    audit_record(actor=actor, action="marketplace.exchange_message", target=exchange)
    _notify_other_party(exchange=exchange, actor=actor, event="message", text=message.body)
    return message


def auto_confirm_days() -> int:
    return int(getattr(settings, "MARKETPLACE_EXCHANGE_AUTO_CONFIRM_DAYS", 7))


def exchanges_auto_confirm_due(*, now=None) -> int:
    """Confirm every exchange done more than N days ago without dispute; each in its
    own transaction, so one refusal (credit limit) does not hold back the others.
    Safe to run twice: the state is checked again under the row lock."""
    cutoff = (now or timezone.now()) - timedelta(days=auto_confirm_days())
    due = Exchange.objects.filter(status=S.DONE, done_at__lte=cutoff).order_by("pk")
    confirmed = 0
    for exchange_id in due.values_list("pk", flat=True)[:500]:
        try:
            exchange_transition(actor=None, exchange=Exchange(pk=exchange_id), action="confirm")
        except MarketplaceError as exc:
            logger.warning("exchange %s not confirmed automatically: %s", exchange_id, exc.code)
        else:
            confirmed += 1
    return confirmed
