"""Export the whole cooperative to one versioned JSON archive, and restore it.

The archive is a single JSON document laid out one row per line, so that both sides
stream it: the export reads each table in chunks through a server-side cursor and
writes as it goes, the import reads it line by line (twice: once to verify every
checksum before touching the database, once to write). A million rows never sit in
memory at once. The layout, which any JSON reader also accepts whole::

    {"format":"terreau-cooperative-archive","format_version":1,"header":{...},"tables":[
    {"model":"governance.college","db_table":"governance_college","columns":[...],"rows":[
    [1,"Fondateurs",...]
    ,[2,"Bénéficiaires",...]
    ],"count":2,"sha256":"..."}
    ,{"model":...
    ],"files":[
    {"content":"<base64>","name":"pioneers/photos/a.jpg","sha256":"...","size":48213}
    ],"manifest":{"files":1,"missing_files":[],"sha256":"...","total_rows":...}}

``header`` holds the creation time, the software versions, the applied migrations and
each table's row count; each table ends with the SHA-256 of its row lines; the
uploaded files the rows name follow, each with its own SHA-256; the manifest's SHA-256
covers the header line, every table's count and checksum and every file's.

Rows are read and written as raw column values (``values_list`` out, parameterised
``INSERT`` in), not through ``Model.save``: nothing is re-stamped (``auto_now``), no
signal fires, and primary keys come back exactly. Restoring history rows that the
PostgreSQL triggers guard (closed ballots, transfers, payments) is the one write those
triggers must let through, so the import switches them off inside its transaction and
switches them on again before it commits.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import gzip
import hashlib
import json
import platform
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.db import DatabaseError, connections, models, transaction
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


# -- reading ----------------------------------------------------------------------------


@dataclass
class _TableBlock:
    label: str
    db_table: str
    columns: list[str]
    rows: Iterator[list[Any]]


class _ArchiveReader:
    """Walks an archive's lines, checking the layout and every checksum on the way."""

    def __init__(self, lines: Iterator[str], *, parse_rows: bool = True) -> None:
        self.lines = lines
        # Verifying needs only the checksums: parsing each row is the restore's work.
        self.parse_rows = parse_rows
        self.number = 0
        self.header: dict[str, Any] = {}
        self.header_line = ""
        self.tables: list[TableReport] = []
        self.files: list[FileReport] = []
        self.missing_files: list[str] = []
        self._at_files = False

    def _next(self) -> str:
        self.number += 1
        try:
            line = next(self.lines)
        except StopIteration:
            raise self._damaged() from None
        except (OSError, EOFError, UnicodeDecodeError, zlib.error):
            # A truncated or corrupted gzip stream, or bytes that are not UTF-8.
            raise self._damaged() from None
        return line.rstrip("\n")

    def _damaged(self) -> BackupError:
        return BackupError(
            _("The file is not a complete Terreau archive (unexpected content at line %(n)s).")
            % {"n": self.number}
        )

    def read_header(self) -> dict[str, Any]:
        line = self._next()
        suffix = ',"tables":['
        if not line.startswith('{"format":') or not line.endswith(suffix):
            raise BackupError(_("The file is not a Terreau cooperative archive."))
        try:
            document = json.loads(line[: -len(suffix)] + "}")
        except ValueError:
            raise self._damaged() from None
        if document.get("format") != FORMAT:
            raise BackupError(_("The file is not a Terreau cooperative archive."))
        version = document.get("format_version")
        if version not in SUPPORTED_VERSIONS:
            raise BackupError(
                _(
                    "This archive has format version %(version)s; this Terreau reads "
                    "version %(supported)s only."
                )
                % {
                    "version": version,
                    "supported": ", ".join(str(v) for v in sorted(SUPPORTED_VERSIONS)),
                }
            )
        self.header_line = line
        self.header = document["header"]
        return self.header

    def tables_blocks(self) -> Iterator[_TableBlock]:
        first = True
        while True:
            line = self._next()
            if line == '],"files":[':
                self._at_files = True
                return
            if not first:
                if not line.startswith(","):
                    raise self._damaged()
                line = line[1:]
            first = False
            suffix = ',"rows":['
            if not line.endswith(suffix):
                raise self._damaged()
            try:
                opening = json.loads(line[: -len(suffix)] + "}")
            except ValueError:
                raise self._damaged() from None
            block = _TableBlock(
                label=opening["model"],
                db_table=opening["db_table"],
                columns=opening["columns"],
                rows=iter(()),
            )
            block.rows = self._rows(block)
            yield block
            for _row in block.rows:  # the caller may skip a table: read it anyway
                pass

    def _rows(self, block: _TableBlock) -> Iterator[list[Any]]:
        digest = hashlib.sha256()
        count = 0
        while True:
            line = self._next()
            if line.startswith('],"count":'):
                break
            if count:
                if not line.startswith(","):
                    raise self._damaged()
                line = line[1:]
            digest.update(line.encode() + b"\n")
            count += 1
            if not self.parse_rows:
                continue
            try:
                row = json.loads(line)
            except ValueError:
                raise self._damaged() from None
            if not isinstance(row, list) or len(row) != len(block.columns):
                raise self._damaged()
            yield row
        try:
            closing = json.loads("{" + line[2:])
        except ValueError:
            raise self._damaged() from None
        sha = digest.hexdigest()
        if closing.get("count") != count or closing.get("sha256") != sha:
            raise BackupError(
                _(
                    "The archive is damaged: the rows of %(table)s do not match their "
                    "checksum (%(count)s rows read)."
                )
                % {"table": block.label, "count": count}
            )
        self.tables.append(TableReport(label=block.label, count=count, sha256=sha))

    def stored_files(self) -> Iterator[tuple[str, bytes]]:
        """The uploaded files after the tables (read ``tables_blocks`` first)."""
        if not self._at_files:
            raise self._damaged()
        while True:
            line = self._next()
            if line.startswith('],"manifest":'):
                self._check_manifest(line)
                return
            if self.files:
                if not line.startswith(","):
                    raise self._damaged()
                line = line[1:]
            try:
                item = json.loads(line)
                content = base64.b64decode(item["content"], validate=True)
            except (ValueError, KeyError, TypeError):
                raise self._damaged() from None
            sha = hashlib.sha256(content).hexdigest()
            if item.get("sha256") != sha or item.get("size") != len(content):
                raise BackupError(
                    _("The archive is damaged: the file %(name)s does not match its checksum.")
                    % {"name": item.get("name")}
                )
            self.files.append(FileReport(name=item["name"], size=len(content), sha256=sha))
            yield item["name"], content

    def _check_manifest(self, line: str) -> None:
        try:
            manifest = json.loads(line[len('],"manifest":') : -1])
        except ValueError:
            raise self._damaged() from None
        expected = {t["model"]: t["count"] for t in self.header.get("tables", [])}
        found = {t.label: t.count for t in self.tables}
        self.missing_files = list(manifest.get("missing_files", []))
        digest = _manifest_digest(self.header_line, self.tables, self.files, self.missing_files)
        if (
            manifest.get("sha256") != digest
            or manifest.get("total_rows") != sum(found.values())
            or manifest.get("files", 0) != len(self.files)
            or expected != found
        ):
            raise BackupError(_("The archive is damaged: its manifest does not match its tables."))
        try:
            trailing = next(self.lines, "")
        except (OSError, EOFError, UnicodeDecodeError, zlib.error):
            raise self._damaged() from None
        if trailing.strip():
            raise self._damaged()


# -- import ---------------------------------------------------------------------------


def cooperative_archive_verify(*, path: Path) -> ArchiveReport:
    """Read the whole archive and check its format, version and every checksum."""
    with _open_archive(path) as stream:
        reader = _ArchiveReader(iter(stream), parse_rows=False)
        header = reader.read_header()
        for _block in reader.tables_blocks():
            pass
        for _file in reader.stored_files():
            pass
    return ArchiveReport(
        format_version=FORMAT_VERSION,
        created_at=header["created_at"],
        tables=reader.tables,
        files=reader.files,
        missing_files=reader.missing_files,
    )


def _schema_problems(header: dict[str, Any], using: str) -> list[str]:
    here = _applied_migrations(using)
    there = header.get("migrations", {})
    flat_here = {f"{app}.{name}" for app, names in here.items() for name in names}
    flat_there = {f"{app}.{name}" for app, names in there.items() for name in names}
    problems = []
    if missing := sorted(flat_there - flat_here):
        problems.append(
            _("migrations in the archive but not applied here: %(list)s")
            % {"list": ", ".join(missing)}
        )
    if extra := sorted(flat_here - flat_there):
        problems.append(
            _("migrations applied here but not in the archive: %(list)s")
            % {"list": ", ".join(extra)}
        )
    return problems


def _non_empty_tables(tables: list[Table], using: str) -> list[str]:
    return [
        t.label
        for t in tables
        if t.label not in REFERENCE_MODELS and t.model._base_manager.using(using).exists()
    ]


def _user_trigger_tables(using: str, tables: list[Table]) -> list[str]:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relname = ANY(%s) "
            "AND pg_table_is_visible(c.oid) ORDER BY c.relname",
            [[t.db_table for t in tables]],
        )
        return [row[0] for row in cursor.fetchall()]


def _converters(table: Table, columns: list[str], using: str) -> list[Callable[[Any], Any]]:
    connection = connections[using]
    by_column = {f.column: f for f in table.fields}

    def converter(f: models.Field) -> Callable[[Any], Any]:
        def convert(value: Any) -> Any:
            if value is None:
                return None
            return f.get_db_prep_save(f.to_python(value), connection)

        return convert

    return [converter(by_column[c]) for c in columns]


def cooperative_import(*, path: Path, using: str = "default") -> ArchiveReport:
    """Restore the archive at ``path`` into this empty database, in one transaction.

    Refuses, changing nothing, a file that is not an archive, an unknown format
    version, a checksum that does not match, an archive of another schema, or a
    database that already holds the cooperative's data.
    """
    verified = cooperative_archive_verify(path=path)
    tables = {t.label: t for t in cooperative_tables()}
    with _open_archive(path) as stream:
        reader = _ArchiveReader(iter(stream))
        header = reader.read_header()
        if problems := _schema_problems(header, using):
            raise BackupError(
                _(
                    "The archive was made with another database schema (%(problems)s). "
                    "Restore it with the Terreau version that made it (%(version)s), "
                    "then migrate."
                )
                % {
                    "problems": "; ".join(problems),
                    "version": header.get("software", {}).get("terreau", "?"),
                }
            )
        unknown = [t["model"] for t in header["tables"] if t["model"] not in tables]
        if unknown:
            raise BackupError(
                _("The archive holds tables this Terreau does not know: %(list)s.")
                % {"list": ", ".join(unknown)}
            )
        with transaction.atomic(using=using):
            if occupied := _non_empty_tables(list(tables.values()), using):
                raise BackupError(
                    _(
                        "The database is not empty (%(tables)s already hold rows). "
                        "import_cooperative restores only into a freshly migrated database."
                    )
                    % {"tables": ", ".join(occupied[:5]) + ("…" if len(occupied) > 5 else "")}
                )
            _restore(reader, tables=tables, using=using)
            if (reader.tables, reader.files) != (verified.tables, verified.files):
                raise BackupError(_("The archive changed while it was being restored."))
        ContentType.objects.clear_cache()
    return ArchiveReport(
        format_version=FORMAT_VERSION,
        created_at=header["created_at"],
        tables=reader.tables,
        files=reader.files,
        missing_files=reader.missing_files,
    )


def _insert(cursor, connection, db_table: str, columns: list[str], rows: list[list[Any]]) -> None:
    quote = connection.ops.quote_name
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    cursor.execute(
        "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608 (quoted names, values bound)
            quote(db_table), ", ".join(quote(c) for c in columns), ", ".join([one_row] * len(rows))
        ),
        [value for row in rows for value in row],
    )


def _file_restore(storage: Storage, name: str, content: bytes) -> None:
    if storage.exists(name):
        with storage.open(name, "rb") as stream:
            if hashlib.sha256(stream.read()).digest() == hashlib.sha256(content).digest():
                return
        storage.delete(name)
    if storage.save(name, ContentFile(content)) != name:
        raise BackupError(
            _("The file %(name)s could not be restored under its own name.") % {"name": name}
        )


def _restore(reader: _ArchiveReader, *, tables: dict[str, Table], using: str) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    guarded = _user_trigger_tables(using, list(tables.values()))
    connection.ensure_connection()
    # A cursor that keeps no copy of each statement even with DEBUG on: a million-row
    # restore would otherwise hold thousands of multi-row INSERTs in memory.
    with connection.make_cursor(connection.create_cursor()) as cursor:
        for name in guarded:
            # Owner's right, undone before commit (and by the rollback on failure).
            try:
                cursor.execute(f"ALTER TABLE {quote(name)} DISABLE TRIGGER USER")
            except DatabaseError as error:
                raise BackupError(
                    _(
                        "The database user cannot restore %(table)s: it must own the tables "
                        "(restore as the user that ran the migrations). %(error)s"
                    )
                    % {"table": name, "error": error}
                ) from error
        for table in reversed(list(tables.values())):
            if table.label in REFERENCE_MODELS:
                cursor.execute(f"DELETE FROM {quote(table.db_table)}")  # noqa: S608
        for block in reader.tables_blocks():
            table = tables[block.label]
            if sorted(block.columns) != sorted(table.columns):
                raise BackupError(
                    _("The columns of %(table)s in the archive differ from this database's.")
                    % {"table": block.label}
                )
            converters = _converters(table, block.columns, using)
            # Many rows per INSERT (one round trip each), within the backend's parameter cap.
            cap = connection.features.max_query_params or 65535
            per_statement = max(1, min(CHUNK_ROWS // 4, cap // len(block.columns)))
            chunk: list[list[Any]] = []
            for row in block.rows:
                chunk.append([convert(v) for convert, v in zip(converters, row, strict=True)])
                if len(chunk) >= per_statement:
                    _insert(cursor, connection, table.db_table, block.columns, chunk)
                    chunk = []
            if chunk:
                _insert(cursor, connection, table.db_table, block.columns, chunk)
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [t.model for t in tables.values()]
        ):
            cursor.execute(statement)
        connection.check_constraints(table_names=[t.db_table for t in tables.values()])
        storages = _stored_files(list(tables.values()), using)
        for name, content in reader.stored_files():
            # Written before the commit: if the restore fails after, they are mere orphans.
            _file_restore(storages.get(name, default_storage), name, content)
        for name in guarded:
            cursor.execute(f"ALTER TABLE {quote(name)} ENABLE TRIGGER USER")
    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        # Models the archive's Terreau did not have yet get their types and permissions.
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
