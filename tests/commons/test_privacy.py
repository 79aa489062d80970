"""The commons in a person's data: exported in full, erased where it could name them."""

import pytest

from backend.accounts.privacy import personal_data_collect
from commons.models import CommitteeMember, EntryReport, Resource
from commons.privacy import commons_erase
from commons.services.committee import committee_member_appoint
from commons.services.directory import entry_create, entry_report

pytestmark = pytest.mark.django_db


def _entry(actor, title="Répar'Café"):
    return entry_create(actor=actor, data={"kind": "initiative", "title": title, "commune": "Die"})


def test_the_export_holds_suggestions_seats_entries_and_reports(
    suggest, author, coordinator, user_factory
):
    suggest(title="Énergies renouvelables citoyennes")
    committee_member_appoint(actor=coordinator, user=author)
    entry = _entry(author)
    reader = user_factory()
    entry_report(actor=reader, entry=entry, reason="spam", details="Publicité pour mon voisin")

    mine = personal_data_collect(user=author)["commons"]
    assert [r["title"] for r in mine["suggested_resources"]] == [
        "Énergies renouvelables citoyennes"
    ]
    assert len(mine["committee_seats"]) == 1
    assert [e["title"] for e in mine["directory_entries"]] == ["Répar'Café"]
    theirs = personal_data_collect(user=reader)["commons"]
    assert theirs["directory_reports"][0]["details"] == "Publicité pour mon voisin"
    assert theirs["suggested_resources"] == []


def test_erasure_removes_free_text_keeps_counts_and_ends_the_seat(
    suggest, author, coordinator, user_factory
):
    suggest(title="Jardins partagés")
    committee_member_appoint(actor=coordinator, user=author)
    entry = _entry(coordinator)
    entry_report(actor=author, entry=entry, reason="spam", details="Mon adresse : 3 rue…")

    assert commons_erase(author) == {
        "feedback_comments": 0,
        "report_details": 1,
        "committee_seats_ended": 1,
    }
    report = EntryReport.objects.get(reporter=author)
    assert report.details == ""
    assert EntryReport.objects.filter(entry=entry).count() == 1  # the count that hides stays
    assert CommitteeMember.objects.get(user=author).ended_at is not None
    assert Resource.objects.filter(submitted_by=author).count() == 1  # given to the commons
