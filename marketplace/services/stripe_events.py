"""Stripe webhooks: verify the signature, then apply each event id exactly once.

The ``StripeEvent`` row (unique event id) is inserted first, in the same transaction
as the state change it causes: a replayed or parallel delivery of the same event
either waits for that transaction and then finds the row (nothing more happens), or
rolls back with it. Contributions only move forwards (see ``STATUS_RANK``).
"""

import json
import logging
from datetime import UTC, date, datetime

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.locks import lock_rows
from backend.core.services import audit_record
from marketplace.errors import MarketplaceError
from marketplace.models import (
    Contribution,
    ContributionChannel,
    ContributionStatus,
    PaymentMethod,
    StripeEvent,
)
from marketplace.services.contributions import (
    contribution_payment_apply,
    contribution_refund_apply,
    contribution_status_advance,
)
from marketplace.services.share_payments import (
    share_subscription_id_of,
    share_subscription_pay_card,
)

logger = logging.getLogger(__name__)

# Stripe's own default: a signed payload older than five minutes is refused (replay
# protection for captured requests; Stripe signs each retry afresh).
SIGNATURE_TOLERANCE_SECONDS = 300


def stripe_event_verify(*, payload: bytes, signature: str | None) -> dict:
    """The event if ``Stripe-Signature`` proves Stripe sent this body with our secret."""
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, SIGNATURE_TOLERANCE_SECONDS
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise MarketplaceError(
            _("Invalid Stripe signature."), code="invalid_signature", status_code=400
        ) from exc
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
        or not isinstance(event.get("data"), dict)
        or not isinstance(event["data"].get("object"), dict)
    ):
        raise MarketplaceError(_("Not a Stripe event."), code="invalid_event", status_code=400)
    return event


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _event_day(event: dict) -> date:
    created = _as_int(event.get("created"))
    if created is None:
        return timezone.localdate()
    return timezone.localdate(datetime.fromtimestamp(created, tz=UTC))


def _metadata_contribution_id(obj: dict) -> int | None:
    metadata = obj.get("metadata")
    if isinstance(metadata, dict):
        return _as_int(metadata.get("contribution_id"))
    return None


def _contribution_for_session(session: dict) -> Contribution | None:
    pk = _as_int(session.get("client_reference_id")) or _metadata_contribution_id(session)
    contribution = next(iter(lock_rows(Contribution.objects.filter(pk=pk))), None) if pk else None
    if contribution is None and isinstance(session.get("id"), str):
        contribution = next(
            iter(lock_rows(Contribution.objects.filter(stripe_session_id=session["id"]))), None
        )
    if contribution is None or contribution.channel != ContributionChannel.STRIPE:
        return None
    # A session other than the one we opened for this contribution (another site
    # sharing the Stripe account, say) is not ours to apply.
    if contribution.stripe_session_id and contribution.stripe_session_id != session.get("id"):
        return None
    if not contribution.stripe_session_id and isinstance(session.get("id"), str):
        # Our save after creating the session was lost (a crash): Stripe knows it.
        contribution.stripe_session_id = session["id"]
        contribution.save(update_fields=["stripe_session_id", "updated_at"])
    return contribution


def _contribution_for_charge(charge: dict) -> Contribution | None:
    intent = charge.get("payment_intent") if isinstance(charge.get("payment_intent"), str) else ""
    pk = _metadata_contribution_id(charge)
    contribution = next(iter(lock_rows(Contribution.objects.filter(pk=pk))), None) if pk else None
    if contribution is None and intent:
        contribution = next(
            iter(lock_rows(Contribution.objects.filter(stripe_payment_intent_id=intent))), None
        )
    if contribution is None or contribution.channel != ContributionChannel.STRIPE:
        return None
    if (
        contribution.stripe_payment_intent_id
        and intent
        and contribution.stripe_payment_intent_id != intent
    ):
        return None
    return contribution


def _remember_payment_intent(contribution: Contribution, obj: dict) -> None:
    intent = obj.get("payment_intent")
    if isinstance(intent, str) and intent and not contribution.stripe_payment_intent_id:
        contribution.stripe_payment_intent_id = intent
        contribution.save(update_fields=["stripe_payment_intent_id", "updated_at"])


def _session_paid(contribution: Contribution, session: dict, event: dict) -> bool:
    amount = _as_int(session.get("amount_total"))
    if not amount or str(session.get("currency", "")).lower() != "eur":
        logger.error(
            "Stripe event %s: unexpected amount or currency %r %r",
            event["id"],
            session.get("amount_total"),
            session.get("currency"),
        )
        return False
    return contribution_payment_apply(
        contribution=contribution,
        amount_cents=amount,  # what Stripe charged, not what the form asked for
        method=PaymentMethod.CARD,
        received_on=_event_day(event),
        reference=str(session.get("payment_intent") or session.get("id") or ""),
        stripe_event_id=event["id"],
    )


def _on_session_completed(contribution: Contribution, session: dict, event: dict) -> bool:
    _remember_payment_intent(contribution, session)
    if session.get("payment_status") == "paid":
        return _session_paid(contribution, session, event)
    # Bank debits and other delayed methods: the money is announced by
    # checkout.session.async_payment_succeeded (or _failed) later.
    return contribution_status_advance(
        contribution=contribution, status=ContributionStatus.PROCESSING
    )


def _on_async_succeeded(contribution: Contribution, session: dict, event: dict) -> bool:
    _remember_payment_intent(contribution, session)
    return _session_paid(contribution, session, event)


def _on_async_failed(contribution: Contribution, session: dict, event: dict) -> bool:
    return contribution_status_advance(contribution=contribution, status=ContributionStatus.FAILED)


def _on_session_expired(contribution: Contribution, session: dict, event: dict) -> bool:
    return contribution_status_advance(contribution=contribution, status=ContributionStatus.EXPIRED)


def _on_charge_refunded(contribution: Contribution, charge: dict, event: dict) -> bool:
    refunded = _as_int(charge.get("amount_refunded"))
    if refunded is None or str(charge.get("currency", "")).lower() != "eur":
        return False
    changed = False
    _remember_payment_intent(contribution, charge)
    if contribution.amount_received_cents == 0:
        # The refund overtook checkout.session.completed: record the charge first so
        # the fund's history stays whole (money in, then money back).
        captured = _as_int(charge.get("amount_captured")) or _as_int(charge.get("amount"))
        if not captured:
            return False
        changed = contribution_payment_apply(
            contribution=contribution,
            amount_cents=captured,
            method=PaymentMethod.CARD,
            received_on=_event_day(event),
            reference=str(charge.get("payment_intent") or charge.get("id") or ""),
            stripe_event_id=event["id"],
        )
    return (
        contribution_refund_apply(
            contribution=contribution,
            refunded_total_cents=refunded,
            method=PaymentMethod.CARD,
            received_on=_event_day(event),
            reference=str(charge.get("id") or ""),
            stripe_event_id=event["id"],
        )
        or changed
    )


_SESSION_HANDLERS = {
    "checkout.session.completed": _on_session_completed,
    "checkout.session.async_payment_succeeded": _on_async_succeeded,
    "checkout.session.async_payment_failed": _on_async_failed,
    "checkout.session.expired": _on_session_expired,
}
HANDLED_EVENT_TYPES = (*_SESSION_HANDLERS, "charge.refunded")


def _on_share_session(record: StripeEvent, session: dict, event: dict, pk: int) -> StripeEvent:
    """Capital shares paid by card: governance's register records the payment once."""
    amount = _as_int(session.get("amount_total"))
    changed = False
    if (
        session.get("payment_status") == "paid"
        and amount
        and str(session.get("currency", "")).lower() == "eur"
        and isinstance(session.get("id"), str)
    ):
        changed = share_subscription_pay_card(
            subscription_id=pk,
            session_id=session["id"],
            amount_cents=amount,
            paid_on=_event_day(event),
            reference=str(session.get("payment_intent") or session["id"]),
        )
    record.outcome = StripeEvent.Outcome.APPLIED if changed else StripeEvent.Outcome.NO_CHANGE
    record.save(update_fields=["outcome"])
    audit_record(
        actor=None,
        action="stripe.event",
        target=record,
        data={"type": event["type"], "outcome": record.outcome, "share_subscription": pk},
    )
    return record


@transaction.atomic
def stripe_event_process(*, event: dict) -> tuple[StripeEvent, bool]:
    """Apply a verified event. Returns ``(record, replayed)``; a replay changes nothing."""
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(
                event_id=event["id"],
                type=event["type"],
                outcome=StripeEvent.Outcome.IGNORED,
                payload=event,
            )
    except IntegrityError:
        # Already applied (or being applied by a parallel delivery, which we waited
        # for on the unique index): Stripe only needs its 200.
        return StripeEvent.objects.get(event_id=event["id"]), True
    obj = event["data"]["object"]
    kind = event["type"]
    share_subscription_id = share_subscription_id_of(obj)
    if share_subscription_id is not None and kind in (
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
    ):
        return _on_share_session(record, obj, event, share_subscription_id), False
    if kind in _SESSION_HANDLERS:
        contribution = _contribution_for_session(obj)
        handler = _SESSION_HANDLERS[kind]
    elif kind == "charge.refunded":
        contribution = _contribution_for_charge(obj)
        handler = _on_charge_refunded
    else:
        return record, False  # recorded as ignored: we do not subscribe to it on purpose
    if contribution is None:
        record.outcome = StripeEvent.Outcome.UNMATCHED
        logger.warning("Stripe event %s (%s) matches no contribution", event["id"], kind)
    else:
        changed = handler(contribution, obj, event)
        record.contribution = contribution
        record.outcome = StripeEvent.Outcome.APPLIED if changed else StripeEvent.Outcome.NO_CHANGE
    record.save(update_fields=["outcome", "contribution"])
    audit_record(
        actor=None,
        action="stripe.event",
        target=record,
        data={"type": kind, "outcome": record.outcome, "contribution": record.contribution_id},
    )
    return record, False
