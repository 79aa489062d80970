"""What the marketplace puts in a territory's figures (``MarketplaceConfig.ready``):
hours exchanged where the listing is, money received by the funds of projects there."""

from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from marketplace.models import Contribution, ContributionStatus, Exchange, ExchangeStatus, Listing
from territories.registry import (
    FactProvider,
    LocatedModel,
    territory_facts_register,
    territory_located_register,
)


def confirmed_exchanges():
    return Exchange.objects.filter(status=ExchangeStatus.CONFIRMED)


def received_contributions():
    return Contribution.objects.filter(
        status__in=[ContributionStatus.PAID, ContributionStatus.REFUNDED]
    )


def register() -> None:
    territory_facts_register(
        FactProvider(
            key="hours_exchanged",
            label=_("Hours exchanged"),
            queryset=confirmed_exchanges,
            territory_path="listing__territory",
            aggregate=lambda: Sum("minutes"),
            unit="minutes",
            order=30,
            date_field="closed_at",
        )
    )
    territory_facts_register(
        FactProvider(
            key="money_contributed",
            label=_("Money contributed"),
            queryset=received_contributions,
            territory_path="fund__project__territory",
            aggregate=lambda: Sum(F("amount_received_cents") - F("amount_refunded_cents")),
            unit="cents",
            order=40,
            date_field="paid_at",
        )
    )
    territory_located_register(
        LocatedModel(
            label="marketplace.Listing",
            unresolved=lambda: (
                Listing.objects.filter(territory__isnull=True).exclude(place="").order_by("pk")
            ),
            describe=lambda listing: f"{listing.title} — {listing.place}",
        )
    )
