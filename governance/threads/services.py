"""Writes of the jardinier's door: open a thread, add a message, close it.

Each new message e-mails the other side (the author, or every coordinator) through the
outbox, in the recipient's language, sent after the commit."""

import rules
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.roles import coordinators
from backend.core.locks import lock_row
from backend.core.outbox import email_user
from backend.core.services import audit_record
from backend.core.uploads import UploadRejected, extension_of, upload_check_content
from governance.errors import GovernanceError
from governance.threads.models import CoordinatorThread, ThreadMessage, ThreadStatus
from governance.threads.selectors import UNANSWERED_CACHE_KEY, thread_may_write

SUBJECT_MAX = 200
BODY_MAX = 10_000
ATTACHMENT_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "webp", "odt", "ods", "docx", "txt")
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024


def _refuse(message: str, code: str, field: str, status_code: int = 400) -> GovernanceError:
    return GovernanceError(message, code=code, status_code=status_code, errors={field: [message]})


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise _refuse(_("Write a message."), "body_required", "body")
    if len(body) > BODY_MAX:
        raise _refuse(
            _("A message has at most %(max)d characters.") % {"max": BODY_MAX},
            "body_too_long",
            "body",
        )
    return body


def _check_attachment(upload: UploadedFile | None) -> None:
    if not upload:
        return
    extension = extension_of(upload.name or "")
    if extension not in ATTACHMENT_EXTENSIONS:
        raise _refuse(
            _("This type of file is not accepted (allowed: %(types)s).")
            % {"types": ", ".join(ATTACHMENT_EXTENSIONS)},
            "attachment_type",
            "attachment",
        )
    try:
        upload_check_content(upload, extension=extension, max_bytes=ATTACHMENT_MAX_BYTES)
    except UploadRejected as exc:
        message = (
            _("The file is too large (5 MB at most).")
            if exc.code == "too_large"
            else _("The file's content does not match its type.")
        )
        raise _refuse(message, f"attachment_{exc.code}", "attachment") from None


def _notify(message: ThreadMessage) -> None:
    thread = message.thread
    recipients = (
        [thread.author]
        if message.from_coordinator
        else [u for u in coordinators() if u.pk != message.author_id]
    )
    for recipient in recipients:
        email_user(
            user=recipient,
            template_prefix="governance/email/thread_message",
            context={
                "thread": thread,
                "message": message,
                "to_coordinator": not message.from_coordinator,
            },
            key=f"thread-message-{message.pk}-to-{recipient.pk}",
        )


def _forget_count() -> None:
    transaction.on_commit(lambda: cache.delete(UNANSWERED_CACHE_KEY))


def _add(
    *, thread: CoordinatorThread, author: User, body: str, attachment, coordinator: bool
) -> ThreadMessage:
    message = ThreadMessage(thread=thread, author=author, body=body, from_coordinator=coordinator)
    if attachment:
        message.attachment = attachment
    message.save()
    now = message.created_at
    thread.last_message_at = now
    thread.message_count += 1
    fields = ["last_message_at", "message_count", "status"]
    if coordinator:
        thread.status = ThreadStatus.ANSWERED
        if thread.first_answer_at is None:
            thread.first_answer_at = now
            fields.append("first_answer_at")
    else:
        thread.status = ThreadStatus.OPEN
    thread.save(update_fields=fields)
    _notify(message)
    _forget_count()
    return message


@transaction.atomic
def thread_open(
    *, author: User, subject: str, body: str, attachment: UploadedFile | None = None
) -> CoordinatorThread:
    """A pioneer or member writes to the coordinator."""
    if not thread_may_write(author):
        raise GovernanceError(
            _("Only pioneers and members of the cooperative can write to the coordinator."),
            code="not_a_member",
            status_code=403,
        )
    subject = (subject or "").strip()
    if not subject:
        raise _refuse(_("Give a subject."), "subject_required", "subject")
    if len(subject) > SUBJECT_MAX:
        raise _refuse(
            _("A subject has at most %(max)d characters.") % {"max": SUBJECT_MAX},
            "subject_too_long",
            "subject",
        )
    body = _clean_body(body)
    _check_attachment(attachment)
    thread = CoordinatorThread.objects.create(
        author=author, subject=subject, last_message_at=timezone.now()
    )
    _add(thread=thread, author=author, body=body, attachment=attachment, coordinator=False)
    audit_record(actor=author, action="thread.open", target=thread)
    return thread


@transaction.atomic
def thread_reply(
    *,
    actor: User,
    thread: CoordinatorThread,
    body: str,
    attachment: UploadedFile | None = None,
) -> ThreadMessage:
    """The author or a coordinator adds a message; a coordinator's answers the thread,
    the author's reopens it."""
    coordinator = rules.has_perm("governance.answer_threads", actor)
    if not coordinator and thread.author_id != actor.pk:
        raise GovernanceError(_("Not found."), code="not_found", status_code=404)
    body = _clean_body(body)
    _check_attachment(attachment)
    thread = lock_row(CoordinatorThread, thread.pk)
    # The author writing in their own thread speaks as the author even if a coordinator.
    from_coordinator = coordinator and thread.author_id != actor.pk
    message = _add(
        thread=thread,
        author=actor,
        body=body,
        attachment=attachment,
        coordinator=from_coordinator,
    )
    audit_record(
        actor=actor,
        action="thread.reply",
        target=thread,
        data={"message": message.pk, "from_coordinator": from_coordinator},
    )
    return message


@transaction.atomic
def thread_close(*, actor: User, thread: CoordinatorThread) -> CoordinatorThread:
    if not rules.has_perm("governance.answer_threads", actor) and thread.author_id != actor.pk:
        raise GovernanceError(_("Not found."), code="not_found", status_code=404)
    thread = lock_row(CoordinatorThread, thread.pk)
    if thread.status != ThreadStatus.CLOSED:
        before = thread.status
        thread.status = ThreadStatus.CLOSED
        thread.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="thread.close",
            target=thread,
            data={"before": {"status": before}, "after": {"status": ThreadStatus.CLOSED}},
        )
        _forget_count()
    return thread
