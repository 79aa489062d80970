"""The marketplace's panels on the member dashboard: hour balances, exchanges waiting
for the person, their free-price contributions (registered from MarketplaceConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from backend.core.dashboard import PANEL_LIMIT, DashboardPanel, dashboard_panel_register
from marketplace.selectors.funds import contribution_list_of_user, contribution_total_paid_of_user
from marketplace.selectors.ledger import time_account_list_of_user
from marketplace.selectors.listings import exchange_list_needing_action


def hours_panel(user) -> dict:
    accounts = list(time_account_list_of_user(user=user)[: PANEL_LIMIT + 1])
    return {"accounts": accounts[:PANEL_LIMIT], "more": len(accounts) > PANEL_LIMIT}


def exchanges_panel(user) -> dict:
    exchanges = list(exchange_list_needing_action(user=user)[: PANEL_LIMIT + 1])
    return {"exchanges": exchanges[:PANEL_LIMIT], "more": len(exchanges) > PANEL_LIMIT}


def contributions_panel(user) -> dict:
    contributions = list(contribution_list_of_user(user=user)[: PANEL_LIMIT + 1])
    return {
        "contributions": contributions[:PANEL_LIMIT],
        "more": len(contributions) > PANEL_LIMIT,
        "total_cents": contribution_total_paid_of_user(user=user) if contributions else 0,
    }


def register() -> None:
    for panel in (
        DashboardPanel(
            code="hours",
            title=_("My hours"),
            template="marketplace/dashboard/_hours.html",
            context=hours_panel,
            position=20,
        ),
        DashboardPanel(
            code="exchanges",
            title=_("Exchanges waiting for me"),
            template="marketplace/dashboard/_exchanges.html",
            context=exchanges_panel,
            position=35,
        ),
        DashboardPanel(
            code="contributions",
            title=_("My contributions"),
            template="marketplace/dashboard/_contributions.html",
            context=contributions_panel,
            position=60,
        ),
    ):
        dashboard_panel_register(panel)
