from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self) -> None:
        from marketplace import territory_facts

        territory_facts.register()
        from marketplace.project_followup import project_followup_figures
        from projects.followup import followup_provider_register

        followup_provider_register(project_followup_figures)

        from marketplace import project_needs_panel
        from marketplace.services.project_needs import project_need_listings_sync
        from projects.needs import project_needs_listener_register

        project_needs_panel.register()
        project_needs_listener_register(project_need_listings_sync)

        from governance.shares_checkout import CardCheckoutProvider, card_checkout_register
        from marketplace import dashboard_panels
        from marketplace.services.share_payments import share_checkout_start
        from marketplace.services.stripe_checkout import stripe_enabled

        card_checkout_register(
            CardCheckoutProvider(enabled=stripe_enabled, start=share_checkout_start)
        )

        from marketplace import federation

        federation.register()

        dashboard_panels.register()

        from marketplace import digest

        digest.register()

        from backend.accounts.privacy import privacy_section_register
        from marketplace.privacy import SECTION as PRIVACY_SECTION

        privacy_section_register(PRIVACY_SECTION)
