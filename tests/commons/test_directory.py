"""« Place à l'acte »: entries with history, reports that hide at the threshold, moderation."""

import pytest

from backend.core.models import AuditEvent
from commons.errors import CommonsError
from commons.models import Entry, EntryReport, EntryRevision, EntryStatus
from commons.services.directory import entry_create, entry_moderate, entry_report, entry_update
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db

DATA = {
    "kind": "action",
    "title": "Nettoyage des berges de l'Hérault",
    "description": "Journées collectives.",
    "commune": "Gignac",
    "postcode": "34150",
    "latitude": 43.6522,
    "longitude": 3.5514,
}


@pytest.fixture
def entry(user_factory):
    return entry_create(actor=user_factory(email="auteur@example.org"), data=DATA)


def test_edits_keep_the_history_and_name_their_editor(entry, user_factory):
    editor = user_factory(email="editrice@example.org")
    entry_update(actor=editor, entry=entry, data={**DATA, "title": "Nettoyage du fleuve"})
    entry.refresh_from_db()
    assert entry.version == 2
    assert entry.updated_by == editor
    versions = list(EntryRevision.objects.filter(entry=entry).order_by("version"))
    assert [v.data["title"] for v in versions] == [DATA["title"], "Nettoyage du fleuve"]
    assert versions[1].editor == editor


def test_an_entry_needs_a_place_and_an_event_its_date(user_factory):
    author = user_factory()
    with pytest.raises(CommonsError) as err:
        entry_create(actor=author, data={"kind": "idea", "title": "Sans lieu"})
    assert "commune" in err.value.errors
    with pytest.raises(CommonsError) as err:
        entry_create(actor=author, data={"kind": "event", "title": "Fête", "commune": "Nyons"})
    assert "starts_at" in err.value.errors
    assert not Entry.objects.exists()


def test_three_reports_hide_an_entry_at_once(entry, user_factory, client):
    readers = [user_factory() for _ in range(3)]
    entry_report(actor=readers[0], entry=entry, reason="spam")
    entry_report(actor=readers[1], entry=entry, reason="wrong")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.VISIBLE
    assert entry.report_count == 2
    entry_report(actor=readers[2], entry=entry, reason="spam")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.HIDDEN
    assert entry.report_count == 3
    assert client.get(f"/place-a-lacte/{entry.pk}/").status_code == 404
    assert entry.title not in client.get("/place-a-lacte/").content.decode()
    assert client.get("/api/v1/directory/entries/").json()["count"] == 0
    assert AuditEvent.objects.filter(action="commons.entry_hide").count() == 1


def test_one_report_per_person_and_none_on_a_hidden_entry(entry, user_factory):
    reader = user_factory()
    entry_report(actor=reader, entry=entry, reason="spam")
    with pytest.raises(CommonsError) as err:
        entry_report(actor=reader, entry=entry, reason="spam")
    assert err.value.code == "already_reported"
    entry.refresh_from_db()
    assert entry.report_count == 1
    assert EntryReport.objects.count() == 1


def test_restore_starts_a_new_count_and_remove_needs_a_reason(entry, user_factory, coordinator):
    readers = [user_factory() for _ in range(3)]
    for reader in readers:
        entry_report(actor=reader, entry=entry, reason="spam")
    with pytest.raises(CommonsError):
        entry_moderate(actor=readers[0], entry=entry, action="restored", reason="Non")
    with pytest.raises(CommonsError) as err:
        entry_moderate(actor=coordinator, entry=entry, action="removed", reason=" ")
    assert "reason" in err.value.errors
    entry_moderate(actor=coordinator, entry=entry, action="restored", reason="Vérifié")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.VISIBLE
    assert entry.report_count == 0
    # The same readers may report again in the new round.
    entry_report(actor=readers[0], entry=entry, reason="wrong")
    entry.refresh_from_db()
    assert entry.report_count == 1
    entry_moderate(actor=coordinator, entry=entry, action="removed", reason="Publicité")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED


def test_reporters_are_rate_limited(entry, user_factory, client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "directory_reports": "2/hour",
        },
    }
    from commons.throttles import DirectoryReportRateThrottle

    DirectoryReportRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        reader = user_factory()
        client.force_login(reader)
        others = [entry_create(actor=reader, data={**DATA, "title": f"E{i}"}) for i in range(3)]
        codes = [
            client.post(f"/place-a-lacte/{e.pk}/signaler/", {"reason": "spam"}).status_code
            for e in others
        ]
        assert codes == [302, 302, 429]
        assert EntryReport.objects.filter(reporter=reader).count() == 2
    finally:
        from rest_framework.settings import api_settings

        DirectoryReportRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_a_pioneer_page_lists_their_entries(user_factory, pioneer_factory, client):
    pioneer = pioneer_factory()
    entry_create(actor=user_factory(), data=DATA, pioneer_ids=[pioneer.pk])
    html = client.get(f"/pionniers/{pioneer.pk}/").content.decode()
    assert "Nettoyage des berges" in html


def test_the_map_serves_visible_entries_as_geojson(entry, client):
    data = client.get("/api/v1/directory/map/").json()
    assert data["type"] == "FeatureCollection"
    assert data["features"][0]["geometry"]["coordinates"] == [3.5514, 43.6522]
    assert client.get("/place-a-lacte/carte/").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_are_counted_exactly(user_factory):
    entry = entry_create(actor=user_factory(), data=DATA)
    readers = [user_factory() for _ in range(8)]
    results = run_concurrently(
        [(lambda r=r: entry_report(actor=r, entry=entry, reason="spam")) for r in readers]
    )
    entry.refresh_from_db()
    succeeded = [r for r in results if isinstance(r, EntryReport)]
    refused = [r for r in results if isinstance(r, CommonsError)]
    # Exactly three reports count: the third hides the entry, the others are refused.
    assert len(succeeded) == 3, results
    assert len(refused) == 5, results
    assert entry.report_count == 3 == EntryReport.objects.filter(entry=entry).count()
    assert entry.status == EntryStatus.HIDDEN
