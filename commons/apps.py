from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "commons"
    verbose_name = _("Commons")

    def ready(self) -> None:
        from commons import pioneer_section

        pioneer_section.register()

        from backend.core.navigation import menu_audience_register
        from commons.rules import user_is_editor

        menu_audience_register("commons_editor", user_is_editor)

        from backend.accounts.privacy import privacy_section_register
        from commons.privacy import SECTION as PRIVACY_SECTION

        privacy_section_register(PRIVACY_SECTION)

        from commons import territory_facts

        territory_facts.register()
