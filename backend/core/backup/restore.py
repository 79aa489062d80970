"""Restoring an archive into an empty database, in one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.db import DatabaseError, connections, models, transaction
from django.utils.translation import gettext as _

from backend.core.backup.archive import (
    CHUNK_ROWS,
    FORMAT_VERSION,
    REFERENCE_MODELS,
    ArchiveReport,
    BackupError,
    Table,
    _applied_migrations,
    _open_archive,
    _stored_files,
    cooperative_tables,
)
from backend.core.backup.reader import _ArchiveReader, cooperative_archive_verify


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
