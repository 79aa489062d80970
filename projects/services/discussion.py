import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row
from backend.core.services import audit_record
from projects.errors import ProjectError
from projects.models import Comment, CommentReport, Project
from projects.services._common import forbidden

COMMENT_EDIT_WINDOW = datetime.timedelta(minutes=15)


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        message = _("A comment cannot be empty.")
        raise ProjectError(message, code="empty_comment", errors={"body": [message]})
    if len(body) > 5000:
        message = _("A comment is 5,000 characters at most.")
        raise ProjectError(message, code="comment_too_long", errors={"body": [message]})
    return body


@transaction.atomic
def comment_create(
    *, actor: User, project: Project, body: str, parent: Comment | None = None
) -> Comment:
    if not actor.has_perm("projects.comment_project", project):
        raise forbidden(_("Only members can take part in the discussion."))
    body = _check_body(body)
    if parent is not None:
        if parent.project_id != project.pk:
            raise ProjectError(_("This reply belongs to another project."), code="wrong_parent")
        # One level of replies: answering a reply answers its thread.
        parent = parent.parent or parent
    comment = Comment.objects.create(project=project, author=actor, parent=parent, body=body)
    audit_record(actor=actor, action="project.comment_create", target=comment)
    return comment


@transaction.atomic
def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    comment = lock_row(Comment, comment.pk)
    if comment.author_id != actor.pk:
        raise forbidden(_("Only its author can edit a comment."))
    if comment.is_hidden:
        raise ProjectError(_("A hidden comment cannot be edited."), code="hidden", status_code=409)
    if timezone.now() - comment.created_at > COMMENT_EDIT_WINDOW:
        raise ProjectError(
            _("Comments can be edited during 15 minutes only."),
            code="edit_window_closed",
            status_code=409,
        )
    comment.body = _check_body(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at", "updated_at"])
    audit_record(actor=actor, action="project.comment_edit", target=comment)
    return comment


@transaction.atomic
def comment_report(*, actor: User, comment: Comment, reason: str) -> CommentReport:
    if not actor.has_perm("projects.report_comment", comment):
        raise forbidden(_("Only members can report a comment."))
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why you report this comment.")
        raise ProjectError(message, code="reason_required", errors={"reason": [message]})
    report, created = CommentReport.objects.get_or_create(
        comment=comment, reporter=actor, defaults={"reason": reason[:500]}
    )
    if created:
        audit_record(actor=actor, action="project.comment_report", target=comment)
    return report


@transaction.atomic
def comment_hide(*, actor: User, comment: Comment, reason: str) -> Comment:
    """The coordinator hides a comment; its author still sees it, with the reason."""
    if not actor.has_perm("projects.moderate_comment", comment):
        raise forbidden(_("Only the coordinator can hide a comment."))
    reason = (reason or "").strip()
    if not reason:
        message = _("A reason is required to hide a comment.")
        raise ProjectError(message, code="reason_required", errors={"reason": [message]})
    comment = lock_row(Comment, comment.pk)
    comment.hidden_at = timezone.now()
    comment.hidden_reason = reason
    comment.hidden_by = actor
    comment.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "updated_at"])
    audit_record(
        actor=actor, action="project.comment_hide", target=comment, data={"reason": reason}
    )
    return comment
