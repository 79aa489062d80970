from django.core.management.base import BaseCommand

from territories.registry import territory_located_models


class Command(BaseCommand):
    help = "List the pioneers, projects, listings… whose commune matches no territory."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--resolve", action="store_true", help="try to resolve them again")

    def handle(self, *args, resolve: bool = False, **options) -> None:
        total = 0
        for located in territory_located_models():
            rows = list(located.unresolved()[:1000])
            total += len(rows)
            self.stdout.write(f"{located.label}: {len(rows)}")
            for row in rows:
                self.stdout.write(f"  #{row.pk} {located.describe(row)}")
        self.stdout.write(f"{total} unresolved")
