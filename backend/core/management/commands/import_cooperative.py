"""Restore a cooperative archive into an empty database (see backend.core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backend.core.backup import BackupError, cooperative_archive_verify, cooperative_import


class Command(BaseCommand):
    help = (
        "Restore an archive made by export_cooperative into a freshly migrated, empty "
        "database, in one transaction (all or nothing). --check only verifies the file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="The .json or .json.gz file to restore.")
        parser.add_argument(
            "--check", action="store_true", help="Verify format and checksums; write nothing."
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options) -> None:
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            if options["check"]:
                report = cooperative_archive_verify(path=path)
            else:
                report = cooperative_import(path=path, using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        verb = "verified" if options["check"] else "restored"
        for name in report.missing_files:
            self.stderr.write(f"The archive notes this file was already missing: {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.total_rows} rows in {len(report.tables)} tables and "
                f"{len(report.files)} files {verb} (archive of {report.created_at})."
            )
        )
