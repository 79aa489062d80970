"""The « Place à l'acte » importer: CSV or GeoJSON, streamed, all-or-nothing, row errors."""

import io
import json
import tracemalloc

import pytest
from django.core.management import call_command

from commons.errors import CommonsError
from commons.models import Entry, EntryRevision
from commons.services.imports import entries_import

pytestmark = pytest.mark.django_db

KINDS = ["outil", "initiative", "action", "idée", "événement"]


def _csv(rows: int, *, bad_every: int = 0) -> bytes:
    lines = ["external_id;type;titre;description;commune;lat;lon;date"]
    for i in range(rows):
        kind = KINDS[i % len(KINDS)]
        date = "2027-03-01T10:00:00+01:00" if kind == "événement" else ""
        title = "" if bad_every and i % bad_every == 0 else f"Entrée {i}"
        lines.append(
            f"pa-{i};{kind};{title};Une entrée importée numéro {i} "
            + "x" * 200
            + f";Gignac;{43 + i / 10000:.5f};{3.5 + i / 10000:.5f};{date}"
        )
    return ("\n".join(lines) + "\n").encode()


def _import_peak(path, **kwargs) -> tuple[object, int]:
    tracemalloc.start()
    with path.open("rb") as handle:
        report = entries_import(actor=None, handle=handle, name=path.name, **kwargs)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return report, peak


def test_five_thousand_rows_stream_with_progress_and_bounded_memory(tmp_path):
    small, big = tmp_path / "small.csv", tmp_path / "place-a-lacte.csv"
    small.write_bytes(_csv(1000).replace(b"pa-", b"small-"))
    content = _csv(5000)
    big.write_bytes(content)
    _report, small_peak = _import_peak(small)
    calls = []
    report, peak = _import_peak(big, progress=lambda d, t: calls.append((d, t)))
    assert report.created == 5000
    assert not report.rejected
    assert Entry.objects.count() == 6000
    assert EntryRevision.objects.count() == 6000
    assert calls[-1] == (5000, 5000)
    assert len(calls) == 10  # one report per batch of 500
    # The file is streamed and written one batch of 500 at a time: five times more rows
    # take barely more memory (the set of external ids seen, for duplicates), whereas
    # holding the file and its parsed rows would more than double the peak.
    assert len(content) > 1_400_000
    assert peak < small_peak * 1.5, (small_peak, peak)


def test_the_command_shows_a_progress_bar_and_a_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_bytes(_csv(1200, bad_every=100))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_place_a_lacte", str(path), "--dry-run", stdout=out, stderr=err)
    assert "DRY RUN" in out.getvalue()
    assert "1200 rows: 1188 created" in out.getvalue()
    assert "100% 1200/1200" in err.getvalue()
    assert not Entry.objects.exists()
    call_command("import_place_a_lacte", str(path), stdout=out, stderr=err)
    assert Entry.objects.count() == 1188
    # Running it again changes nothing.
    out = io.StringIO()
    call_command("import_place_a_lacte", str(path), stdout=out, stderr=err)
    assert "0 created, 0 updated" in out.getvalue()
    assert Entry.objects.count() == 1188


def test_geojson_is_read_feature_by_feature(tmp_path):
    features = [
        {
            "type": "Feature",
            "id": f"geo-{i}",
            "geometry": {"type": "Point", "coordinates": [5.27 + i / 100, 44.27]},
            "properties": {"kind": "initiative", "title": f"Initiative {i}", "commune": "Nyons"},
        }
        for i in range(30)
    ]
    features.append({"type": "Feature", "id": "bad", "geometry": {"type": "Polygon"}})
    path = tmp_path / "entries.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with path.open("rb") as handle:
        report = entries_import(actor=None, handle=handle, name=path.name)
    assert report.created == 30
    assert [r["line"] for r in report.rejected] == [31]
    entry = Entry.objects.get(external_id="geo-3")
    assert (entry.latitude, entry.longitude) == (44.27, 5.30)


def test_a_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    from commons.services import imports

    path = tmp_path / "entries.csv"
    path.write_bytes(_csv(1200))
    calls = {"n": 0}
    original = imports._write

    def failing(batch, report):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(batch, report)

    monkeypatch.setattr(imports, "_write", failing)
    with path.open("rb") as handle, pytest.raises(RuntimeError):
        entries_import(actor=None, handle=handle, name=path.name)
    assert not Entry.objects.exists()


def test_a_file_without_header_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with path.open("rb") as handle, pytest.raises(CommonsError):
        entries_import(actor=None, handle=handle, name=path.name)
