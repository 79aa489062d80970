from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "observatory"
    verbose_name = _("Resilience observatory")

    def ready(self) -> None:
        from observatory import computed, panels, ranking

        computed.register_builtin_sources()
        panels.register()
        ranking.register()
