"""Contributions: a pledge, then money by card (Stripe Checkout) or by hand, then a receipt.

States only move forwards (``STATUS_RANK``): the Stripe webhook, the coordinator's
forms and the receipt task can act in any order and never undo each other.
"""

import hashlib
import logging
from datetime import date

import stripe
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.core.idempotency import idempotent
from backend.core.locks import lock_row
from backend.core.money import format_cents
from backend.core.outbox import outbox_enqueue, outbox_key_exists
from backend.core.services import audit_record
from commons.models import Resource, ResourceStatus
from marketplace.errors import MarketplaceError
from marketplace.models import (
    Contribution,
    ContributionChannel,
    ContributionStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    ReceiptCounter,
)
from marketplace.models.funds import CURRENCY, MANUAL_METHODS, STATUS_RANK
from marketplace.selectors.funds import contribution_detail_get, contribution_settings_get
from marketplace.services.funds import fund_get_or_create, fund_payment_record
from marketplace.services.stripe_checkout import checkout_session_create, stripe_enabled
from projects.models import Project, ProjectStatus

logger = logging.getLogger(__name__)

# Projects people can support: public ones that are heading somewhere.
CONTRIBUTABLE_PROJECT_STATUSES = (
    ProjectStatus.ACCEPTED_FOR_VOTE,
    ProjectStatus.SELECTED,
    ProjectStatus.IN_PROGRESS,
)
# What a coordinator may record by hand in one go (a large cheque from a partner is
# fine; a typo adding three zeros is not).
MANUAL_MAX_CENTS = 10_000_000
REFERENCE_REQUIRED_METHODS = (PaymentMethod.BANK_TRANSFER, PaymentMethod.CHEQUE)


def project_accepts_contributions(project: Project) -> bool:
    return project.status in CONTRIBUTABLE_PROJECT_STATUSES


def contribution_transfer_reference(contribution: Contribution) -> str:
    """What the contributor writes on their bank transfer so the coordinator finds it."""
    return f"TERREAU-{contribution.pk}"


def _status_advance(contribution: Contribution, status: str) -> bool:
    """Move to ``status`` only if it ranks higher: late or replayed events change nothing."""
    if STATUS_RANK[status] <= STATUS_RANK[contribution.status]:
        return False
    contribution.status = status
    return True


# Where ``backend.core.idempotency`` files the keys of contributions: the API's
# ``Idempotency-Key`` and the form's hidden token (a double click, a browser retry).
IDEMPOTENCY_SCOPE_API = "marketplace.contribution"
IDEMPOTENCY_SCOPE_FORM = "marketplace.contribution.form"


def guest_idempotency_scope(scope: str, email: str) -> str:
    """A guest is known by the address they gave: the same key from another address is
    another contribution, so a guessed key reveals nothing."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]
    return f"{scope}:guest:{digest}"


def _validate_amount(amount_cents, currency: str) -> None:
    if currency != CURRENCY:
        raise MarketplaceError(
            _("Contributions are in euros only (currency “EUR”)."),
            code="invalid_currency",
            errors={"currency": [_("Only EUR is accepted.")]},
        )
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise MarketplaceError(
            _("The amount must be a whole number of cents."),
            code="invalid_amount",
            errors={"amount_cents": [_("A whole number of cents is required.")]},
        )
    limits = contribution_settings_get()
    if not limits.min_amount_cents <= amount_cents <= limits.max_amount_cents:
        message = _("The amount must be between %(min)s and %(max)s.") % {
            "min": format_cents(limits.min_amount_cents),
            "max": format_cents(limits.max_amount_cents),
        }
        raise MarketplaceError(
            message, code="amount_out_of_range", errors={"amount_cents": [message]}
        )


@transaction.atomic
def contribution_create(
    *,
    actor,
    project: Project | None,
    amount_cents: int,
    currency: str = CURRENCY,
    channel: str,
    resource: Resource | None = None,
    email: str = "",
    name: str = "",
    message: str = "",
    public: bool = False,
    language: str = "fr",
) -> Contribution:
    """Record a pledge to the cooperative (``project=None``) or a project (a retry is
    made safe around it: ``contribution_start_once``)."""
    authenticated = actor is not None and actor.is_authenticated
    email = (email or (actor.email if authenticated else "")).strip()
    if not authenticated and not email:
        raise MarketplaceError(
            _("Give an e-mail address for your receipt."),
            code="email_required",
            errors={"email": [_("This field is required when you are not logged in.")]},
        )
    _validate_amount(amount_cents, currency)
    if channel not in ContributionChannel.values:
        raise MarketplaceError(_("Unknown payment channel."), code="invalid_channel")
    if channel == ContributionChannel.STRIPE and not stripe_enabled():
        raise MarketplaceError(
            _("Card payments are not available; choose a bank transfer."),
            code="stripe_disabled",
        )
    if project is not None and not project_accepts_contributions(project):
        raise MarketplaceError(
            _("This project does not accept contributions."),
            code="target_closed",
            errors={"target": [_("This project does not accept contributions.")]},
        )
    if resource is not None and (
        project is not None or resource.status != ResourceStatus.PUBLISHED
    ):
        raise MarketplaceError(
            _("This resource does not accept contributions."),
            code="target_closed",
            errors={"target": [_("This resource does not accept contributions.")]},
        )
    fund = fund_get_or_create(project=project)
    contribution = Contribution.objects.create(
        fund=fund,
        resource=resource,
        user=actor if authenticated else None,
        email=email,
        name=name.strip(),
        message=message.strip(),
        public=public,
        language=language if language in ("fr", "en") else "fr",
        amount_cents=amount_cents,
        currency=currency,
        channel=channel,
    )
    audit_record(
        actor=actor,
        action="contribution.create",
        target=contribution,
        data={"amount_cents": amount_cents, "channel": channel, "fund": fund.pk},
    )
    return contribution


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def contribution_checkout_start(*, contribution: Contribution) -> Contribution:
    """Open the Stripe Checkout Session of a card contribution (once).

    Deliberately outside any transaction: no row lock is held during the call to
    Stripe. The Stripe Idempotency-Key is derived from the contribution, so a retry
    (the browser, the API client, the library) gets the same session back."""
    if (
        contribution.channel != ContributionChannel.STRIPE
        or contribution.checkout_url
        or contribution.status != ContributionStatus.PENDING
    ):
        return contribution
    token = contribution.public_token
    with translation.override(contribution.language):
        product_name = _("Free-price contribution — %(target)s") % {"target": contribution.fund}
    metadata = {
        "contribution_id": str(contribution.pk),
        "fund_id": str(contribution.fund_id),
        "site": settings.SITE_URL,
    }
    try:
        session = checkout_session_create(
            idempotency_key=f"terreau-contribution-{token}",
            amount_cents=contribution.amount_cents,
            product_name=product_name,
            client_reference_id=str(contribution.pk),
            metadata=metadata,
            customer_email=contribution.email,
            success_url=_absolute(
                reverse("marketplace:contribution_success", kwargs={"token": token})
            )
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=_absolute(
                reverse("marketplace:contribution_cancel", kwargs={"token": token})
            ),
            locale=contribution.language,
        )
    except stripe.StripeError as exc:
        logger.warning(
            "Stripe Checkout Session for contribution %s failed: %s", contribution.pk, exc
        )
        raise MarketplaceError(
            _(
                "The card payment service did not answer. Nothing was charged; "
                "please try again in a moment."
            ),
            code="payment_provider_unavailable",
            status_code=502,
        ) from exc
    return _contribution_checkout_save(
        contribution=contribution, session_id=session.id, url=session.url
    )


@transaction.atomic
def _contribution_checkout_save(
    *, contribution: Contribution, session_id: str, url: str
) -> Contribution:
    locked = lock_row(Contribution, contribution.pk)
    if not locked.stripe_session_id:
        locked.stripe_session_id = session_id
        locked.checkout_url = url
        locked.save(update_fields=["stripe_session_id", "checkout_url", "updated_at"])
        audit_record(
            actor=None, action="contribution.checkout", target=locked, data={"session": session_id}
        )
    return locked


def contribution_pledge(
    *,
    actor,
    project: Project | None,
    amount_cents: int,
    currency: str = CURRENCY,
    card: bool = True,
    email: str = "",
    name: str = "",
    message: str = "",
    public: bool = False,
    language: str = "fr",
    resource: Resource | None = None,
) -> Contribution:
    """Record the pledge on the channel it will be paid by: Stripe when card payments
    are on and wanted, a bank transfer otherwise."""
    channel = (
        ContributionChannel.STRIPE if card and stripe_enabled() else ContributionChannel.MANUAL
    )
    return contribution_create(
        actor=actor,
        project=project,
        amount_cents=amount_cents,
        currency=currency,
        channel=channel,
        email=email,
        name=name,
        message=message,
        public=public,
        language=language,
        resource=resource,
    )


def contribution_start(**pledge) -> Contribution:
    """What the contribution form and ``POST /api/v1/contributions/`` both do: record
    the pledge (``contribution_pledge``), then open Stripe Checkout if it is paid by card."""
    return contribution_checkout_start(contribution=contribution_pledge(**pledge))


def contribution_start_once(
    *,
    scope: str,
    key: str | None,
    request_fingerprint: str,
    reused_message: str | None = None,
    **pledge,
) -> Contribution:
    """``contribution_start`` made safe to retry with ``key`` (``backend.core.idempotency``):
    the same key and request give the first contribution back, another request with the
    key is a 409 (``reused_message``), two at once write one pledge. The key is filed
    under the person's account, or for a guest under a digest of the e-mail address they
    gave.

    The pledge and its key commit together; Stripe is called after, outside any
    transaction, so a retry after a payment-provider failure opens the session."""
    actor = pledge.get("actor")
    if actor is not None and actor.is_authenticated:
        user = actor
    else:
        user, scope = None, guest_idempotency_scope(scope, pledge.get("email") or "")

    def record() -> tuple[int, dict]:
        return 201, {"id": contribution_pledge(**pledge).pk}

    _status, first = idempotent(
        scope=scope,
        key=key,
        request_fingerprint=request_fingerprint,
        user=user,
        run=record,
        reused_message=reused_message,
    )
    return contribution_checkout_start(contribution=contribution_detail_get(pk=first["id"]))


def _receipt_number_next() -> str:
    year = timezone.localdate().year
    # The counter row is locked until the payment's transaction ends: two payments
    # recorded at the same moment get consecutive numbers, never the same one.
    counter = lock_row(ReceiptCounter, ReceiptCounter.objects.get_or_create(year=year)[0].pk)
    number = counter.last_number + 1
    ReceiptCounter.objects.filter(pk=counter.pk).update(last_number=number)
    return f"{year}-{number:05d}"


def contribution_payment_apply(
    *,
    contribution: Contribution,
    amount_cents: int,
    method: str,
    received_on: date,
    reference: str = "",
    actor=None,
    stripe_event_id: str = "",
) -> bool:
    """Record the money of a contribution, once. The caller holds its row lock.

    Returns False (and writes nothing) when money was already recorded for it."""
    if contribution.amount_received_cents > 0:
        return False
    # The receipt counter before the fund: the order of backend.core.locks.LOCK_ORDER.
    if not contribution.receipt_number:
        contribution.receipt_number = _receipt_number_next()
    fund_payment_record(
        contribution=contribution,
        kind=PaymentKind.PAYMENT,
        method=method,
        amount_cents=amount_cents,
        received_on=received_on,
        reference=reference,
        actor=actor,
        stripe_event_id=stripe_event_id,
    )
    contribution.amount_received_cents = amount_cents
    _status_advance(contribution, ContributionStatus.PAID)
    contribution.paid_at = timezone.now()
    contribution.save(
        update_fields=[
            "amount_received_cents",
            "status",
            "paid_at",
            "receipt_number",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="contribution.paid",
        target=contribution,
        data={"amount_cents": amount_cents, "method": method, "reference": reference},
    )
    # The receipt is queued with the payment: both commit or neither does.
    _receipt_queue(contribution)
    return True


def contribution_refund_apply(
    *,
    contribution: Contribution,
    refunded_total_cents: int,
    method: str,
    received_on: date,
    reference: str = "",
    actor=None,
    stripe_event_id: str = "",
) -> bool:
    """Bring the refunded total of a contribution up to ``refunded_total_cents``
    (Stripe reports a running total). The caller holds the row lock."""
    target = min(refunded_total_cents, contribution.amount_received_cents)
    delta = target - contribution.amount_refunded_cents
    if delta <= 0:
        return False
    fund_payment_record(
        contribution=contribution,
        kind=PaymentKind.REFUND,
        method=method,
        amount_cents=delta,
        received_on=received_on,
        reference=reference,
        actor=actor,
        stripe_event_id=stripe_event_id,
    )
    contribution.amount_refunded_cents = target
    if target >= contribution.amount_received_cents:
        _status_advance(contribution, ContributionStatus.REFUNDED)
    contribution.save(update_fields=["amount_refunded_cents", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="contribution.refund",
        target=contribution,
        data={"amount_cents": delta, "refunded_total_cents": target},
    )
    return True


def contribution_status_advance(*, contribution: Contribution, status: str, actor=None) -> bool:
    """Move a contribution forwards without money (processing, failed, expired).
    The caller holds the row lock."""
    if not _status_advance(contribution, status):
        return False
    contribution.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=f"contribution.{status}", target=contribution)
    return True


def _validate_manual(*, method: str, amount_cents: int, reference: str) -> None:
    if method not in MANUAL_METHODS:
        raise MarketplaceError(
            _("Choose bank transfer, cheque or cash."),
            code="invalid_method",
            errors={"method": [_("Choose bank transfer, cheque or cash.")]},
        )
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise MarketplaceError(
            _("The amount must be a whole number of cents."), code="invalid_amount"
        )
    if not 0 < amount_cents <= MANUAL_MAX_CENTS:
        raise MarketplaceError(
            _("The amount must be positive and at most %(max)s.")
            % {"max": format_cents(MANUAL_MAX_CENTS)},
            code="amount_out_of_range",
            errors={"amount": [_("Out of range.")]},
        )
    if method in REFERENCE_REQUIRED_METHODS and not reference.strip():
        raise MarketplaceError(
            _("A bank transfer or a cheque needs its reference."),
            code="reference_required",
            errors={"reference": [_("This field is required.")]},
        )
    if (
        reference.strip()
        and Payment.objects.filter(
            kind=PaymentKind.PAYMENT, method=method, reference=reference.strip()
        ).exists()
    ):
        raise MarketplaceError(
            _("A payment with this reference is already recorded."),
            code="reference_used",
            status_code=409,
            errors={"reference": [_("Already recorded.")]},
        )


@transaction.atomic
def contribution_manual_payment_record(
    *,
    actor,
    contribution: Contribution,
    method: str,
    amount_cents: int,
    received_on: date,
    reference: str = "",
) -> Contribution:
    """The coordinator records the transfer, cheque or cash that paid a pledge."""
    locked = lock_row(Contribution, contribution.pk)
    if locked.channel != ContributionChannel.MANUAL:
        raise MarketplaceError(
            _("Card contributions are confirmed by Stripe, not by hand."),
            code="not_manual",
            status_code=409,
        )
    if locked.amount_received_cents > 0:
        raise MarketplaceError(
            _("The payment of this contribution is already recorded."),
            code="already_paid",
            status_code=409,
        )
    _validate_manual(method=method, amount_cents=amount_cents, reference=reference)
    contribution_payment_apply(
        contribution=locked,
        amount_cents=amount_cents,
        method=method,
        received_on=received_on,
        reference=reference.strip(),
        actor=actor,
    )
    return locked


@transaction.atomic
def contribution_manual_create(
    *,
    actor,
    project: Project | None,
    method: str,
    amount_cents: int,
    received_on: date,
    reference: str = "",
    email: str = "",
    name: str = "",
    message: str = "",
    public: bool = False,
) -> Contribution:
    """The coordinator records money received by hand with no pledge online (cash at
    an event, a cheque in the post): the contribution and its payment together."""
    _validate_manual(method=method, amount_cents=amount_cents, reference=reference)
    fund = fund_get_or_create(project=project)
    contribution = Contribution.objects.create(
        fund=fund,
        email=email.strip(),
        name=name.strip(),
        message=message.strip(),
        public=public,
        amount_cents=amount_cents,
        channel=ContributionChannel.MANUAL,
        language=translation.get_language() or "fr",
    )
    audit_record(
        actor=actor,
        action="contribution.create",
        target=contribution,
        data={"amount_cents": amount_cents, "channel": "manual", "fund": fund.pk},
    )
    locked = lock_row(Contribution, contribution.pk)
    contribution_payment_apply(
        contribution=locked,
        amount_cents=amount_cents,
        method=method,
        received_on=received_on,
        reference=reference.strip(),
        actor=actor,
    )
    return locked


def _receipt_key(contribution_id: int) -> str:
    """The outbox key of a contribution's receipt: it is e-mailed once, ever."""
    return f"receipt:{contribution_id}"


def _receipt_queue(contribution: Contribution) -> bool:
    """Queue the receipt of a paid contribution unless it was queued before; ``True``
    when it is queued now. Sent by the outbox after the transaction commits."""
    if not contribution.receipt_number or not contribution.email:
        return False
    key = _receipt_key(contribution.pk)
    if outbox_key_exists(key):
        return False
    context = {
        "contribution": contribution,
        "fund": contribution.fund,
        "site_url": settings.SITE_URL,
    }
    with translation.override(contribution.language):
        context["amount"] = format_cents(contribution.amount_received_cents)
        subject = render_to_string("marketplace/email/receipt_subject.txt", context).strip()
        body = render_to_string("marketplace/email/receipt.txt", context)
    if outbox_enqueue(key=key, to=[contribution.email], subject=subject, body=body) is None:
        return False  # a concurrent run queued it first
    audit_record(actor=None, action="contribution.receipt_sent", target=contribution)
    return True


@transaction.atomic
def contribution_receipt_send(*, contribution_id: int) -> bool:
    """Queue the receipt of a paid contribution if it never was (a payment recorded
    before the outbox existed); ``False`` when there is nothing to send."""
    contribution = Contribution.objects.select_related("fund").get(pk=contribution_id)
    return _receipt_queue(contribution)
