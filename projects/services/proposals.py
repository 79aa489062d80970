from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row
from backend.core.services import audit_record
from backend.core.uploads import UploadRejected, upload_check_content
from pioneers.models import Theme
from projects.errors import ProjectError
from projects.lifecycle import EDITABLE_BY_AUTHORS
from projects.models import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    Project,
    ProjectAttachment,
)
from projects.needs import project_needs_changed
from projects.roles import is_active_member
from projects.selectors import project_commune_of
from projects.services._common import forbidden
from projects.services.needs import NeedInput, _needs_check, _needs_write

EDITABLE_FIELDS = (
    "title",
    "summary",
    "description",
    "estimated_cost_cents",
    "self_financing_cents",
    "self_financing_note",
    "needs_note",
    "needed_minutes",
)


def _unique_slug(title: str) -> str:
    base = (slugify(title) or "projet")[:200]
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_amounts(cost: int, self_financing: int) -> None:
    if cost < 0 or self_financing < 0:
        raise ProjectError(_("Amounts cannot be negative."), code="negative_amount")
    if self_financing > cost:
        message = _("Self-financing cannot exceed the estimated cost.")
        raise ProjectError(
            message, code="self_financing_above_cost", errors={"self_financing_cents": [message]}
        )


def _check_co_authors(co_authors: Iterable[User]) -> list[User]:
    people = list(co_authors)
    for person in people:
        if not is_active_member(person):
            message = _("%(name)s is not an active member and cannot co-author a project.") % {
                "name": person.display_name
            }
            raise ProjectError(message, code="author_not_member", errors={"authors": [message]})
    return people


@transaction.atomic
def project_create(
    *,
    actor: User,
    title: str,
    summary: str = "",
    description: str = "",
    estimated_cost_cents: int = 0,
    self_financing_cents: int = 0,
    self_financing_note: str = "",
    needs_note: str = "",
    needed_minutes: int = 0,
    needs: Iterable[NeedInput] = (),
    co_authors: Iterable[User] = (),
    themes: Iterable[Theme] = (),
) -> Project:
    """A new proposal, as a draft its authors may still edit."""
    if not actor.has_perm("projects.propose_project"):
        raise forbidden(_("Only active members can propose a project."), code="not_a_member")
    if not title.strip():
        raise ProjectError(_("A project needs a title."), code="title_required")
    _check_amounts(estimated_cost_cents, self_financing_cents)
    people = _check_co_authors(co_authors)
    needs = _needs_check(needs)
    project = Project.objects.create(
        title=title.strip(),
        slug=_unique_slug(title),
        summary=summary,
        description=description,
        estimated_cost_cents=estimated_cost_cents,
        self_financing_cents=self_financing_cents,
        self_financing_note=self_financing_note,
        needs_note=needs_note.strip(),
        needed_minutes=needed_minutes,
        created_by=actor,
        territory_id=project_commune_of([actor, *people]),
    )
    project.authors.add(actor, *people)
    project.themes.set(list(themes))
    _needs_write(project=project, needs=needs)
    audit_record(
        actor=actor,
        action="project.create",
        target=project,
        data={"needs": {row.skill.slug: row.minutes_wanted for row in needs}},
    )
    project_needs_changed(actor=actor, project=project)
    return project


@transaction.atomic
def project_update(
    *,
    actor: User,
    project: Project,
    co_authors: Iterable[User] | None = None,
    themes: Iterable[Theme] | None = None,
    needs: Iterable[NeedInput] | None = None,
    **changes,
) -> Project:
    """Edit a proposal: its authors while it is a draft or returned, the coordinator always."""
    project = lock_row(Project, project.pk)
    if not actor.has_perm("projects.review_project", project):
        if not actor.has_perm("projects.edit_project", project):
            raise forbidden(_("Only the project's authors can edit it."))
        if project.status not in EDITABLE_BY_AUTHORS:
            raise ProjectError(
                _("The proposal can no longer be edited in its current state."),
                code="not_editable",
                status_code=409,
            )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ProjectError(_("These fields cannot be changed."), code="unknown_fields")
    if "title" in changes and not str(changes["title"]).strip():
        raise ProjectError(_("A project needs a title."), code="title_required")
    _check_amounts(
        changes.get("estimated_cost_cents", project.estimated_cost_cents),
        changes.get("self_financing_cents", project.self_financing_cents),
    )
    if needs is not None:
        needs = _needs_check(needs)
    fields = [name for name, value in changes.items() if getattr(project, name) != value]
    for name in fields:
        setattr(project, name, changes[name])
    if fields:
        project.save(update_fields=[*fields, "updated_at"])
    if co_authors is not None:
        people = _check_co_authors(co_authors)
        keep = {p.pk for p in people} | (
            {project.created_by_id} if project.created_by_id else set()
        )
        project.authors.set([*people, *User.objects.filter(pk__in=keep)])
        fields.append("authors")
    if themes is not None:
        wanted = {t.pk for t in themes}
        if wanted != set(project.themes.values_list("pk", flat=True)):
            project.themes.set(list(wanted))
            fields.append("themes")
    if needs is not None and _needs_write(project=project, needs=needs):
        fields.append("needs")
    if fields:
        audit_record(actor=actor, action="project.update", target=project, data={"fields": fields})
    if "needs" in fields:
        project_needs_changed(actor=actor, project=project)
    return project


def _check_file(upload: UploadedFile) -> str:
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_EXTENSIONS:
        message = _("This type of file is not accepted (allowed: %(types)s).") % {
            "types": ", ".join(ATTACHMENT_EXTENSIONS)
        }
        raise ProjectError(message, code="attachment_type", errors={"file": [message]})
    if upload.size is None or upload.size > ATTACHMENT_MAX_BYTES:
        message = _("The file is too large (5 MB at most).")
        raise ProjectError(message, code="attachment_size", errors={"file": [message]})
    # The extension must match the content: a renamed executable is not a PDF, an SVG
    # is not a PNG, a decompression bomb is not a photo.
    try:
        upload_check_content(upload, extension=extension, max_bytes=ATTACHMENT_MAX_BYTES)
    except UploadRejected as exc:
        if exc.code == "too_large":
            message = _("The file is too large (5 MB at most).")
            raise ProjectError(
                message, code="attachment_size", errors={"file": [message]}
            ) from None
        message = _("The file's content does not match its type.")
        raise ProjectError(message, code="attachment_content", errors={"file": [message]}) from None
    return extension


@transaction.atomic
def attachment_add(
    *, actor: User, project: Project, upload: UploadedFile, title: str = ""
) -> ProjectAttachment:
    if not actor.has_perm("projects.follow_up_project", project):
        raise forbidden(_("Only the project's authors can add attachments."))
    _check_file(upload)
    attachment = ProjectAttachment(
        project=project, file=upload, title=title, size_bytes=upload.size, uploaded_by=actor
    )
    try:
        attachment.full_clean(exclude=["project", "uploaded_by"])
    except ValidationError as exc:
        raise ProjectError(
            _("The attachment is not valid."), code="attachment_invalid", errors=exc.message_dict
        ) from exc
    attachment.save()
    audit_record(actor=actor, action="project.attachment_add", target=project)
    return attachment
