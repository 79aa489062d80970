from django.core.management.base import BaseCommand

from territories.services import territories_load


class Command(BaseCommand):
    help = "Load or update the territories from the committed data file (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="reload even if current")

    def handle(self, *args, force: bool = False, **options) -> None:
        written = territories_load(force=force)
        self.stdout.write(f"{written} territories written" if written else "territories current")
