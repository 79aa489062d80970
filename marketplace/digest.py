"""The digest's « Exchanges waiting for you » section: answers to one's listings to
accept, and services done to confirm."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from backend.core.digest import SECTION_LIMIT, DigestItem, DigestSection, digest_section_register
from marketplace.models import Exchange, ExchangeStatus


def exchanges_items(user, since, until) -> list[DigestItem]:
    waiting = (
        Exchange.objects.filter(
            Q(status=ExchangeStatus.PROPOSED, listing__owner__user=user) & ~Q(responder__user=user)
            | Q(status=ExchangeStatus.DONE, receiver__user=user)
        )
        .select_related("listing")
        .order_by("-updated_at", "-id")[:SECTION_LIMIT]
    )
    return [
        DigestItem(
            title=exchange.listing.title,
            url=reverse("marketplace:exchange_detail", kwargs={"pk": exchange.pk}),
            note=str(exchange.get_status_display()),
        )
        for exchange in waiting
    ]


def register() -> None:
    digest_section_register(
        DigestSection(
            code="exchanges",
            title=_("Exchanges waiting for you"),
            items=exchanges_items,
            position=40,
        )
    )
