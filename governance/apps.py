from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from governance import duties  # noqa: F401  (registers the core duties)
        from governance.assemblies import duties as assembly_duties

        assembly_duties.register()

        from governance import dashboard_panels

        dashboard_panels.register()

        from governance.votes import digest as votes_digest

        votes_digest.register()

        from governance.representative import options as representative_options

        representative_options.register()

        from governance.threads import digest as threads_digest

        threads_digest.register()

        from backend.core.navigation import menu_audience_register
        from governance.selectors import is_active_member

        menu_audience_register("member", is_active_member)

        from backend.core.navigation import menu_badge_register
        from governance.threads.selectors import unanswered_count

        menu_badge_register("governance:threads", unanswered_count)

        from backend.accounts.privacy import privacy_section_register
        from governance.privacy import SECTION as PRIVACY_SECTION

        privacy_section_register(PRIVACY_SECTION)
