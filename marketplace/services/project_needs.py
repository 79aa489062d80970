"""A project's needs in the place des marchés: while a project is selected or running,
each of its needs is an open request of the project (``Listing.need_skill``), and the
pioneers whose profile has that skill hear of it — at most one e-mail a week each.

``projects`` tells of every change of a project's needs or state through
``projects.needs.project_needs_changed`` (the marketplace registers
``project_need_listings_sync`` there), so no import runs from projects to here.
"""

import hashlib
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import User
from backend.core.outbox import email_user
from backend.core.services import audit_record
from governance.models import Membership, MembershipStatus
from marketplace.models import Listing, ListingKind, ListingStatus, NeedAlert
from marketplace.models.listings import MAX_LISTING_MINUTES
from pioneers.models import Pioneer
from projects.models import Project, ProjectNeed, ProjectStatus

# The states in which a project's needs are requests in the place des marchés.
NEED_LISTING_STATES = frozenset({ProjectStatus.SELECTED, ProjectStatus.IN_PROGRESS})
ALERT_INTERVAL = timedelta(days=7)


def _owner_of(project: Project) -> Membership | None:
    """The member who holds the project's requests: its proposer, else an author."""
    members = {
        m.user_id: m
        for m in Membership.objects.filter(
            user__in=project.authors.all(), status=MembershipStatus.MEMBER
        )
    }
    if project.created_by_id in members:
        return members[project.created_by_id]
    return next(iter(sorted(members.values(), key=lambda m: m.pk)), None)


def _title(need: ProjectNeed, project: Project) -> str:
    return f"{need.skill.name} — {project.title}"[:200]


@transaction.atomic
def project_need_listings_sync(*, actor: User | None, project: Project) -> list[Listing]:
    """Open, update or close the project's need requests to match its state and needs;
    safe to run any number of times (one request per project and skill: a unique
    constraint). The caller (a projects service) holds the project's lock. Returns the
    requests opened now."""
    existing = {
        listing.need_skill_id: listing
        for listing in Listing.objects.filter(project=project, need_skill__isnull=False)
    }
    wanted: dict[int, ProjectNeed] = {}
    owner = None
    if project.status in NEED_LISTING_STATES:
        wanted = {
            n.skill_id: n
            for n in ProjectNeed.objects.filter(project=project).select_related("skill")
        }
        owner = _owner_of(project) if wanted else None
        if owner is None:
            wanted = {}  # no member to hold the requests
    opened: list[Listing] = []
    for skill_id, need in wanted.items():
        minutes = min(need.minutes_wanted, MAX_LISTING_MINUTES)
        listing = existing.get(skill_id)
        if listing is None:
            listing = Listing.objects.create(
                owner=owner,
                kind=ListingKind.REQUEST,
                title=_title(need, project),
                description=need.note or project.summary,
                estimated_minutes=minutes,
                remote=True,
                project=project,
                territory_id=project.territory_id,
                need_skill_id=skill_id,
            )
            listing.tags.set([need.skill])
            audit_record(
                actor=actor,
                action="marketplace.need_listing_open",
                target=listing,
                data={"project": project.pk, "skill": need.skill.slug, "minutes": minutes},
            )
            opened.append(listing)
        elif listing.status != ListingStatus.OPEN or listing.estimated_minutes != minutes:
            reopened = listing.status != ListingStatus.OPEN
            Listing.objects.filter(pk=listing.pk).update(
                status=ListingStatus.OPEN, estimated_minutes=minutes, updated_at=timezone.now()
            )
            audit_record(
                actor=actor,
                action="marketplace.need_listing_open"
                if reopened
                else "marketplace.need_listing_update",
                target=listing,
                data={"project": project.pk, "skill": need.skill.slug, "minutes": minutes},
            )
            if reopened:
                opened.append(listing)
    for skill_id, listing in existing.items():
        if skill_id not in wanted and listing.status != ListingStatus.CLOSED:
            Listing.objects.filter(pk=listing.pk).update(
                status=ListingStatus.CLOSED, updated_at=timezone.now()
            )
            audit_record(
                actor=actor,
                action="marketplace.need_listing_close",
                target=listing,
                data={"project": project.pk, "project_status": project.status},
            )
    if opened:
        from marketplace.tasks.needs import project_need_alerts

        transaction.on_commit(project_need_alerts.delay)
    return opened


def project_need_alerts_send(*, now=None) -> int:
    """E-mail each pioneer whose profile has the skill of an open need request they were
    not told of yet — several needs in one e-mail, at most one e-mail a week per person
    (the rest waits for the next run after the week). Returns the e-mails queued."""
    now = now or timezone.now()
    listings = {
        listing.pk: listing
        for listing in Listing.objects.filter(
            status=ListingStatus.OPEN, need_skill__isnull=False
        ).select_related("project", "need_skill", "owner")
    }
    if not listings:
        return 0
    by_skill: dict[int, list[Listing]] = {}
    for listing in listings.values():
        by_skill.setdefault(listing.need_skill_id, []).append(listing)
    holders = Pioneer.skills.through.objects.filter(
        skill_id__in=by_skill, pioneer__user__isnull=False, pioneer__user__is_active=True
    ).values_list("pioneer__user_id", "skill_id")
    told = set(
        NeedAlert.objects.filter(listing_id__in=listings).values_list("user_id", "listing_id")
    )
    recent = set(
        NeedAlert.objects.filter(sent_at__gt=now - ALERT_INTERVAL).values_list("user_id", flat=True)
    )
    pending: dict[int, set[int]] = {}
    for user_id, skill_id in holders:
        if user_id in recent:
            continue
        for listing in by_skill[skill_id]:
            if (user_id, listing.pk) not in told and listing.owner.user_id != user_id:
                pending.setdefault(user_id, set()).add(listing.pk)
    sent = 0
    for user in User.objects.filter(pk__in=pending).order_by("pk"):
        sent += _alert_one(
            user=user, listings=[listings[pk] for pk in sorted(pending[user.pk])], now=now
        )
    return sent


@transaction.atomic
def _alert_one(*, user: User, listings: list[Listing], now) -> int:
    """One e-mail and its alert rows, in one transaction: a retry finds them and skips."""
    ids = ",".join(str(listing.pk) for listing in listings)
    key = f"project-needs:{user.pk}:{hashlib.sha256(ids.encode()).hexdigest()[:24]}"
    rows = NeedAlert.objects.bulk_create(
        [NeedAlert(user=user, listing=listing, sent_at=now) for listing in listings],
        ignore_conflicts=True,
    )
    email_user(
        user=user,
        template_prefix="marketplace/email/project_needs",
        context={
            "needs": [
                {
                    "listing": listing,
                    "url": reverse("marketplace:listing_detail", kwargs={"pk": listing.pk}),
                }
                for listing in listings
            ]
        },
        key=key,
    )
    audit_record(
        actor=None,
        action="marketplace.need_alert",
        target=user,
        data={"listings": [listing.pk for listing in listings], "rows": len(rows)},
    )
    return 1
