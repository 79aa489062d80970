from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from projects import dashboard_panels

        dashboard_panels.register()
        from projects import territory_facts

        territory_facts.register()

        from backend.core.navigation import menu_audience_register
        from projects.roles import can_propose

        menu_audience_register("proposer", can_propose)

        from backend.accounts.privacy import privacy_section_register
        from projects.privacy import SECTION as PRIVACY_SECTION

        privacy_section_register(PRIVACY_SECTION)
