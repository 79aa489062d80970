"""Import pioneers from a CSV or GeoJSON catalogue (e.g. the filmed initiatives of the
On passe à l'acte media).

The reading, the batches and the one transaction are the kit's (``backend/core/imports``):
- every row is checked; a bad row is reported (line number and reason) and skipped, the
  others go on, written by batches;
- the whole run is ONE transaction: if anything fails while writing, nothing of the run
  is written (never a half-imported catalogue);
- a row is matched on its external id: a re-run updates the same profiles instead of
  creating new ones, so running the same file twice changes nothing the second time;
- a dry run does everything, then rolls back: its report is exactly what a real run
  would do.
"""

import io
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
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
from pioneers.errors import PioneersError
from pioneers.models import ImportJob, ImportStatus, Pioneer, Theme
from pioneers.search import search_documents_refresh
from pioneers.services.profiles import clean_profile_fields, skills_resolve
from territories.services import territory_resolve_communes

__all__ = ["ImportReport", "import_job_create", "import_job_run", "pioneers_import"]

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
SPEC = ImportSpec(
    aliases=ALIASES,
    error=PioneersError,
    header_message=gettext_lazy(
        "The CSV file needs a header line (external_id, display_name, solution_title…)."
    ),
    max_rows=MAX_ROWS,
)


@dataclass
class _Row:
    line: int
    external_id: str
    fields: dict[str, Any]
    themes: list[int]
    skills: list[str]


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    for separator in LIST_SEPARATORS:
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def _theme_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for theme in Theme.objects.all():
        for key in (theme.slug, theme.label_fr, theme.label_en):
            if key:
                index[slugify(key)] = theme.pk
    return index


class _Checker:
    """Checks one row after the other, remembering the external ids already seen."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.themes = _theme_index()
        self.seen: dict[str, int] = {}

    def __call__(self, line: int, raw: dict) -> "_Row | None":
        report = self.report
        external_id = external_id_of(line, raw, report)
        if external_id is None:
            return None
        if external_id in self.seen:
            report.reject(
                line,
                _("The external id « %(id)s » already appears on line %(line)d.")
                % {"id": external_id, "line": self.seen[external_id]},
            )
            return None
        self.seen[external_id] = line
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
            return None
        theme_ids, unknown = [], []
        for name in _split(raw.get("themes")):
            theme_id = self.themes.get(slugify(name))
            (theme_ids.append(theme_id) if theme_id else unknown.append(name))
        if unknown:
            report.reject(line, _("Unknown theme(s): %(themes)s.") % {"themes": ", ".join(unknown)})
            return None
        return _Row(
            line=line,
            external_id=external_id,
            fields=clean,
            themes=sorted(set(theme_ids)),
            skills=_split(raw.get("skills"))[:30],
        )


def _write(rows: list[_Row], report: ImportReport) -> list[int]:
    """Create or update a batch of checked rows, in bulk; returns the ids written."""
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
    report.created += len(new)
    report.updated += len(really_changed)
    report.unchanged += len(changed) - len(really_changed)
    return touched


def pioneers_import(
    *,
    actor,
    content: bytes | None = None,
    handle: IO[bytes] | None = None,
    name: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row, and write the good ones by batches in one transaction (see the
    module). The file is ``content``, or a seekable binary ``handle`` read as a stream."""
    source = ImportFile.open(
        io.BytesIO(content or b"") if handle is None else handle, name=name, spec=SPEC
    )
    report = ImportReport(total=source.total, dry_run=dry_run)
    check = _Checker(report)
    with import_transaction(dry_run=dry_run):
        for batch in source.batches(check=check, report=report, size=BATCH, progress=progress):
            search_documents_refresh(pioneer_ids=_write(batch, report))
        audit_record(
            actor=actor,
            action="pioneer.import",
            data=report.audit_data(source=source),
        )
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
            report = pioneers_import(
                actor=job.created_by,
                handle=handle,
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
