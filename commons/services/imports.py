"""Import directory entries from a CSV or GeoJSON catalogue, streaming.

Like the pioneers' importer (preview with ``--dry-run``, a progress bar, row errors by
line, all-or-nothing), but the file is never held in memory: a first pass counts the
rows (for the progress bar), a second reads them one at a time, checks each, and writes
the good ones in batches — all inside ONE transaction, so a failure while writing leaves
nothing of the run. GeoJSON features are decoded one by one from a buffered reader.
Rows are matched on their external id: running the same file twice updates in place.
"""

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from backend.core.services import audit_record
from commons.errors import CommonsError
from commons.models import Entry, EntryKind, EntryRevision
from commons.services.directory import ENTRY_FIELDS, _snapshot, entry_clean

BATCH = 500
CHUNK = 64 * 1024
MAX_ROWS = 200_000

ALIASES = {
    "external_id": ("external_id", "id", "identifiant", "ref"),
    "kind": ("kind", "type", "categorie", "catégorie", "nature"),
    "title": ("title", "titre", "nom", "name"),
    "description": ("description", "resume", "résumé", "texte"),
    "website_url": ("website_url", "website", "site", "url", "lien"),
    "commune": ("commune", "ville", "city"),
    "postcode": ("postcode", "code_postal", "cp"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "starts_at": ("starts_at", "debut", "début", "date"),
    "ends_at": ("ends_at", "fin"),
    "place": ("place", "lieu"),
}
_LOOKUP = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
KIND_WORDS = {
    "outil": EntryKind.TOOL,
    "outils": EntryKind.TOOL,
    "initiative": EntryKind.INITIATIVE,
    "initiatives": EntryKind.INITIATIVE,
    "action": EntryKind.ACTION,
    "actions": EntryKind.ACTION,
    "idee": EntryKind.IDEA,
    "idée": EntryKind.IDEA,
    "idees": EntryKind.IDEA,
    "idées": EntryKind.IDEA,
    "evenement": EntryKind.EVENT,
    "événement": EntryKind.EVENT,
    "evenements": EntryKind.EVENT,
    "événements": EntryKind.EVENT,
    **{k.value: k.value for k in EntryKind},
}

Progress = Callable[[int, int], None]


class _Rollback(Exception):
    pass


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False

    def reject(self, line: int, reason: str) -> None:
        if len(self.rejected) < 10_000:
            self.rejected.append({"line": line, "reason": reason})


def _normalise(raw: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in raw.items():
        name = _LOOKUP.get(str(key or "").strip().lower().replace(" ", "_"))
        if name and name not in row:
            row[name] = value
    return row


def _text(handle: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")


def _is_geojson(handle: IO[bytes], name: str) -> bool:
    head = handle.read(512)
    handle.seek(0)
    return name.lower().endswith((".geojson", ".json")) or head.lstrip().startswith(b"{")


# ---------------------------------------------------------------- readers (streaming)


def _csv_rows(handle: IO[bytes]) -> Iterator[tuple[int, dict]]:
    text = _text(handle)
    sample = text.read(4096)
    text.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text, dialect=dialect)
    if not reader.fieldnames or not any(_LOOKUP.get(f.strip().lower()) for f in reader.fieldnames):
        raise CommonsError(
            _("The CSV file needs a header line (external_id, kind, title, commune…)."),
            code="import_header",
        )
    try:
        for record in reader:
            yield reader.line_num, _normalise(record)
    except csv.Error as exc:
        raise CommonsError(
            _("The CSV file is malformed near line %(line)d: %(error)s")
            % {"line": reader.line_num, "error": exc},
            code="import_malformed",
        ) from None
    finally:
        text.detach()


def _geojson_features(handle: IO[bytes]) -> Iterator[Any]:
    """Yield the members of ``"features": [...]`` one at a time, reading by chunks."""
    text = _text(handle)
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

    malformed = CommonsError(
        _("A GeoJSON file must hold a FeatureCollection with its features."),
        code="import_malformed",
    )
    try:
        while '"features"' not in buffer:
            if not more():
                raise malformed
            if len(buffer) > 10 * CHUNK and '"features"' not in buffer:
                raise malformed
        position = buffer.index('"features"') + len('"features"')
        while True:
            rest = buffer[position:].lstrip()
            if rest:
                break
            if not more():
                raise malformed
        buffer = buffer[position:].lstrip()
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


def _geojson_rows(handle: IO[bytes]) -> Iterator[tuple[int, dict]]:
    for number, feature in enumerate(_geojson_features(handle), start=1):
        if not isinstance(feature, dict):
            yield number, {"_error": _("This feature is not an object.")}
            continue
        properties = feature.get("properties") or {}
        row = _normalise(properties if isinstance(properties, dict) else {})
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


def _rows(handle: IO[bytes], name: str) -> Iterator[tuple[int, dict]]:
    return _geojson_rows(handle) if _is_geojson(handle, name) else _csv_rows(handle)


# ---------------------------------------------------------------- check and write


def _check(line: int, raw: dict, seen: set[str], report: ImportReport) -> dict | None:
    if raw.get("_error"):
        report.reject(line, raw["_error"])
        return None
    external_id = str(raw.get("external_id") or "").strip()
    if not external_id:
        report.reject(line, _("The external id is missing."))
        return None
    if len(external_id) > 120:
        report.reject(line, _("The external id is longer than 120 characters."))
        return None
    if external_id in seen:
        report.reject(line, _("The external id « %(id)s » appears twice.") % {"id": external_id})
        return None
    seen.add(external_id)
    data = dict(raw)
    data["kind"] = KIND_WORDS.get(str(raw.get("kind") or "").strip().lower(), raw.get("kind"))
    for name in ("starts_at", "ends_at"):
        value = str(raw.get(name) or "").strip()
        data[name] = parse_datetime(value) if value else None
        if value and data[name] is None:
            report.reject(line, _("%(field)s is not a date and time.") % {"field": name})
            return None
    try:
        clean = entry_clean(data)
    except CommonsError as exc:
        report.reject(
            line,
            "; ".join(f"{n}: {' '.join(str(m) for m in msgs)}" for n, msgs in exc.errors.items())
            or exc.message,
        )
        return None
    clean["external_id"] = external_id
    return clean


def _write(batch: list[dict], report: ImportReport) -> None:
    existing = {
        e.external_id: e
        for e in Entry.objects.filter(external_id__in=[row["external_id"] for row in batch])
    }
    new, changed = [], []
    for row in batch:
        entry = existing.get(row["external_id"])
        if entry is None:
            new.append(Entry(**row))
            continue
        if all(getattr(entry, name) == row[name] for name in ENTRY_FIELDS):
            continue
        for name in ENTRY_FIELDS:
            setattr(entry, name, row[name])
        entry.version += 1
        changed.append(entry)
    created = Entry.objects.bulk_create(new, batch_size=BATCH)
    if not created or created[0].pk is None:  # backends that do not return ids
        created = list(Entry.objects.filter(external_id__in=[e.external_id for e in new]))
    Entry.objects.bulk_update(changed, [*ENTRY_FIELDS, "version"], batch_size=BATCH)
    EntryRevision.objects.bulk_create(
        [
            EntryRevision(entry=e, version=e.version, editor=None, data=_snapshot(e, [], []))
            for e in [*created, *changed]
        ],
        batch_size=BATCH,
    )
    report.created += len(created)
    report.updated += len(changed)


def _count_rows(handle: IO[bytes], name: str) -> int:
    total = 0
    for _row in _rows(handle, name):
        total += 1
        if total > MAX_ROWS:
            raise CommonsError(
                _("At most %(max)d rows per file.") % {"max": MAX_ROWS}, code="import_too_big"
            )
    handle.seek(0)
    return total


def entries_import(
    *,
    actor,
    handle: IO[bytes],
    name: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check and write every row of a seekable binary file (see the module)."""
    total = _count_rows(handle, name)
    report = ImportReport(total=total, dry_run=dry_run)
    seen: set[str] = set()
    try:
        with transaction.atomic():
            batch: list[dict] = []
            for done, (line, raw) in enumerate(_rows(handle, name), start=1):
                clean = _check(line, raw, seen, report)
                if clean is not None:
                    batch.append(clean)
                if len(batch) >= BATCH:
                    _write(batch, report)
                    batch = []
                if progress and (done % BATCH == 0 or done == total):
                    progress(done, total)
            if batch:
                _write(batch, report)
            if progress and total == 0:
                progress(0, 0)
            audit_record(
                actor=actor,
                action="commons.entries_import",
                data={
                    "file": name[:200],
                    "dry_run": dry_run,
                    "rows": report.total,
                    "created": report.created,
                    "updated": report.updated,
                    "rejected": len(report.rejected),
                },
            )
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report
