"""Resources: suggest, revise, read, feedback. Every write atomic and audited."""

from dataclasses import dataclass, field
from typing import Any

import rules
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from backend.core.locks import lock_row
from backend.core.services import audit_record
from backend.core.uploads import UploadRejected, extension_of, upload_check_content
from commons.errors import CommonsError
from commons.models import (
    Audience,
    Axis,
    CommitteeSession,
    Licence,
    Resource,
    ResourceFeedback,
    ResourceFile,
    ResourceKind,
    ResourceLink,
    ResourceStatus,
    TerritoryType,
)
from commons.search import fold_text, search_document_refresh

FILE_EXTENSIONS = ("pdf", "odt", "ods", "docx", "png", "jpg", "jpeg", "webp", "txt", "md", "csv")
FILE_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
MAX_LINKS = 10


@dataclass
class ResourceInput:
    """What a person writes in the suggestion form (or the API)."""

    title: str
    summary: str
    kind: str
    authors: str
    body: str = ""
    territory: str = TerritoryType.ANY
    licence: str = Licence.CC_BY_SA_4
    easy_read: bool = False
    language: str = "fr"
    theme_ids: list[int] = field(default_factory=list)
    axis_ids: list[int] = field(default_factory=list)
    audience_ids: list[int] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)


def _validate(data: ResourceInput) -> None:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Give the resource a title.")]
    if not data.summary.strip():
        errors["summary"] = [_("Summarise the resource in a few lines.")]
    if not data.authors.strip():
        errors["authors"] = [_("Name its authors or organisations.")]
    if data.kind not in ResourceKind.values:
        errors["kind"] = [_("Choose a kind of resource.")]
    if data.territory not in TerritoryType.values:
        errors["territory"] = [_("Choose a territory type.")]
    if data.licence not in Licence.values:
        errors["licence"] = [_("Choose a licence.")]
    if len(data.links) > MAX_LINKS:
        errors["links"] = [_("At most %(max)d links.") % {"max": MAX_LINKS}]
    if errors:
        raise CommonsError(_("The resource cannot be saved."), code="invalid", errors=errors)


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "ressource"
    slug, n = base, 1
    qs = Resource.objects.all()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_files(files: list[Any]) -> None:
    if len(files) > MAX_FILES:
        raise CommonsError(
            _("At most %(max)d files.") % {"max": MAX_FILES},
            code="too_many_files",
            errors={"files": [_("At most %(max)d files.") % {"max": MAX_FILES}]},
        )
    for upload in files:
        extension = extension_of(upload.name)
        if extension not in FILE_EXTENSIONS:
            message = _("This kind of file is not accepted (%(name)s).") % {"name": upload.name}
            raise CommonsError(message, code="file_type", errors={"files": [message]})
        try:
            upload_check_content(upload, extension=extension, max_bytes=FILE_MAX_BYTES)
        except UploadRejected as exc:
            message = (
                _("%(name)s is larger than 10 MB.")
                if exc.code == "too_large"
                else _("%(name)s is not what its name says.")
            ) % {"name": upload.name}
            raise CommonsError(
                message, code=f"file_{exc.code}", errors={"files": [message]}
            ) from None


def _write_relations(resource: Resource, data: ResourceInput) -> None:
    resource.themes.set(data.theme_ids)
    resource.axes.set(Axis.objects.filter(pk__in=data.axis_ids))
    resource.audiences.set(Audience.objects.filter(pk__in=data.audience_ids))
    resource.links.all().delete()
    ResourceLink.objects.bulk_create(
        [
            ResourceLink(
                resource=resource,
                url=link["url"][:500],
                label=(link.get("label") or "")[:200],
                position=i,
            )
            for i, link in enumerate(data.links)
            if link.get("url")
        ]
    )


def _save_files(resource: Resource, files: list[Any]) -> None:
    for upload in files:
        stored = ResourceFile(resource=resource, name=upload.name[:200], size=upload.size or 0)
        stored.file.save(f"{resource.pk}-{slugify(upload.name)[:80]}", upload, save=False)
        stored.save()


def resource_index(resource: Resource) -> None:
    """Keep both search columns in step with the fields (called by every write)."""
    Resource.objects.filter(pk=resource.pk).update(
        search_text=fold_text(resource.title, resource.authors, resource.summary, resource.body)
    )
    search_document_refresh(resource_ids=[resource.pk])


def _next_session() -> CommitteeSession | None:
    return (
        CommitteeSession.objects.filter(held_on__gte=timezone.localdate())
        .order_by("held_on", "id")
        .first()
    )


def _assign(resource: Resource, data: ResourceInput) -> None:
    resource.title = data.title.strip()[:200]
    resource.summary = data.summary.strip()[:1000]
    resource.body = data.body
    resource.kind = data.kind
    resource.authors = data.authors.strip()[:500]
    resource.territory = data.territory
    resource.licence = data.licence
    resource.easy_read = data.easy_read
    resource.language = data.language


@transaction.atomic
def resource_suggest(*, actor, data: ResourceInput, files: list[Any] | None = None) -> Resource:
    """Anyone signed in suggests a resource: it is *proposed*, on the next session's agenda,
    and nobody but its author and the committee sees it until a decision."""
    if not actor or not actor.is_authenticated:
        raise CommonsError(_("Sign in to suggest a resource."), code="forbidden", status_code=403)
    _validate(data)
    files = files or []
    _check_files(files)
    resource = Resource(submitted_by=actor, slug=_unique_slug(data.title), session=_next_session())
    _assign(resource, data)
    resource.save()
    _write_relations(resource, data)
    _save_files(resource, files)
    resource_index(resource)
    audit_record(actor=actor, action="commons.resource_suggest", target=resource)
    return resource


@transaction.atomic
def resource_revise(
    *, actor, resource: Resource, data: ResourceInput, files: list[Any] | None = None
) -> Resource:
    """The author revises a resource sent back « to revise » (or still proposed): it goes
    back on the agenda as a new review round; a coordinator may correct any resource."""
    resource = lock_row(Resource, resource.pk)
    is_author = resource.submitted_by_id == getattr(actor, "pk", None)
    coordinator = rules.has_perm("commons.correct_resource", actor, resource)
    if not (is_author or coordinator):
        raise CommonsError(_("Only its author may revise it."), code="forbidden", status_code=403)
    if not coordinator and resource.status not in (
        ResourceStatus.PROPOSED,
        ResourceStatus.TO_REVISE,
    ):
        raise CommonsError(
            _("This resource has been decided on and can no longer be revised."),
            code="decided",
            status_code=409,
        )
    _validate(data)
    files = files or []
    _check_files(files)
    previous = resource.status
    _assign(resource, data)
    fields = ["title", "summary", "body", "kind", "authors", "territory", "licence"]
    fields += ["easy_read", "language", "updated_at"]
    if previous == ResourceStatus.TO_REVISE:
        resource.status = ResourceStatus.PROPOSED
        resource.review_round = F("review_round") + 1
        resource.session = _next_session()
        fields += ["status", "review_round", "session"]
    resource.save(update_fields=fields)
    resource.refresh_from_db()
    _write_relations(resource, data)
    _save_files(resource, files)
    resource_index(resource)
    audit_record(
        actor=actor,
        action="commons.resource_revise",
        target=resource,
        data={"status_before": previous, "status": resource.status},
    )
    return resource


def resource_read_count(*, resource_id: int) -> None:
    """Count one read of a published resource: a counter, nobody's trace (no audit)."""
    Resource.objects.filter(pk=resource_id, status=ResourceStatus.PUBLISHED).update(
        read_count=F("read_count") + 1
    )


@transaction.atomic
def resource_feedback_give(
    *, actor, resource: Resource, comment: str = "", used: bool = False, rating: int | None = None
) -> ResourceFeedback:
    """A signed-in reader says whether they used a published resource and how well it
    worked; the counts on the resource move in the same transaction."""
    if not actor or not actor.is_authenticated:
        raise CommonsError(_("Sign in to give feedback."), code="forbidden", status_code=403)
    resource = lock_row(Resource, resource.pk)
    if resource.status != ResourceStatus.PUBLISHED:
        raise CommonsError(_("This resource is not published."), code="not_found", status_code=404)
    if rating is not None and not 1 <= rating <= 5:
        message = _("Rate from 1 to 5.")
        raise CommonsError(message, code="invalid", errors={"rating": [message]})
    if rating is not None and not used:
        message = _("Only someone who used the resource can say how well it worked.")
        raise CommonsError(message, code="invalid", errors={"rating": [message]})
    if not comment.strip() and not used:
        message = _("Write a comment or say that you used it.")
        raise CommonsError(message, code="invalid", errors={"comment": [message]})
    if ResourceFeedback.objects.filter(resource=resource, user=actor).exists():
        raise CommonsError(
            _("You have already given your feedback on this resource."),
            code="already_given",
            status_code=409,
        )
    feedback = ResourceFeedback.objects.create(
        resource=resource, user=actor, comment=comment.strip()[:2000], used=used, rating=rating
    )
    Resource.objects.filter(pk=resource.pk).update(
        feedback_count=F("feedback_count") + 1,
        used_count=F("used_count") + (1 if used else 0),
        rating_count=F("rating_count") + (1 if rating else 0),
        rating_sum=F("rating_sum") + (rating or 0),
    )
    audit_record(actor=actor, action="commons.feedback_give", target=resource)
    return feedback


def reviews_needed() -> int:
    return settings.COMMONS_REVIEWS_NEEDED
