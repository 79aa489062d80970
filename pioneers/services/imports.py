"""Import pioneers from a CSV or GeoJSON catalogue (e.g. the filmed initiatives of the
On passe à l'acte media).

How a run behaves:
- every row is checked first; a bad row is reported (line number and reason) and
  skipped, the others go on;
- the rows that passed are then written in ONE transaction: if anything fails while
  writing, nothing of the run is written (never a half-imported catalogue);
- a row is matched on its external id: a re-run updates the same profiles instead of
  creating new ones, so running the same file twice changes nothing the second time;
- a dry run does everything, then rolls back: its report is exactly what a real run
  would do.
"""

import csv
import io
import json
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from backend.core.services import audit_record
from pioneers.errors import PioneersError
from pioneers.models import ImportJob, ImportStatus, Pioneer, Theme
from pioneers.search import search_documents_refresh
from pioneers.services.profiles import clean_profile_fields, skills_resolve
from territories.services import territory_resolve_communes

MAX_ROWS = 50_000
BATCH = 500
LIST_SEPARATORS = (";", "|")

# Column names accepted, in French or English, mapped to the profile's fields.
ALIASES = {
    "external_id": ("external_id", "id", "identifiant", "ref"),
    "display_name": ("display_name", "name", "nom", "porteur"),
    "solution_title": ("solution_title", "title", "titre", "solution", "initiative"),
    "solution_description": ("solution_description", "description", "resume", "résumé"),
    "commune": ("commune", "city", "ville"),
    "postcode": ("postcode", "code_postal", "cp", "zip"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "video_url": ("video_url", "video", "vidéo"),
    "website_url": ("website_url", "website", "site", "url"),
    "themes": ("themes", "thèmes", "theme"),
    "skills": ("skills", "compétences", "competences"),
}
_LOOKUP = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


class _Rollback(Exception):
    """Raised at the end of a dry run to undo everything it wrote."""


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append({"line": line, "reason": reason})


@dataclass
class _Row:
    line: int
    external_id: str
    fields: dict[str, Any]
    themes: list[int]
    skills: list[str]


Progress = Callable[[int, int], None]


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    for separator in LIST_SEPARATORS:
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def _normalise(raw: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in raw.items():
        name = _LOOKUP.get(str(key or "").strip().lower().replace(" ", "_"))
        if name and name not in row:
            row[name] = value
    return row


def read_rows(content: bytes, *, name: str = "") -> tuple[list[tuple[int, dict]], str]:
    """Parse a file into (line, row) pairs; the format comes from its content."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise PioneersError(
                _("The file is neither UTF-8 nor Windows-1252 text."), code="import_encoding"
            ) from None
    stripped = text.lstrip()
    if stripped.startswith("{") or name.lower().endswith((".geojson", ".json")):
        return _geojson_rows(stripped), "geojson"
    return _csv_rows(text), "csv"


def _csv_rows(text: str) -> list[tuple[int, dict]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames or not any(_LOOKUP.get(f.strip().lower()) for f in reader.fieldnames):
        raise PioneersError(
            _("The CSV file needs a header line (external_id, display_name, solution_title…)."),
            code="import_header",
        )
    rows = []
    try:
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise PioneersError(
                    _("At most %(max)d rows per file.") % {"max": MAX_ROWS}, code="import_too_big"
                )
            # line_num is the physical line the record ended on: the line a person sees.
            rows.append((reader.line_num, _normalise(record)))
    except csv.Error as exc:
        raise PioneersError(
            _("The CSV file is malformed near line %(line)d: %(error)s")
            % {"line": reader.line_num, "error": exc},
            code="import_malformed",
        ) from None
    return rows


def _geojson_rows(text: str) -> list[tuple[int, dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PioneersError(
            _("The GeoJSON file is not valid JSON (line %(line)d).") % {"line": exc.lineno},
            code="import_malformed",
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise PioneersError(
            _("A GeoJSON file must hold a FeatureCollection."), code="import_malformed"
        )
    features = data.get("features")
    if not isinstance(features, list):
        raise PioneersError(_("The FeatureCollection has no features."), code="import_malformed")
    if len(features) > MAX_ROWS:
        raise PioneersError(
            _("At most %(max)d rows per file.") % {"max": MAX_ROWS}, code="import_too_big"
        )
    rows = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            rows.append((number, {"_error": _("This feature is not an object.")}))
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
        rows.append((number, row))
    return rows


def _theme_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for theme in Theme.objects.all():
        for key in (theme.slug, theme.label_fr, theme.label_en):
            if key:
                index[slugify(key)] = theme.pk
    return index


def _check(
    rows: list[tuple[int, dict]], report: ImportReport, progress: Progress | None
) -> list[_Row]:
    themes = _theme_index()
    seen: dict[str, int] = {}
    good: list[_Row] = []
    for done, (line, raw) in enumerate(rows, start=1):
        if progress and (done % BATCH == 0 or done == len(rows)):
            progress(done, len(rows))
        if raw.get("_error"):
            report.reject(line, raw["_error"])
            continue
        external_id = str(raw.get("external_id") or "").strip()
        if not external_id:
            report.reject(line, _("The external id is missing."))
            continue
        if len(external_id) > 120:
            report.reject(line, _("The external id is longer than 120 characters."))
            continue
        if external_id in seen:
            report.reject(
                line,
                _("The external id « %(id)s » already appears on line %(line)d.")
                % {"id": external_id, "line": seen[external_id]},
            )
            continue
        seen[external_id] = line
        fields = {
            name: raw.get(name)
            for name in (
                "display_name",
                "solution_title",
                "solution_description",
                "commune",
                "postcode",
                "latitude",
                "longitude",
                "video_url",
                "website_url",
            )
        }
        fields["postcode"] = str(fields["postcode"] or "").strip()
        if fields["postcode"].isdigit() and len(fields["postcode"]) == 4:
            fields["postcode"] = "0" + fields["postcode"]  # spreadsheets drop the leading 0
        try:
            clean = clean_profile_fields(fields, partial=False)
        except PioneersError as exc:
            report.reject(
                line,
                "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.errors.items())
                or exc.message,
            )
            continue
        theme_ids, unknown = [], []
        for name in _split(raw.get("themes")):
            theme_id = themes.get(slugify(name))
            (theme_ids.append(theme_id) if theme_id else unknown.append(name))
        if unknown:
            report.reject(line, _("Unknown theme(s): %(themes)s.") % {"themes": ", ".join(unknown)})
            continue
        good.append(
            _Row(
                line=line,
                external_id=external_id,
                fields=clean,
                themes=sorted(set(theme_ids)),
                skills=_split(raw.get("skills"))[:30],
            )
        )
    return good


def _write(rows: list[_Row], report: ImportReport) -> list[int]:
    """Create or update every checked row, in bulk; returns the ids written."""
    existing = {
        p.external_id: p
        for p in Pioneer.objects.filter(external_id__in=[r.external_id for r in rows])
    }
    current_themes: dict[int, set[int]] = defaultdict(set)
    for pioneer_id, theme_id in Pioneer.themes.through.objects.filter(
        pioneer_id__in=[p.pk for p in existing.values()]
    ).values_list("pioneer_id", "theme_id"):
        current_themes[pioneer_id].add(theme_id)
    skills = {s.slug: s for s in skills_resolve(name for r in rows for name in r.skills)}
    new, changed = [], []
    for row in rows:
        row_skills = [skills[slugify(n)[:90]] for n in row.skills if slugify(n)[:90] in skills]
        # Keep the order given but drop duplicates.
        row_skills = list({s.pk: s for s in row_skills}.values())
        skills_text = ", ".join(s.name for s in row_skills)[:1000]
        pioneer = existing.get(row.external_id)
        if pioneer is None:
            pioneer = Pioneer(external_id=row.external_id, skills_text=skills_text, **row.fields)
            new.append((pioneer, row, row_skills))
            continue
        before = (
            *(getattr(pioneer, name) for name in row.fields),
            pioneer.skills_text,
            frozenset(current_themes[pioneer.pk]),
        )
        for name, value in row.fields.items():
            setattr(pioneer, name, value)
        pioneer.skills_text = skills_text
        after = (
            *(getattr(pioneer, name) for name in row.fields),
            pioneer.skills_text,
            frozenset(row.themes),
        )
        changed.append((pioneer, row, row_skills, before != after))
    places = territory_resolve_communes(
        (p.commune, p.postcode) for p in [p for p, _r, _s in new] + [c[0] for c in changed]
    )
    for pioneer in [p for p, _r, _s in new]:
        pioneer.territory = places.get((pioneer.commune, pioneer.postcode))
    for index, (pioneer, row, row_skills, _differs) in enumerate(changed):
        territory = places.get((pioneer.commune, pioneer.postcode))
        if (territory.pk if territory else None) != pioneer.territory_id:
            pioneer.territory = territory
            changed[index] = (pioneer, row, row_skills, True)
    Pioneer.objects.bulk_create([p for p, _r, _s in new], batch_size=BATCH)
    field_names = sorted(
        {name for r in rows for name in r.fields} | {"skills_text", "updated_at", "territory"}
    )
    # Only rows whose content differs are written, and only they count as refreshed
    # (bulk_update leaves auto_now alone: the date is set here).
    really_changed = [p for p, _r, _s, differs in changed if differs]
    now = timezone.now()
    for pioneer in really_changed:
        pioneer.updated_at = now
    Pioneer.objects.bulk_update(really_changed, field_names, batch_size=BATCH)

    theme_links = Pioneer.themes.through
    skill_links = Pioneer.skills.through
    touched = [p.pk for p, _r, _s in new] + [p.pk for p, *_rest in changed]
    # Links are replaced as a whole for the rows of the file: what it says is what holds.
    theme_links.objects.filter(pioneer_id__in=touched).delete()
    skill_links.objects.filter(pioneer_id__in=touched).delete()
    theme_links.objects.bulk_create(
        [
            theme_links(pioneer_id=p.pk, theme_id=t)
            for p, row, *_rest in [*new, *changed]
            for t in row.themes
        ],
        batch_size=BATCH,
    )
    skill_links.objects.bulk_create(
        [
            skill_links(pioneer_id=p.pk, skill_id=s.pk)
            for p, _row, row_skills, *_rest in [*new, *changed]
            for s in row_skills
        ],
        batch_size=BATCH,
    )
    report.created = len(new)
    report.updated = len(really_changed)
    report.unchanged = len(changed) - len(really_changed)
    return touched


def pioneers_import(
    *,
    actor,
    content: bytes,
    name: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row, then write the good ones in one transaction (see the module)."""
    parsed, file_format = read_rows(content, name=name)
    report = ImportReport(total=len(parsed), dry_run=dry_run)
    rows = _check(parsed, report, progress)
    try:
        with transaction.atomic():
            touched = _write(rows, report) if rows else []
            search_documents_refresh(pioneer_ids=touched)
            audit_record(
                actor=actor,
                action="pioneer.import",
                data={
                    "file": name[:200],
                    "format": file_format,
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


# ---------------------------------------------------------------- uploads


UPLOAD_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def import_job_create(*, actor, upload, dry_run: bool = False) -> ImportJob:
    """Store an uploaded catalogue and queue its import (a Celery task runs it)."""
    from pioneers.tasks import import_job_execute

    name = (getattr(upload, "name", "") or "import").rsplit("/", 1)[-1][:255]
    if not name.lower().endswith((".csv", ".geojson", ".json")):
        message = _("Send a .csv or .geojson file.")
        raise PioneersError(message, code="import_type", errors={"file": [message]})
    if (getattr(upload, "size", 0) or 0) > UPLOAD_MAX_BYTES:
        message = _("The file is larger than 20 MB.")
        raise PioneersError(message, code="import_too_big", errors={"file": [message]})
    job = ImportJob(original_name=name, dry_run=dry_run, created_by=actor)
    job.file.save(f"{secrets.token_urlsafe(12)}-{slugify(name)[:60]}", upload, save=False)
    job.save()
    audit_record(actor=actor, action="pioneer.import_queued", target=job)
    transaction.on_commit(lambda: import_job_execute.delay(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued import, recording its progress on the job row as it goes.

    Progress is written outside the import's transaction (each update commits at once) so
    that the coordinator's page sees it; a job already started is left alone, which makes
    the task safe to deliver twice.
    """
    started = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not started:
        return job

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done, total_rows=total)

    try:
        with job.file.open("rb") as handle:
            content = handle.read()
        report = pioneers_import(
            actor=job.created_by,
            content=content,
            name=job.original_name,
            dry_run=job.dry_run,
            progress=progress,
        )
    except PioneersError as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, error=exc.message, finished_at=timezone.now()
        )
    else:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.DONE,
            total_rows=report.total,
            processed_rows=report.total,
            created_count=report.created,
            updated_count=report.updated,
            rejected=report.rejected[:5000],
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job
