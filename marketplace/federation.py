"""The funds summary on the federation page (registered from MarketplaceConfig.ready)."""

from django.utils.translation import gettext_lazy

from governance.federation import FederationSection, federation_section_register
from marketplace.selectors.funds import funds_totals


def funds_summary() -> dict:
    totals = funds_totals()
    return {
        "received_cents": totals.received_cents,
        "allocated_cents": totals.allocated_cents,
        "available_cents": totals.available_cents,
    }


def register() -> None:
    federation_section_register(
        FederationSection(
            code="funds",
            title=gettext_lazy("The funds"),
            template="marketplace/federation/_funds.html",
            data=funds_summary,
            position=40,
        )
    )
