from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "commons"
    verbose_name = _("Commons")

    def ready(self) -> None:
        from commons import pioneer_section

        pioneer_section.register()
