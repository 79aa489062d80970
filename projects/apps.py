from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from projects import federation

        federation.register()
        from projects import dashboard_panels

        dashboard_panels.register()
        from projects import territory_facts

        territory_facts.register()

        from projects import digest

        digest.register()

        import rules

        from backend.core.navigation import menu_audience_register

        menu_audience_register(
            "proposer", lambda user: rules.has_perm("projects.propose_project", user)
        )

        from backend.accounts.privacy import privacy_section_register
        from projects.privacy import SECTION as PRIVACY_SECTION

        privacy_section_register(PRIVACY_SECTION)

        from projects import vote_options

        vote_options.register()
