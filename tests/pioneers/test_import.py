import csv
import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from backend.core.models import AuditEvent
from pioneers.errors import PioneersError
from pioneers.models import ImportJob, Pioneer
from pioneers.services import pioneers_import

pytestmark = pytest.mark.django_db

HEADER = [
    "external_id",
    "display_name",
    "solution_title",
    "description",
    "commune",
    "postcode",
    "latitude",
    "longitude",
    "themes",
    "skills",
]


def _csv(rows: list[list], header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _row(i: int, **changes) -> list:
    row = {
        "external_id": f"opala-{i}",
        "display_name": f"Porteur {i}",
        "solution_title": f"Initiative {i}",
        "description": "Une initiative filmée",
        "commune": "Limoges",
        "postcode": "87000",
        "latitude": f"{45.8 + (i % 100) / 1000:.4f}",
        "longitude": "1.2611",
        "themes": "alimentation;Énergie",
        "skills": "compost|vélo",
    }
    row.update(changes)
    return [row[k] for k in HEADER]


def test_good_rows_are_imported_and_bad_rows_reported_by_line():
    content = _csv(
        [
            _row(1),
            _row(2, latitude="95"),
            _row(3, external_id=""),
            _row(4, themes="astrologie"),
            _row(5, display_name=""),
            _row(1, display_name="Doublon"),
            _row(6, postcode="5100"),  # a spreadsheet dropped the leading zero: 05100
        ]
    )
    report = pioneers_import(actor=None, content=content, name="catalogue.csv")
    assert (report.total, report.created, report.updated) == (7, 2, 0)
    rejected = {r["line"]: r["reason"] for r in report.rejected}
    assert sorted(rejected) == [3, 4, 5, 6, 7]
    assert "latitude" in rejected[3]
    assert "extern" in rejected[4]
    assert "astrologie" in rejected[5]
    assert "display_name" in rejected[6]
    assert "line 2" in rejected[7] or "ligne 2" in rejected[7]
    pioneer = Pioneer.objects.get(external_id="opala-1")
    assert pioneer.department == "87"
    assert sorted(pioneer.themes.values_list("slug", flat=True)) == ["alimentation", "energie"]
    assert sorted(pioneer.skills.values_list("slug", flat=True)) == ["compost", "velo"]
    assert Pioneer.objects.get(external_id="opala-6").postcode == "05100"
    assert AuditEvent.objects.get(action="pioneer.import").data["created"] == 2


def test_a_second_run_is_idempotent_and_a_changed_row_updates_the_same_profile():
    content = _csv([_row(1), _row(2)])
    pioneers_import(actor=None, content=content)
    ids = set(Pioneer.objects.values_list("id", flat=True))
    again = pioneers_import(actor=None, content=content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = pioneers_import(
        actor=None,
        content=_csv([_row(1, solution_title="Nouveau titre", themes="mobilite"), _row(2)]),
    )
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert set(Pioneer.objects.values_list("id", flat=True)) == ids
    pioneer = Pioneer.objects.get(external_id="opala-1")
    assert pioneer.solution_title == "Nouveau titre"
    assert list(pioneer.themes.values_list("slug", flat=True)) == ["mobilite"]


def test_a_dry_run_reports_the_same_and_writes_nothing():
    content = _csv([_row(1), _row(2, latitude="x")])
    report = pioneers_import(actor=None, content=content, dry_run=True)
    assert (report.created, len(report.rejected)) == (1, 1)
    assert not Pioneer.objects.exists()
    assert not AuditEvent.objects.filter(action="pioneer.import").exists()


def test_geojson_features():
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "f-1",
                "geometry": {"type": "Point", "coordinates": [3.5514, 43.6522]},
                "properties": {
                    "name": "Cédric",
                    "title": "Nettoyer les berges",
                    "commune": "Gignac",
                    "code_postal": "34150",
                    "themes": ["acidification-oceans"],
                },
            },
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": []}},
            {"type": "Feature", "id": "f-3", "geometry": None, "properties": {"name": "Sans"}},
        ],
    }
    report = pioneers_import(actor=None, content=json.dumps(data).encode(), name="x.geojson")
    assert report.created == 1
    assert [r["line"] for r in report.rejected] == [2, 3]
    pioneer = Pioneer.objects.get(external_id="f-1")
    assert (pioneer.latitude, pioneer.longitude) == (43.6522, 3.5514)


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"type": "Feature"}', b"\xff\xfe\x00bad", b"a,b,c\n1,2,3\n"],
)
def test_an_unreadable_file_is_refused_whole(content):
    with pytest.raises(PioneersError):
        pioneers_import(
            actor=None, content=content, name="f.geojson" if b"{" in content else "f.csv"
        )
    assert not Pioneer.objects.exists()


def test_two_thousand_rows(tmp_path):
    path = tmp_path / "catalogue.csv"
    rows = [_row(i) for i in range(2000)]
    rows[1500] = _row(1500, longitude="200")
    path.write_bytes(_csv(rows))
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    call_command("import_pioneers", str(path), stdout=out, stderr=err)
    elapsed = time.monotonic() - started
    assert Pioneer.objects.count() == 1999
    assert "line 1502: longitude" in out.getvalue()
    assert "1999 created" in out.getvalue()
    assert "100% 2000/2000" in err.getvalue()  # the progress bar
    assert elapsed < 30
    # the same file again changes nothing
    out = io.StringIO()
    call_command("import_pioneers", str(path), stdout=out, stderr=io.StringIO())
    assert "0 created, 0 updated, 1999 unchanged" in out.getvalue()


def test_the_command_dry_run_and_errors(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(_csv([_row(1)]))
    out = io.StringIO()
    call_command("import_pioneers", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "DRY RUN" in out.getvalue()
    assert not Pioneer.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_pioneers", str(tmp_path / "absent.csv"), stderr=io.StringIO())
    (tmp_path / "bad.geojson").write_text("[]")
    with pytest.raises(CommandError):
        call_command("import_pioneers", str(tmp_path / "bad.geojson"), stderr=io.StringIO())


# ---------------------------------------------------------------- the coordinator's upload


def test_the_coordinator_uploads_and_follows_the_progress(
    coordinator_client, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("catalogue.csv", _csv([_row(1), _row(2, latitude="x")]))
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post("/pionniers/import/", {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pionniers/import/{job.pk}/"
    assert (job.status, job.created_count, job.processed_rows, job.total_rows) == ("done", 1, 2, 2)
    assert job.rejected[0]["line"] == 3
    page = coordinator_client.get(f"/pionniers/import/{job.pk}/").content.decode()
    assert "hx-trigger" not in page  # finished: the page stops polling
    partial = coordinator_client.get(f"/pionniers/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert Pioneer.objects.count() == 1


def test_a_running_import_page_polls(coordinator_client, coordinator):
    job = ImportJob.objects.create(original_name="x.csv", created_by=coordinator, total_rows=10)
    page = coordinator_client.get(f"/pionniers/import/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page


def test_an_upload_of_the_wrong_kind_rerenders(coordinator_client):
    response = coordinator_client.post(
        "/pionniers/import/", {"file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert response.status_code == 400
    assert "Envoyez un fichier .csv ou .geojson." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_failed_import_is_recorded(coordinator_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            "/pionniers/import/", {"file": SimpleUploadedFile("x.geojson", b"{oops")}
        )
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.error


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("member", 403)])
def test_only_the_coordinator_imports(client, member, who, status):
    if who == "member":
        client.force_login(member)
    response = client.post(
        "/pionniers/import/", {"file": SimpleUploadedFile("c.csv", _csv([_row(1)]))}
    )
    assert response.status_code == status
    assert not ImportJob.objects.exists()
    assert client.get("/pionniers/import/").status_code == status


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_an_upload_runs_in_a_real_worker_and_a_second_delivery_does_nothing(coordinator):
    from celery.contrib.testing.worker import start_worker

    from backend.celery import app
    from pioneers.services import import_job_create
    from pioneers.tasks import import_job_execute

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        # autocommit: the task is queued at once; a redelivery of it must change nothing
        job = import_job_create(
            actor=coordinator,
            # no themes: a transactional test may run after a flush emptied the seeded ones
            upload=SimpleUploadedFile("w.csv", _csv([_row(i, themes="") for i in range(50)])),
        )
        assert import_job_execute.delay(job.pk).get(timeout=60) == "done"
    job.refresh_from_db()
    assert (job.status, job.created_count, job.processed_rows) == ("done", 50, 50)
    assert Pioneer.objects.count() == 50
