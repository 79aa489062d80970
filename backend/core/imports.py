"""One way to import a catalogue file (CSV or GeoJSON), used by every importer.

How a run behaves, whatever the app:
- the file is never held in memory: a first pass finds its text encoding and counts the
  rows (for the progress bar), a second reads them one at a time — CSV records with the
  physical line they end on, GeoJSON features decoded one by one from a buffered reader,
  numbered from 1;
- each row is checked by the app; a bad row is reported (line number and reason) and
  skipped, the others go on, written in batches;
- the whole run is ONE transaction (``import_transaction``): a failure while writing
  leaves nothing of it, and a dry run does everything then rolls back, so its report is
  exactly what a real run would do.

An app describes its columns (``ImportSpec``), checks a row and writes a batch; the
management commands share ``ImportCommand`` (progress bar on stderr, rejected rows and a
summary on stdout).
"""

import csv
import io
import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from backend.core.errors import ApplicationError

CHUNK = 64 * 1024
SNIFF = 4096

Progress = Callable[[int, int], None]
Row = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class ImportSpec:
    """What an app's import files look like.

    ``aliases``: the accepted column names (French or English) of each field;
    ``error``: the app's error type, raised for a file refused whole;
    ``header_message``: what a CSV file without a known column is told (lazy text);
    ``max_rows``: the most rows a file may hold.
    """

    aliases: Mapping[str, tuple[str, ...]]
    error: type[ApplicationError]
    header_message: Any
    max_rows: int
    encodings: tuple[str, ...] = ("utf-8-sig", "cp1252")

    @cached_property
    def lookup(self) -> dict[str, str]:
        return {alias: name for name, aliases in self.aliases.items() for alias in aliases}

    def normalise(self, raw: Mapping[Any, Any]) -> dict[str, Any]:
        """The row under the fields' names (the first column of a field wins)."""
        row: dict[str, Any] = {}
        for key, value in raw.items():
            name = self.lookup.get(str(key or "").strip().lower().replace(" ", "_"))
            if name and name not in row:
                row[name] = value
        return row


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    rejected_limit: int | None = None  # beyond it a rejection is counted nowhere

    def reject(self, line: int, reason: str) -> None:
        if self.rejected_limit is None or len(self.rejected) < self.rejected_limit:
            self.rejected.append({"line": line, "reason": reason})

    def audit_data(self, *, source: "ImportFile") -> dict[str, Any]:
        """What the run's audit event records."""
        return {
            "file": source.name[:200],
            "format": source.format,
            "dry_run": self.dry_run,
            "rows": self.total,
            "created": self.created,
            "updated": self.updated,
            "rejected": len(self.rejected),
        }


def external_id_of(line: int, raw: Mapping[str, Any], report: ImportReport) -> str | None:
    """The row's external id (what a re-run matches on), or None with the row rejected."""
    external_id = str(raw.get("external_id") or "").strip()
    if not external_id:
        report.reject(line, _("The external id is missing."))
        return None
    if len(external_id) > 120:
        report.reject(line, _("The external id is longer than 120 characters."))
        return None
    return external_id


# ---------------------------------------------------------------- reading (streaming)


def is_geojson(handle: IO[bytes], name: str) -> bool:
    head = handle.read(512)
    handle.seek(0)
    return name.lower().endswith((".geojson", ".json")) or head.lstrip().startswith(b"{")


def _text(handle: IO[bytes], encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(handle, encoding=encoding, newline="")


def _csv_rows(handle: IO[bytes], spec: ImportSpec, encoding: str) -> Iterator[Row]:
    text = _text(handle, encoding)
    try:
        sample = text.read(SNIFF)
        text.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(text, dialect=dialect)
        if not reader.fieldnames or not any(
            spec.lookup.get(f.strip().lower()) for f in reader.fieldnames
        ):
            raise spec.error(str(spec.header_message), code="import_header")
        try:
            for record in reader:
                # line_num is the physical line the record ended on: the line a person sees.
                yield reader.line_num, spec.normalise(record)
        except csv.Error as exc:
            raise spec.error(
                _("The CSV file is malformed near line %(line)d: %(error)s")
                % {"line": reader.line_num, "error": exc},
                code="import_malformed",
            ) from None
    finally:
        text.detach()


def _geojson_features(handle: IO[bytes], spec: ImportSpec, encoding: str) -> Iterator[Any]:
    """Yield the members of ``"features": [...]`` one at a time, reading by chunks."""
    text = _text(handle, encoding)
    decoder = json.JSONDecoder()
    buffer = ""
    eof = False

    def more() -> bool:
        nonlocal buffer, eof
        if eof:
            return False
        chunk = text.read(CHUNK)
        if not chunk:
            eof = True
            return False
        buffer += chunk
        return True

    malformed = spec.error(
        _("A GeoJSON file must hold a FeatureCollection with its features."),
        code="import_malformed",
    )
    try:
        while '"features"' not in buffer:
            if not more():
                raise malformed
            if len(buffer) > 10 * CHUNK and '"features"' not in buffer:
                raise malformed
        buffer = buffer[buffer.index('"features"') + len('"features"') :].lstrip()
        while not buffer:
            if not more():
                raise malformed
            buffer = buffer.lstrip()
        if not buffer.startswith(":"):
            raise malformed
        buffer = buffer[1:].lstrip()
        while not buffer and more():
            buffer = buffer.lstrip()
        if not buffer.startswith("["):
            raise malformed
        buffer = buffer[1:]
        while True:
            buffer = buffer.lstrip()
            while not buffer:
                if not more():
                    raise malformed
                buffer = buffer.lstrip()
            if buffer[0] == "]":
                return
            if buffer[0] == ",":
                buffer = buffer[1:]
                continue
            while True:
                try:
                    value, end = decoder.raw_decode(buffer)
                except json.JSONDecodeError:
                    if not more():
                        raise malformed from None
                    continue
                break
            buffer = buffer[end:]
            yield value
    finally:
        text.detach()


def _geojson_rows(handle: IO[bytes], spec: ImportSpec, encoding: str) -> Iterator[Row]:
    for number, feature in enumerate(_geojson_features(handle, spec, encoding), start=1):
        if not isinstance(feature, dict):
            yield number, {"_error": _("This feature is not an object.")}
            continue
        properties = feature.get("properties") or {}
        row = spec.normalise(properties if isinstance(properties, dict) else {})
        if "external_id" not in row and feature.get("id") is not None:
            row["external_id"] = feature["id"]
        geometry = feature.get("geometry")
        if geometry:
            coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if (
                not isinstance(geometry, dict)
                or geometry.get("type") != "Point"
                or not isinstance(coordinates, list)
                or len(coordinates) < 2
            ):
                row["_error"] = _("The geometry must be a Point [longitude, latitude].")
            else:
                row["longitude"], row["latitude"] = coordinates[0], coordinates[1]
        yield number, row


@dataclass
class ImportFile:
    """A seekable binary file read as rows: ``ImportFile.open`` counts them first."""

    handle: IO[bytes]
    name: str
    spec: ImportSpec
    encoding: str
    format: str
    total: int

    @classmethod
    def open(cls, handle: IO[bytes], *, name: str, spec: ImportSpec) -> "ImportFile":
        file_format = "geojson" if is_geojson(handle, name) else "csv"
        for encoding in spec.encodings:
            found = cls(handle, name, spec, encoding, file_format, total=0)
            try:
                for _row in found.rows():
                    found.total += 1
                    if found.total > spec.max_rows:
                        raise spec.error(
                            _("At most %(max)d rows per file.") % {"max": spec.max_rows},
                            code="import_too_big",
                        )
            except UnicodeDecodeError:
                handle.seek(0)
                continue
            handle.seek(0)
            return found
        raise spec.error(
            _("The file is neither UTF-8 nor Windows-1252 text."), code="import_encoding"
        )

    def rows(self) -> Iterator[Row]:
        """(line, row) pairs, one at a time; a row the reader could not take has ``_error``."""
        reader = _geojson_rows if self.format == "geojson" else _csv_rows
        return reader(self.handle, self.spec, self.encoding)

    def batches(
        self,
        *,
        check: Callable[[int, dict[str, Any]], Any],
        report: ImportReport,
        size: int,
        progress: Progress | None = None,
    ) -> Iterator[list[Any]]:
        """The rows ``check`` accepts (it returns None for a row it rejected), by batches
        of ``size``; ``progress(done, total)`` after each batch of rows read and at the end."""
        batch: list[Any] = []
        for done, (line, raw) in enumerate(self.rows(), start=1):
            if raw.get("_error"):
                report.reject(line, raw["_error"])
            elif (checked := check(line, raw)) is not None:
                batch.append(checked)
            if len(batch) >= size:
                yield batch
                batch = []
            if progress and (done % size == 0 or done == self.total):
                progress(done, self.total)
        if batch:
            yield batch
        if progress and self.total == 0:
            progress(0, 0)


class _Rollback(Exception):
    """Raised at the end of a dry run to undo everything it wrote."""


@contextmanager
def import_transaction(*, dry_run: bool) -> Iterator[None]:
    """The run's one transaction; a dry run's is rolled back at its end."""
    try:
        with transaction.atomic():
            yield
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass


# ---------------------------------------------------------------- the commands


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


class ImportCommand(BaseCommand):
    """An import command: ``manage.py <name> FILE [--dry-run]``; the file is streamed
    to ``run_import``, a progress bar drawn on stderr, each rejected row and a summary
    written on stdout."""

    error: type[ApplicationError] = ApplicationError
    show_unchanged = False  # the summary counts the rows the run left as they were

    def run_import(
        self, *, handle: IO[bytes], name: str, dry_run: bool, progress: Progress
    ) -> ImportReport:
        raise NotImplementedError

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
                report = self.run_import(
                    handle=handle, name=path.name, dry_run=dry_run, progress=bar
                )
        except self.error as exc:
            raise CommandError(exc.message) from None
        finally:
            bar.close()
        for rejected in report.rejected:
            self.stdout.write(f"line {rejected['line']}: {rejected['reason']}")
        prefix = "DRY RUN — nothing written. " if dry_run else ""
        unchanged = f"{report.unchanged} unchanged, " if self.show_unchanged else ""
        summary = (
            f"{prefix}{report.total} rows: {report.created} created, {report.updated} updated, "
            f"{unchanged}{len(report.rejected)} rejected "
            f"({time.monotonic() - started:.1f} s)."
        )
        self.stdout.write(self.style.SUCCESS(summary) if not report.rejected else summary)
