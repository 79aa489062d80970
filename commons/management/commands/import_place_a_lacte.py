"""Import « Place à l'acte » entries from a CSV or GeoJSON file, streaming
(see ``commons.services.imports``)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commons.errors import CommonsError
from commons.services.imports import entries_import
from pioneers.management.commands.import_pioneers import ProgressBar


class Command(BaseCommand):
    help = (
        "Import directory entries (tools, initiatives, actions, ideas, events) from a CSV or "
        "GeoJSON file. Bad rows are reported and skipped; the good ones are written in one "
        "transaction; rows are matched on their external id. The file is read as a stream."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="a .csv or .geojson file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        path = Path(file)
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        bar = ProgressBar(self.stderr)
        started = time.monotonic()
        try:
            with handle:
                report = entries_import(
                    actor=None, handle=handle, name=path.name, dry_run=dry_run, progress=bar
                )
        except CommonsError as exc:
            raise CommandError(exc.message) from None
        finally:
            bar.close()
        for rejected in report.rejected:
            self.stdout.write(f"line {rejected['line']}: {rejected['reason']}")
        prefix = "DRY RUN — nothing written. " if dry_run else ""
        summary = (
            f"{prefix}{report.total} rows: {report.created} created, {report.updated} updated, "
            f"{len(report.rejected)} rejected ({time.monotonic() - started:.1f} s)."
        )
        self.stdout.write(self.style.SUCCESS(summary) if not report.rejected else summary)
