"""The pioneers' part of a person's data (backend.accounts.privacy).

Erasure deletes the pioneer profile (nothing else points to it) and its photo file, and
empties the texts of the person's applications; their status and the decisions stay.
"""

from django.db import transaction

from backend.accounts.privacy import PrivacySection, Rows, audit_scrub
from backend.core.locks import lock_rows
from pioneers.models import Application, ApplicationDecision, ApplicationScore, Pioneer
from pioneers.visibility import GROUPS


def pioneers_export(user) -> dict[str, Rows]:
    profiles = []
    for p in Pioneer.objects.filter(user=user).prefetch_related("themes", "skills"):
        profiles.append(
            {
                "display_name": p.display_name,
                "solution_title": p.solution_title,
                "solution_description": p.solution_description,
                "photo": p.photo.name if p.photo else "",
                "video_url": p.video_url,
                "website_url": p.website_url,
                "commune": p.commune,
                "postcode": p.postcode,
                "department": p.department,
                "latitude": p.latitude,
                "longitude": p.longitude,
                "contact_email": p.contact_email,
                "themes": [t.slug for t in p.themes.all()],
                "skills": [s.name for s in p.skills.all()],
                "visibility": {group: getattr(p, f"{group}_visibility") for group in GROUPS},
                "created_at": p.created_at,
                "updated_at": p.updated_at,
            }
        )
    applications = list(
        Application.objects.filter(user=user).prefetch_related("themes").order_by("created_at")
    )
    return {
        "pioneer_profile": profiles,
        "pioneer_applications": [
            {
                "id": a.pk,
                "status": a.status,
                "display_name": a.display_name,
                "solution_title": a.solution_title,
                "solution_description": a.solution_description,
                "motivation": a.motivation,
                "commune": a.commune,
                "postcode": a.postcode,
                "video_url": a.video_url,
                "website_url": a.website_url,
                "themes": [t.slug for t in a.themes.all()],
                "created_at": a.created_at,
                "decided_at": a.decided_at,
            }
            for a in applications
        ],
        "application_decisions": [
            {
                "application": d.application_id,
                "outcome": d.outcome,
                "reason": d.reason,
                "when": d.created_at,
            }
            for d in ApplicationDecision.objects.filter(application__in=applications).order_by(
                "created_at", "id"
            )
        ],
        # Marks the person gave as a juror of other applications.
        "scores_given": [
            {
                "application": s.application_id,
                "criterion": s.criterion.slug,
                "value": s.value,
                "note": s.note,
                "updated_at": s.updated_at,
            }
            for s in ApplicationScore.objects.filter(scorer=user)
            .select_related("criterion")
            .order_by("application_id", "criterion__position")
        ],
    }


def pioneers_erase(user) -> dict[str, int]:
    profiles = lock_rows(Pioneer.objects.filter(user=user))
    for pioneer in profiles:
        if pioneer.photo:
            name, storage = pioneer.photo.name, pioneer.photo.storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    scrubbed = audit_scrub(Pioneer, [p.pk for p in profiles])
    Pioneer.objects.filter(pk__in=[p.pk for p in profiles]).delete()
    applications = list(Application.objects.filter(user=user).values_list("pk", flat=True))
    Application.objects.filter(pk__in=applications).update(
        display_name="—",
        solution_title="—",
        solution_description="",
        motivation="",
        commune="",
        postcode="",
        video_url="",
        website_url="",
    )
    scrubbed += audit_scrub(Application, applications)
    return {
        "profile_deleted": len(profiles),
        "applications": len(applications),
        "audit_labels": scrubbed,
    }


SECTION = PrivacySection(name="pioneers", export=pioneers_export, erase=pioneers_erase, order=20)
