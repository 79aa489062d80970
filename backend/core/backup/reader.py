"""Reading an archive line by line, checking its layout and every checksum."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from backend.core.backup.archive import (
    FORMAT,
    FORMAT_VERSION,
    SUPPORTED_VERSIONS,
    ArchiveReport,
    BackupError,
    FileReport,
    TableReport,
    _manifest_digest,
    _open_archive,
)


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
