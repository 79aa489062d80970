"""Import pioneers from a CSV or GeoJSON file (see ``pioneers.services.imports``)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pioneers.errors import PioneersError
from pioneers.services.imports import pioneers_import


class ProgressBar:
    """A one-line progress bar on stderr (redrawn in place when it is a terminal)."""

    def __init__(self, stream, *, width: int = 30) -> None:
        self.stream = stream  # the command's OutputWrapper around stderr
        self.width = width
        self.tty = stream.isatty()
        self.last = -1

    def _write(self, text: str) -> None:
        self.stream.write(text, style_func=str, ending="")
        self.stream.flush()

    def __call__(self, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if percent == self.last:
            return
        self.last = percent
        filled = self.width * percent // 100
        bar = f"[{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}% {done}/{total}"
        self._write(("\r" if self.tty else "") + bar + ("" if self.tty else "\n"))

    def close(self) -> None:
        if self.tty and self.last >= 0:
            self._write("\n")


class Command(BaseCommand):
    help = (
        "Import pioneers from a CSV or GeoJSON file. Bad rows are reported and skipped; "
        "the good ones are written in one transaction; rows are matched on their external id."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="a .csv or .geojson file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        bar = ProgressBar(self.stderr)
        started = time.monotonic()
        try:
            report = pioneers_import(
                actor=None, content=content, name=path.name, dry_run=dry_run, progress=bar
            )
        except PioneersError as exc:
            raise CommandError(exc.message) from None
        finally:
            bar.close()
        for rejected in report.rejected:
            self.stdout.write(f"line {rejected['line']}: {rejected['reason']}")
        prefix = "DRY RUN — nothing written. " if dry_run else ""
        summary = (
            f"{prefix}{report.total} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.rejected)} rejected "
            f"({time.monotonic() - started:.1f} s)."
        )
        self.stdout.write(self.style.SUCCESS(summary) if not report.rejected else summary)
