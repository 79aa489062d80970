"""The projects' part of a person's data (backend.accounts.privacy).

Projects are common works: erasure keeps them, the person's comments and concern flags
(the counts and the ranking stay right); their author then reads "Deleted member"
(``User.display_name``). Only the texts of the person's reports go.
"""

from django.db.models import Q

from backend.accounts.privacy import PrivacySection, Rows
from projects.models import Comment, CommentReport, ConcernFlag, Project, ProjectUpdate


def projects_export(user) -> dict[str, Rows]:
    return {
        "projects_authored": [
            {
                "id": p.pk,
                "title": p.title,
                "slug": p.slug,
                "status": p.status,
                "summary": p.summary,
                "description": p.description,
                "estimated_cost_cents": p.estimated_cost_cents,
                "self_financing_cents": p.self_financing_cents,
                "needed_minutes": p.needed_minutes,
                "needs_note": p.needs_note,
                "needs": [
                    {"skill": n.skill.name, "minutes_wanted": n.minutes_wanted}
                    for n in p.needs.all()
                ],
                "proposed_by_me": p.created_by_id == user.pk,
                "created_at": p.created_at,
            }
            for p in Project.objects.filter(Q(authors=user) | Q(created_by=user))
            .prefetch_related("needs__skill")
            .distinct()
            .order_by("created_at", "id")
        ],
        "comments": [
            {
                "project": c.project.title,
                "body": c.body,
                "reply_to": c.parent_id,
                "created_at": c.created_at,
                "edited_at": c.edited_at,
                "hidden_at": c.hidden_at,
                "hidden_reason": c.hidden_reason,
            }
            for c in Comment.objects.filter(author=user)
            .select_related("project")
            .order_by("created_at", "id")
        ],
        "comment_reports": [
            {"comment": r.comment_id, "reason": r.reason, "created_at": r.created_at}
            for r in CommentReport.objects.filter(reporter=user).order_by("created_at", "id")
        ],
        "concern_flags": [
            {"project": f.project.title, "created_at": f.created_at}
            for f in ConcernFlag.objects.filter(user=user)
            .select_related("project")
            .order_by("created_at", "id")
        ],
        "project_updates": [
            {
                "project": u.project.title,
                "text": u.text,
                "progress_percent": u.progress_percent,
                "created_at": u.created_at,
            }
            for u in ProjectUpdate.objects.filter(author=user)
            .select_related("project")
            .order_by("created_at", "id")
        ],
    }


def projects_erase(user) -> dict[str, int]:
    return {"report_reasons": CommentReport.objects.filter(reporter=user).update(reason="—")}


SECTION = PrivacySection(name="projects", export=projects_export, erase=projects_erase, order=30)
