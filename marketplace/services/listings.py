"""Listings: members offer or request skills and time."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row
from backend.core.services import audit_record
from governance.models import Membership, MembershipStatus
from marketplace.errors import MarketplaceError
from marketplace.models import Listing, ListingKind, ListingStatus
from marketplace.models.listings import MAX_LISTING_MINUTES
from pioneers.models import Skill
from projects.models import Project
from territories.services import territory_resolve_commune

MAX_TAGS = 10


def member_of(user) -> Membership:
    """The admitted membership of ``user``; refused (403) to anyone else."""
    membership = (
        Membership.objects.select_related("user")
        .filter(user_id=user.pk, status=MembershipStatus.MEMBER)
        .first()
        if user is not None and user.is_authenticated
        else None
    )
    if membership is None:
        raise MarketplaceError(
            _("Only admitted members can take part in the marketplace."),
            code="not_member",
            status_code=403,
        )
    return membership


def tag_slugs_normalise(names: list[str]) -> list[tuple[str, str]]:
    """(slug, name) pairs for the given names: slugified, deduplicated, in order."""
    seen: dict[str, str] = {}
    for raw in names:
        name = " ".join(str(raw).split())[:60]
        slug = slugify(name)[:60]
        if slug and slug not in seen:
            seen[slug] = name
    if len(seen) > MAX_TAGS:
        raise MarketplaceError(
            _("At most %(max)s skills per listing.") % {"max": MAX_TAGS},
            code="too_many_tags",
            errors={"tags": [_("At most %(max)s skills per listing.") % {"max": MAX_TAGS}]},
        )
    return list(seen.items())


def tags_get_or_create(*, names: list[str]) -> list[Skill]:
    pairs = tag_slugs_normalise(names)
    existing = {t.slug: t for t in Skill.objects.filter(slug__in=[s for s, _n in pairs])}
    tags = []
    for slug, name in pairs:
        if slug not in existing:
            # get_or_create re-reads when a concurrent writer created the same slug.
            existing[slug], _created = Skill.objects.get_or_create(
                slug=slug, defaults={"name": name}
            )
        tags.append(existing[slug])
    return tags


def _validate(
    *, title: str, estimated_minutes, place: str, remote: bool, expires_on: date | None
) -> None:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give a title.")]
    if (
        isinstance(estimated_minutes, bool)
        or not isinstance(estimated_minutes, int)
        or not 0 < estimated_minutes <= MAX_LISTING_MINUTES
    ):
        errors["estimated_minutes"] = [
            _("The minutes must be between 1 and %(max)s.") % {"max": MAX_LISTING_MINUTES}
        ]
    if not remote and not place.strip():
        errors["place"] = [_("Give a place, or say it can be done remotely.")]
    if expires_on is not None and expires_on < timezone.localdate():
        errors["expires_on"] = [_("The expiry date is in the past.")]
    if errors:
        raise MarketplaceError(
            next(iter(errors.values()))[0], code="invalid_listing", errors=errors
        )


@transaction.atomic
def listing_create(
    *,
    actor: User,
    kind: str,
    title: str,
    description: str = "",
    tags: list[str] | None = None,
    estimated_minutes: int,
    place: str = "",
    remote: bool = False,
    project: Project | None = None,
    expires_on: date | None = None,
) -> Listing:
    owner = member_of(actor)
    if kind not in ListingKind.values:
        raise MarketplaceError(_("Unknown kind of listing."), code="invalid_listing")
    _validate(
        title=title,
        estimated_minutes=estimated_minutes,
        place=place,
        remote=remote,
        expires_on=expires_on,
    )
    listing = Listing.objects.create(
        owner=owner,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        estimated_minutes=estimated_minutes,
        place=place.strip(),
        remote=remote,
        project=project,
        expires_on=expires_on,
        territory=territory_resolve_commune(name=place.strip()) if place.strip() else None,
    )
    listing.tags.set(tags_get_or_create(names=tags or []))
    audit_record(actor=actor, action="marketplace.listing_create", target=listing)
    return listing


LISTING_EDITABLE_FIELDS = (
    "title",
    "description",
    "estimated_minutes",
    "place",
    "remote",
    "project",
    "status",
    "expires_on",
)


@transaction.atomic
def listing_update(*, actor: User, listing: Listing, tags: list[str] | None = None, **changes):
    """Change a listing (its owner or a coordinator); ``tags`` replaces the skills."""
    if not actor.has_perm("marketplace.change_listing", listing):
        raise MarketplaceError(
            _("Only the listing's owner may change it."), code="forbidden", status_code=403
        )
    unknown = set(changes) - set(LISTING_EDITABLE_FIELDS)
    if unknown:
        raise MarketplaceError(_("These fields cannot be changed."), code="invalid_listing")
    if "status" in changes and changes["status"] not in ListingStatus.values:
        raise MarketplaceError(_("Unknown status."), code="invalid_listing")
    locked = lock_row(Listing, listing.pk)
    for field, value in changes.items():
        setattr(locked, field, value.strip() if isinstance(value, str) else value)
    _validate(
        title=locked.title,
        estimated_minutes=locked.estimated_minutes,
        place=locked.place,
        remote=locked.remote,
        expires_on=locked.expires_on if "expires_on" in changes else None,
    )
    fields = [*changes, "updated_at"]
    if "place" in changes:
        locked.territory = territory_resolve_commune(name=locked.place) if locked.place else None
        fields.append("territory")
    locked.save(update_fields=fields)
    if tags is not None:
        locked.tags.set(tags_get_or_create(names=tags))
    audit_record(
        actor=actor,
        action="marketplace.listing_update",
        target=locked,
        data={"fields": sorted([*changes, *(["tags"] if tags is not None else [])])},
    )
    return locked
