"""Reads of listings and exchanges: every list in a bounded number of queries."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from marketplace.models import (
    Exchange,
    ExchangeMessage,
    ExchangeStatus,
    Listing,
    ListingStatus,
    TimeTransfer,
)
from pioneers.models import Skill
from projects.models import Project


def listing_search(
    *,
    q: str = "",
    kind: str = "",
    tag: str = "",
    remote: bool | None = None,
    project_id: int | None = None,
    status: str = "",
    owner_user_id: int | None = None,
) -> QuerySet[Listing]:
    """Listings matching the filters, newest first, with owner, project and tags joined
    (three queries per page). Without ``status``: open listings that have not expired."""
    qs = Listing.objects.select_related("owner__user", "project").prefetch_related(
        Prefetch("tags", queryset=Skill.objects.order_by("slug"))
    )
    if status:
        qs = qs.filter(status=status)
    elif owner_user_id is None:
        qs = qs.filter(status=ListingStatus.OPEN).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate())
        )
    if owner_user_id is not None:
        qs = qs.filter(owner__user_id=owner_user_id)
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(Exists(Skill.objects.filter(listings=OuterRef("pk"), slug=tag)))
    if remote is not None:
        qs = qs.filter(remote=remote)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if q := q.strip():
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(description__icontains=q)
            | Exists(Skill.objects.filter(listings=OuterRef("pk"), name__icontains=q))
        )
    return qs.order_by("-created_at", "-id")


def listing_get(*, pk: int) -> Listing | None:
    return (
        Listing.objects.select_related("owner__user", "project")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )


def tag_list_used() -> QuerySet[Skill]:
    return Skill.objects.filter(listings__isnull=False).distinct().order_by("slug")


def _exchange_base() -> QuerySet[Exchange]:
    return Exchange.objects.select_related(
        "listing__owner__user",
        "responder__user",
        "giver__user",
        "receiver__user",
    )


def exchange_list_for_user(*, user) -> QuerySet[Exchange]:
    """The exchanges where the person gives or receives time, latest activity first."""
    if user is None or not user.is_authenticated:
        return Exchange.objects.none()
    return (
        _exchange_base()
        .filter(Q(giver__user_id=user.pk) | Q(receiver__user_id=user.pk))
        .order_by("-updated_at", "-id")
    )


def exchange_get(*, pk: int) -> Exchange | None:
    """One exchange with its parties and its messages (with their authors)."""
    return (
        _exchange_base()
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=ExchangeMessage.objects.select_related("author").order_by(
                    "created_at", "id"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


def project_hours_received(project: Project) -> int:
    """Minutes transferred into the project's time account, leaving out transfers that
    were corrected (reversed) and the corrections themselves (one query)."""
    return TimeTransfer.objects.filter(
        payee__project=project, reverses__isnull=True, reversal__isnull=True
    ).aggregate(minutes=Coalesce(Sum("minutes"), 0))["minutes"]


def exchange_list_needing_action(*, user) -> QuerySet[Exchange]:
    """The exchanges waiting for this person: an answer to accept on their listing, a
    service to mark done as the giver, a service to confirm as the receiver. Mirrors
    the transition table in services/exchanges.py (cancelling is never *needed*)."""
    if user is None or not user.is_authenticated:
        return Exchange.objects.none()
    return (
        _exchange_base()
        .filter(
            Q(status=ExchangeStatus.PROPOSED, listing__owner__user_id=user.pk)
            | Q(status=ExchangeStatus.ACCEPTED, giver__user_id=user.pk)
            | Q(status=ExchangeStatus.DONE, receiver__user_id=user.pk)
        )
        .order_by("-updated_at", "-id")
    )


def project_givers(*, project: Project) -> list:
    """Who gave minutes to the project's account and how many, most first (one query:
    the ledger keeps these counters, no transfer is summed)."""
    from marketplace.models import ProjectTimeGiver

    return list(
        ProjectTimeGiver.objects.filter(account__project=project, minutes__gt=0)
        .select_related("giver__owner_member__user", "giver__project")
        .order_by("-minutes", "giver_id")
    )


def project_need_listings_open(*, project: Project) -> dict[int, Listing]:
    """The project's open need requests, by skill id (one query)."""
    return {
        listing.need_skill_id: listing
        for listing in Listing.objects.filter(
            project=project, need_skill__isnull=False, status=ListingStatus.OPEN
        )
    }
