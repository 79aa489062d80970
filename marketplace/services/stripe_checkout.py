"""Stripe Checkout through the official library.

``STRIPE_API_BASE`` sends the API calls elsewhere (a local fake Stripe in the tests);
empty means Stripe's own. Without ``STRIPE_SECRET_KEY`` card payments are off and
contributions take the manual route (bank transfer) only.
"""

import functools
from dataclasses import dataclass

import stripe
from django.conf import settings

# Network errors and 5xx answers are retried by the library with the same
# Idempotency-Key, so a retry never opens a second Checkout Session.
MAX_NETWORK_RETRIES = 2


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base} if api_base else None,
        max_network_retries=MAX_NETWORK_RETRIES,
    )


def stripe_client() -> stripe.StripeClient:
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE.rstrip("/"))


def checkout_session_create(
    *,
    idempotency_key: str,
    amount_cents: int,
    product_name: str,
    client_reference_id: str,
    metadata: dict[str, str],
    customer_email: str,
    success_url: str,
    cancel_url: str,
    locale: str,
) -> CheckoutSession:
    """Open a Checkout Session for one free-price amount (raises ``stripe.StripeError``)."""
    params: dict = {
        "mode": "payment",
        "submit_type": "donate",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": amount_cents,
                    "product_data": {"name": product_name},
                },
            }
        ],
        "client_reference_id": client_reference_id,
        "metadata": metadata,
        # Copied onto the PaymentIntent so its charges (and charge.refunded) carry it.
        "payment_intent_data": {"metadata": metadata},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": locale if locale in ("fr", "en") else "auto",
    }
    if customer_email:
        params["customer_email"] = customer_email
    session = stripe_client().v1.checkout.sessions.create(
        params, {"idempotency_key": idempotency_key}
    )
    return CheckoutSession(id=session.id, url=session.url)
