from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PioneersConfig(AppConfig):
    name = "pioneers"
    verbose_name = _("Pioneers")

    def ready(self) -> None:
        from pioneers import federation

        federation.register()
        from governance.duties import duty_register
        from pioneers.duties import PROFILE_DUTY

        duty_register(PROFILE_DUTY)
        from backend.accounts.privacy import privacy_section_register
        from pioneers.privacy import SECTION as PRIVACY_SECTION

        privacy_section_register(PRIVACY_SECTION)
        from pioneers import territory_facts

        territory_facts.register()
