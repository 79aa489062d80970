"""How a share subscription paid by card gets its checkout page.

Card payments live in marketplace (Stripe), to the right of governance: it registers its
provider here from its AppConfig.ready, so governance imports nothing from it. Without a
provider (no Stripe keys), subscribing online takes the bank-transfer route only."""

from collections.abc import Callable
from dataclasses import dataclass

from governance.models import ShareSubscription


@dataclass(frozen=True)
class CardCheckoutProvider:
    enabled: Callable[[], bool]
    # Opens the checkout for the subscription and returns it with checkout_url saved.
    start: Callable[[ShareSubscription], ShareSubscription]


_PROVIDER: list[CardCheckoutProvider] = []


def card_checkout_register(provider: CardCheckoutProvider) -> None:
    _PROVIDER[:] = [provider]


def card_payment_enabled() -> bool:
    return bool(_PROVIDER) and _PROVIDER[0].enabled()


def card_checkout_start(subscription: ShareSubscription) -> ShareSubscription:
    return _PROVIDER[0].start(subscription)
