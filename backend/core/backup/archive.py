"""The archive's tables, its encoding and its writer (see the package's docstring)."""

from __future__ import annotations

import base64
import datetime
import decimal
import gzip
import hashlib
import json
import platform
import uuid
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO

from django.apps import apps
from django.core.files.storage import Storage
from django.db import connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext as _

FORMAT = "terreau-cooperative-archive"
FORMAT_VERSION = 1
SUPPORTED_VERSIONS = frozenset({1})
CHUNK_ROWS = 2000

# Login sessions are transient: restoring them would only resurrect stale logins.
EXCLUDED_MODELS = frozenset({"sessions.session"})
# Rows a freshly migrated database already holds (content types and permissions from
# post_migrate, groups, themes and criteria from data migrations) or may create on
# first use (the one-row settings). The import replaces them with the archive's, so
# every id the archive refers to means the same thing again.
REFERENCE_MODELS = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "auth.group",
        "auth.group_permissions",
        "pioneers.theme",
        "pioneers.criterion",
        "pioneers.criterionlevel",
        "governance.cooperativesettings",
        "marketplace.contributionsettings",
    }
)
_PACKAGES = ("terreau", "django", "djangorestframework", "django-allauth", "psycopg")


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why, for a human."""


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    fields: tuple[models.Field, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]

    @property
    def ordering(self) -> list[str]:
        pk_fields = getattr(self.model._meta, "pk_fields", None) or [self.model._meta.pk]
        return [f.attname for f in pk_fields]


@dataclass
class TableReport:
    label: str
    count: int
    sha256: str


@dataclass(frozen=True)
class FileReport:
    name: str
    size: int
    sha256: str


@dataclass
class ArchiveReport:
    format_version: int
    created_at: str
    tables: list[TableReport] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(t.count for t in self.tables)


def cooperative_tables() -> list[Table]:
    """Every table of the cooperative, parents before the tables that refer to them."""
    found: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in EXCLUDED_MODELS:
            continue
        if meta.db_table in {t.db_table for t in found.values()}:
            continue
        # Generated columns are recomputed by the database from the ones stored.
        fields = tuple(
            f for f in meta.local_concrete_fields if f.column and not getattr(f, "generated", False)
        )
        found[meta.label_lower] = Table(model=model, fields=fields)
    ordered: list[Table] = []
    placed: set[str] = set()

    def place(label: str, path: frozenset[str]) -> None:
        if label in placed or label in path:
            return  # a cycle (self-reference): deferred foreign keys absorb it
        table = found[label]
        for f in table.fields:
            if f.is_relation and f.related_model is not None:
                parent = f.related_model._meta.label_lower
                if parent in found and parent != label:
                    place(parent, path | {label})
        placed.add(label)
        ordered.append(table)

    for label in sorted(found):
        place(label, frozenset())
    return ordered


# -- export ---------------------------------------------------------------------------


def _encode(value: object) -> object:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"{type(value).__name__} cannot go into the archive")


def _dumps(value: object, *, sort_keys: bool = True) -> str:
    # Rows sort the keys of their JSON values: PostgreSQL's jsonb does not keep the
    # order they were written in, SQLite does, and one cooperative must give one archive.
    return json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, default=_encode
    )


def _software_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in _PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _applied_migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _manifest_digest(
    header_line: str,
    tables: list[TableReport],
    files: list[FileReport] = (),  # type: ignore[assignment]
    missing: list[str] = (),  # type: ignore[assignment]
) -> str:
    digest = hashlib.sha256(header_line.encode())
    for table in tables:
        digest.update(f"\n{table.label}:{table.count}:{table.sha256}".encode())
    for item in files:
        digest.update(f"\nfile:{item.name}:{item.size}:{item.sha256}".encode())
    for name in missing:
        digest.update(f"\nmissing:{name}".encode())
    return digest.hexdigest()


def _stored_files(tables: list[Table], using: str) -> dict[str, Storage]:
    """Every uploaded file the rows name (photos, attachments, documents), by storage."""
    found: dict[str, Storage] = {}
    for table in tables:
        for f in table.fields:
            if isinstance(f, models.FileField):
                names = (
                    table.model._base_manager.using(using)
                    .exclude(**{f"{f.attname}__isnull": True})
                    .exclude(**{f.attname: ""})
                    .values_list(f.attname, flat=True)
                    .distinct()
                )
                found.update(dict.fromkeys(names, f.storage))
    return dict(sorted(found.items()))


def cooperative_export(*, out: IO[str], using: str = "default") -> ArchiveReport:
    """Write the archive to ``out`` from one consistent snapshot of the database."""
    connection = connections[using]
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(using=using):
        if snapshot:
            # Every table read as of one instant, while the cooperative keeps working.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        tables = cooperative_tables()
        counts = {t.label: t.model._base_manager.using(using).count() for t in tables}
        header = {
            "created_at": timezone.now().isoformat(),
            "software": _software_versions(),
            "database": connection.vendor,
            "migrations": _applied_migrations(using),
            "tables": [{"model": t.label, "count": counts[t.label]} for t in tables],
        }
        first = _dumps(
            {"format": FORMAT, "format_version": FORMAT_VERSION, "header": header},
            sort_keys=False,
        )
        header_line = first[:-1] + ',"tables":['
        out.write(header_line + "\n")
        report = ArchiveReport(format_version=FORMAT_VERSION, created_at=header["created_at"])
        for index, table in enumerate(tables):
            report.tables.append(_export_table(table, out=out, using=using, first=index == 0))
            if report.tables[-1].count != counts[table.label]:
                raise BackupError(
                    _("%(table)s changed while it was exported; run the export again.")
                    % {"table": table.label}
                )
        out.write('],"files":[\n')
        for name, storage in _stored_files(tables, using).items():
            if not storage.exists(name):
                report.missing_files.append(name)  # named in a row, gone from the disk
                continue
            with storage.open(name, "rb") as stream:
                content = stream.read()
            item = FileReport(
                name=name, size=len(content), sha256=hashlib.sha256(content).hexdigest()
            )
            line = _dumps(
                {
                    "name": name,
                    "size": item.size,
                    "sha256": item.sha256,
                    "content": base64.b64encode(content).decode("ascii"),
                }
            )
            out.write(("," if report.files else "") + line + "\n")
            report.files.append(item)
        manifest = {
            "total_rows": report.total_rows,
            "files": len(report.files),
            "missing_files": report.missing_files,
            "sha256": _manifest_digest(
                header_line, report.tables, report.files, report.missing_files
            ),
        }
        out.write('],"manifest":' + _dumps(manifest) + "}\n")
    return report


def _export_table(table: Table, *, out: IO[str], using: str, first: bool) -> TableReport:
    opening = {"model": table.label, "db_table": table.db_table, "columns": table.columns}
    out.write(("" if first else ",") + _dumps(opening, sort_keys=False)[:-1] + ',"rows":[\n')
    digest = hashlib.sha256()
    count = 0
    rows = (
        table.model._base_manager.using(using)
        .order_by(*table.ordering)
        .values_list(*[f.attname for f in table.fields])
        .iterator(chunk_size=CHUNK_ROWS)
    )
    for row in rows:
        line = _dumps(list(row))
        digest.update(line.encode() + b"\n")
        out.write(("," if count else "") + line + "\n")
        count += 1
    sha = digest.hexdigest()
    out.write(f'],"count":{count},"sha256":"{sha}"}}\n')
    return TableReport(label=table.label, count=count, sha256=sha)


def cooperative_export_to_path(*, path: Path, using: str = "default") -> ArchiveReport:
    """Export to a file (gzip-compressed when its name ends in ``.gz``), all or nothing."""
    partial = path.with_name(path.name + ".partial")
    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(partial, "wt", encoding="utf-8") as out:
            report = cooperative_export(out=out, using=using)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return report


def _open_archive(path: Path) -> IO[str]:
    """The archive's text, decompressed when it is gzip (told by its first bytes)."""
    with path.open("rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    if compressed:
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")
