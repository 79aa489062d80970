from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from events import dashboard_panels, digest, project_section

        dashboard_panels.register()
        digest.register()
        project_section.register()

        from backend.accounts.privacy import privacy_section_register
        from events.privacy import SECTION as PRIVACY_SECTION

        privacy_section_register(PRIVACY_SECTION)

        from events import territory_facts

        territory_facts.register()
