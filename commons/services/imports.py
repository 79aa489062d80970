"""Import directory entries from a CSV or GeoJSON catalogue, streaming.

The reading, the batches and the one transaction are the kit's (``backend/core/imports``:
preview with ``--dry-run``, a progress bar, row errors by line, all-or-nothing, the file
never held in memory); here are the entries' columns, the check of a row and the write
of a batch. Rows are matched on their external id: running the same file twice updates
in place.
"""

from typing import IO

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.imports import (
    ImportFile,
    ImportReport,
    ImportSpec,
    Progress,
    external_id_of,
    import_transaction,
)
from backend.core.services import audit_record
from commons.errors import CommonsError
from commons.models import Entry, EntryKind, EntryRevision
from commons.services.directory import ENTRY_FIELDS, _snapshot, entry_clean

BATCH = 500
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

SPEC = ImportSpec(
    aliases=ALIASES,
    error=CommonsError,
    header_message=gettext_lazy(
        "The CSV file needs a header line (external_id, kind, title, commune…)."
    ),
    max_rows=MAX_ROWS,
)


# ---------------------------------------------------------------- check and write


def _check(line: int, raw: dict, seen: set[str], report: ImportReport) -> dict | None:
    external_id = external_id_of(line, raw, report)
    if external_id is None:
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


def entries_import(
    *,
    actor,
    handle: IO[bytes],
    name: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check and write every row of a seekable binary file (see the module)."""
    source = ImportFile.open(handle, name=name, spec=SPEC)
    report = ImportReport(total=source.total, dry_run=dry_run, rejected_limit=10_000)
    seen: set[str] = set()
    with import_transaction(dry_run=dry_run):
        for batch in source.batches(
            check=lambda line, raw: _check(line, raw, seen, report),
            report=report,
            size=BATCH,
            progress=progress,
        ):
            _write(batch, report)
        audit_record(
            actor=actor,
            action="commons.entries_import",
            data=report.audit_data(source=source),
        )
    return report
