"""Build a believable demo cooperative. Safe to run again: it only adds what is missing."""

import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

_SILENT = "django.core.mail.backends.dummy.EmailBackend"

# Each app may provide ``<app>/demo.py`` with ``seed(*, stdout) -> None``; they run in
# the dependency order (backend/core/layers.py) so that later apps find what earlier
# ones made.
DEMO_MODULES = [
    "backend.accounts.demo",
    "territories.demo",
    "governance.demo",
    "governance.assemblies.demo",
    "governance.votes.demo",
    "pioneers.demo",
    "projects.demo",
    "events.demo",
    "commons.demo",
    "marketplace.demo",
    "observatory.demo",
]


class Command(BaseCommand):
    help = "Load the demo cooperative (idempotent)."

    def handle(self, *args, **options) -> None:
        # Demo people have made-up addresses: building them sends no e-mail at all.
        with override_settings(MAILERS={"default": {"BACKEND": _SILENT}}):
            self._seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def _seed(self) -> None:
        for name in DEMO_MODULES:
            if importlib.util.find_spec(name) is None:
                continue
            # No transaction around a whole module: each service call is its own, so the
            # seed locks rows in the global order (backend.core.locks) like any request;
            # a seed that stops half-way is completed by the next run (idempotent).
            importlib.import_module(name).seed(stdout=self.stdout)
