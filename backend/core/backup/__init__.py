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

from backend.core.backup.archive import (
    EXCLUDED_MODELS,
    FORMAT,
    FORMAT_VERSION,
    REFERENCE_MODELS,
    SUPPORTED_VERSIONS,
    ArchiveReport,
    BackupError,
    FileReport,
    Table,
    TableReport,
    _dumps,
    _manifest_digest,
    cooperative_export,
    cooperative_export_to_path,
    cooperative_tables,
)
from backend.core.backup.reader import cooperative_archive_verify
from backend.core.backup.restore import _non_empty_tables, cooperative_import

__all__ = [
    "EXCLUDED_MODELS",
    "FORMAT",
    "FORMAT_VERSION",
    "REFERENCE_MODELS",
    "SUPPORTED_VERSIONS",
    "ArchiveReport",
    "BackupError",
    "FileReport",
    "Table",
    "TableReport",
    "_dumps",
    "_manifest_digest",
    "_non_empty_tables",
    "cooperative_archive_verify",
    "cooperative_export",
    "cooperative_export_to_path",
    "cooperative_import",
    "cooperative_tables",
]
