"""The one importer (backend/core/imports.py): streaming CSV and GeoJSON rows with their
line numbers, the encodings, the batches and the one transaction."""

import dataclasses
import io
import json

import pytest

from backend.core import imports
from backend.core.errors import ApplicationError
from backend.core.imports import ImportFile, ImportReport, ImportSpec, import_transaction
from backend.core.models import AuditEvent
from backend.core.services import audit_record


class FileError(ApplicationError):
    pass


SPEC = ImportSpec(
    aliases={"external_id": ("external_id", "id"), "title": ("title", "titre")},
    error=FileError,
    header_message="needs a header",
    max_rows=5,
)


def _open(content: bytes, name: str = "f.csv", spec: ImportSpec = SPEC) -> ImportFile:
    return ImportFile.open(io.BytesIO(content), name=name, spec=spec)


def test_csv_rows_carry_the_physical_line_and_the_fields_names():
    source = _open(b'ID;Titre;other\n1;"Un\ntitre";x\n2;Deux;y\n')
    assert (source.format, source.total, source.encoding) == ("csv", 2, "utf-8-sig")
    # The first record spans lines 2-3: it is reported on the line it ends on.
    assert list(source.rows()) == [
        (3, {"external_id": "1", "title": "Un\ntitre"}),
        (4, {"external_id": "2", "title": "Deux"}),
    ]


def test_a_windows_1252_file_is_read_and_an_undecodable_one_refused():
    source = _open("id,titre\n1,Éléphant\n".encode("cp1252"))
    assert source.encoding == "cp1252"
    assert list(source.rows()) == [(2, {"external_id": "1", "title": "Éléphant"})]
    utf8_only = dataclasses.replace(SPEC, encodings=("utf-8-sig",))
    with pytest.raises(FileError) as err:
        _open("id,titre\n1,Éléphant\n".encode("cp1252"), spec=utf8_only)
    assert err.value.code == "import_encoding"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"a,b\n1,2\n", "import_header"),
        (b"id\n1\n2\n3\n4\n5\n6\n", "import_too_big"),
        (b'{"type": "Feature"}', "import_malformed"),
        (b'{"type": "FeatureCollection", "features": [{"id": 1}', "import_malformed"),
    ],
)
def test_a_file_is_refused_whole_with_the_apps_error(content, code):
    with pytest.raises(FileError) as err:
        _open(content, name="f.geojson" if content.startswith(b"{") else "f.csv")
    assert err.value.code == code


def test_geojson_features_are_decoded_one_by_one_across_chunks(monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 16)  # every feature spans several reads
    features = [
        {"type": "Feature", "id": "a", "properties": {"titre": "Un"},
         "geometry": {"type": "Point", "coordinates": [5.3, 44.2]}},
        "not an object",
        {"type": "Feature", "properties": {"id": "c"},
         "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
    ]  # fmt: skip
    content = json.dumps({"type": "FeatureCollection", "features": features}, indent=2)
    source = _open(content.encode(), name="x.json")
    rows = list(source.rows())
    assert source.total == 3
    assert rows[0] == (1, {"title": "Un", "external_id": "a", "longitude": 5.3, "latitude": 44.2})
    assert rows[1][0] == 2
    assert rows[1][1]["_error"]
    assert (rows[2][0], rows[2][1]["external_id"]) == (3, "c")
    assert rows[2][1]["_error"]


def test_batches_keep_the_checked_rows_and_report_the_others_by_line():
    source = _open(b"id,titre\n1,a\n,b\n3,c\n4,d\n5,e\n")
    report = ImportReport(total=source.total)

    def check(line, raw):
        external_id = imports.external_id_of(line, raw, report)
        return None if external_id is None else (line, external_id)

    batches = list(source.batches(check=check, report=report, size=2))
    assert batches == [[(2, "1"), (4, "3")], [(5, "4"), (6, "5")]]
    assert [r["line"] for r in report.rejected] == [3]


def test_progress_is_told_after_each_batch_of_rows_read_and_at_the_end():
    source = _open(b"id\n1\n2\n3\n4\n5\n")
    calls = []
    list(
        source.batches(
            check=lambda line, raw: raw,
            report=ImportReport(),
            size=2,
            progress=lambda done, total: calls.append((done, total)),
        )
    )
    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_the_rejections_beyond_the_limit_are_not_kept():
    report = ImportReport(rejected_limit=2)
    for line in range(5):
        report.reject(line, "bad")
    assert len(report.rejected) == 2


@pytest.mark.django_db
def test_a_dry_run_rolls_everything_back_and_a_real_run_keeps_it():
    with import_transaction(dry_run=True):
        audit_record(actor=None, action="test.import", data={})
        assert AuditEvent.objects.filter(action="test.import").exists()
    assert not AuditEvent.objects.filter(action="test.import").exists()
    with import_transaction(dry_run=False):
        audit_record(actor=None, action="test.import", data={})
    assert AuditEvent.objects.filter(action="test.import").count() == 1


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_nothing():
    def run() -> None:
        with import_transaction(dry_run=False):
            audit_record(actor=None, action="test.import", data={})
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        run()
    assert not AuditEvent.objects.filter(action="test.import").exists()
