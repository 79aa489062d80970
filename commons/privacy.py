"""The commons' part of a person's data (backend.accounts.privacy).

Erasure keeps what the person gave to the commons under an open licence (suggested
resources, directory entries and their history, reviews behind published decisions: the
person then reads « Deleted member »), keeps the counts that feedback and reports feed
(ratings, the report count that hides an entry), and removes the free text that could
name or describe them: feedback comments and report details. A seat on the committee
ends.
"""

from django.utils import timezone

from backend.accounts.privacy import PrivacySection, Rows
from commons.models import (
    CommitteeMember,
    Entry,
    EntryReport,
    EntryRevision,
    Resource,
    ResourceFeedback,
    Review,
)


def commons_export(user) -> dict[str, Rows]:
    return {
        "suggested_resources": [
            {"title": r.title, "status": r.status, "created_at": r.created_at}
            for r in Resource.objects.filter(submitted_by=user).order_by("created_at", "id")
        ],
        "resource_feedback": [
            {
                "resource": f.resource.title,
                "used": f.used,
                "rating": f.rating,
                "comment": f.comment,
                "created_at": f.created_at,
            }
            for f in ResourceFeedback.objects.filter(user=user)
            .select_related("resource")
            .order_by("created_at", "id")
        ],
        "committee_seats": [
            {"appointed_at": s.appointed_at, "ended_at": s.ended_at}
            for s in CommitteeMember.objects.filter(user=user).order_by("appointed_at", "id")
        ],
        "resource_reviews": [
            {
                "resource": r.resource.title,
                "round": r.review_round,
                "recommendation": r.recommendation,
                "comment": r.comment,
                "created_at": r.created_at,
            }
            for r in Review.objects.filter(reviewer=user)
            .select_related("resource")
            .order_by("created_at", "id")
        ],
        "directory_entries": [
            {"title": e.title, "kind": e.kind, "created_at": e.created_at}
            for e in Entry.objects.filter(created_by=user).order_by("created_at", "id")
        ],
        "directory_edits": [
            {"entry": r.entry.title, "version": r.version, "created_at": r.created_at}
            for r in EntryRevision.objects.filter(editor=user)
            .select_related("entry")
            .order_by("created_at", "id")
        ],
        "directory_reports": [
            {
                "entry": r.entry.title,
                "reason": r.reason,
                "details": r.details,
                "created_at": r.created_at,
            }
            for r in EntryReport.objects.filter(reporter=user)
            .select_related("entry")
            .order_by("created_at", "id")
        ],
    }


def commons_erase(user) -> dict[str, int]:
    return {
        "feedback_comments": ResourceFeedback.objects.filter(user=user)
        .exclude(comment="")
        .update(comment=""),
        "report_details": EntryReport.objects.filter(reporter=user)
        .exclude(details="")
        .update(details=""),
        "committee_seats_ended": CommitteeMember.objects.filter(
            user=user, ended_at__isnull=True
        ).update(ended_at=timezone.now()),
    }


SECTION = PrivacySection(name="commons", export=commons_export, erase=commons_erase, order=40)
