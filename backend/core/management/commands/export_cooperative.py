"""Write the whole cooperative to one versioned JSON archive (see backend.core.backup)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from backend.core.backup import BackupError, cooperative_export, cooperative_export_to_path


class Command(BaseCommand):
    help = (
        "Export every table of the cooperative (members, register, votes, ledgers, funds, "
        "audit…) to a versioned JSON archive with a checksum per table. Use a name ending "
        "in .gz to compress it; '-' writes to standard output."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            help="File to write (default: terreau-YYYYmmdd-HHMMSS.json.gz in the current folder).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options) -> None:
        output = options["output"] or f"terreau-{timezone.now():%Y%m%d-%H%M%S}.json.gz"
        try:
            if output == "-":
                report = cooperative_export(out=sys.stdout, using=options["database"])
            else:
                report = cooperative_export_to_path(path=Path(output), using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        for name in report.missing_files:
            self.stderr.write(f"Named in the database but missing from the storage: {name}")
        if output != "-":
            self.stdout.write(
                self.style.SUCCESS(
                    f"{report.total_rows} rows in {len(report.tables)} tables and "
                    f"{len(report.files)} files written to {output}."
                )
            )
