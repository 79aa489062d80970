"""Capital shares paid by card: a Stripe Checkout Session per subscription, and the
webhook's events handed to governance's share services (which own the register).

Replay safety comes from two places: the webhook records each Stripe event id once
(``stripe_event_process``), and ``share_subscription_pay_card`` pays a subscription at
most once whatever the number of events announcing it."""

import logging

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from governance.models import ShareSubscription
from governance.services import share_subscription_checkout_save, share_subscription_pay_card
from marketplace.errors import MarketplaceError
from marketplace.services.stripe_checkout import checkout_session_create

logger = logging.getLogger(__name__)

METADATA_KEY = "share_subscription_id"


def share_checkout_start(subscription: ShareSubscription) -> ShareSubscription:
    """Open the subscription's Checkout Session (its Stripe Idempotency-Key is derived
    from the subscription, so a retry gets the same session back)."""
    if subscription.checkout_url or subscription.paid_on is not None:
        return subscription
    user = subscription.membership.user
    language = getattr(user, "language", "") or translation.get_language() or "fr"
    with translation.override(language):
        product_name = _("%(count)d capital share(s) of the cooperative") % {
            "count": subscription.quantity
        }
    page = f"{settings.SITE_URL}{reverse('governance:subscribe')}"
    try:
        session = checkout_session_create(
            idempotency_key=(
                f"terreau-shares-{subscription.pk}-{subscription.created_at.timestamp():.6f}"
            ),
            amount_cents=subscription.amount_cents,
            product_name=product_name,
            client_reference_id=f"shares-{subscription.pk}",
            metadata={METADATA_KEY: str(subscription.pk), "site": settings.SITE_URL},
            customer_email=user.email,
            success_url=f"{page}?paid={subscription.pk}",
            cancel_url=f"{page}?cancelled={subscription.pk}",
            locale=language[:2],
        )
    except stripe.StripeError as exc:
        logger.warning("Stripe Checkout Session for shares %s failed: %s", subscription.pk, exc)
        raise MarketplaceError(
            _(
                "The card payment service did not answer. Nothing was charged; "
                "please try again in a moment."
            ),
            code="payment_provider_unavailable",
            status_code=502,
        ) from exc
    return share_subscription_checkout_save(
        subscription=subscription, session_id=session.id, url=session.url
    )


def share_subscription_id_of(obj: dict) -> int | None:
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return None
    value = metadata.get(METADATA_KEY)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


__all__ = ["share_checkout_start", "share_subscription_id_of", "share_subscription_pay_card"]
