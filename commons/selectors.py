"""Reads of the commons, with their joins: what visitors see is only what is published."""

from dataclasses import dataclass

import rules
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from commons.models import (
    Audience,
    Axis,
    CommitteeMember,
    CommitteeSession,
    Entry,
    EntryKind,
    EntryStatus,
    Licence,
    Resource,
    ResourceDecision,
    ResourceKind,
    ResourceStatus,
    Review,
    ReviewCriterion,
    TerritoryType,
)
from commons.search import search_filter
from pioneers.models import Theme

# ---------------------------------------------------------------- resources


def resources_published() -> QuerySet[Resource]:
    """The only resources anyone who is not their author or the committee may see."""
    return Resource.objects.filter(status=ResourceStatus.PUBLISHED)


def _with_taxonomies(qs: QuerySet[Resource]) -> QuerySet[Resource]:
    return qs.prefetch_related("themes", "axes", "audiences")


@dataclass
class ResourceFilters:
    q: str = ""
    kind: str = ""
    axis: str = ""
    theme: str = ""
    audience: str = ""
    licence: str = ""
    territory: str = ""
    easy_read: bool = False


def resource_search(*, filters: ResourceFilters) -> QuerySet[Resource]:
    """Published resources matching the search and the facets, best first."""
    qs = resources_published()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.licence:
        qs = qs.filter(licence=filters.licence)
    if filters.territory:
        qs = qs.filter(territory__in=[filters.territory, TerritoryType.ANY])
    if filters.easy_read:
        qs = qs.filter(easy_read=True)
    if filters.axis:
        qs = qs.filter(axes__slug=filters.axis)
    if filters.theme:
        qs = qs.filter(themes__slug=filters.theme)
    if filters.audience:
        qs = qs.filter(audiences__slug=filters.audience)
    if filters.q:
        qs = search_filter(qs, text=filters.q)
    return _with_taxonomies(qs)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


def resource_facets(*, filters: ResourceFilters) -> dict[str, list[FacetValue]]:
    """Counts by kind, axis, theme, audience and licence of the current results (one query
    per facet, whatever the number of resources)."""
    base = resource_search(filters=filters).order_by().values("pk")
    kinds = dict(ResourceKind.choices)
    licences = dict(Licence.choices)
    facets: dict[str, list[FacetValue]] = {}
    facets["kind"] = [
        FacetValue(row["kind"], str(kinds.get(row["kind"], row["kind"])), row["n"])
        for row in Resource.objects.filter(pk__in=base)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    ]
    facets["licence"] = [
        FacetValue(row["licence"], str(licences.get(row["licence"], row["licence"])), row["n"])
        for row in Resource.objects.filter(pk__in=base)
        .values("licence")
        .annotate(n=Count("pk"))
        .order_by("licence")
    ]
    for name, model in (("axis", Axis), ("theme", Theme), ("audience", Audience)):
        facets[name] = [
            FacetValue(item.slug, item.label, item.n)
            for item in model.objects.annotate(
                n=Count("resources", filter=Q(resources__in=base), distinct=True)
            ).filter(n__gt=0)
        ]
    return facets


def resource_get_for(*, user, slug: str) -> Resource | None:
    """A resource by slug if this person may see it (published, or theirs, or the
    committee's work); None otherwise, so that a page answers 404 without saying more."""
    resource = (
        Resource.objects.select_related("submitted_by", "session")
        .prefetch_related(
            "themes",
            "axes",
            "audiences",
            "links",
            "files",
            Prefetch("decisions", queryset=ResourceDecision.objects.order_by("-created_at")),
        )
        .filter(slug=slug)
        .first()
    )
    if resource is None:
        return None
    if resource.status == ResourceStatus.PUBLISHED:
        return resource
    if not user.is_authenticated:
        return None
    return resource if rules.has_perm("commons.view_resource", user, resource) else None


def resource_reviews(*, resource: Resource) -> list[Review]:
    return list(
        Review.objects.filter(resource=resource)
        .select_related("reviewer")
        .prefetch_related("marks__criterion")
        .order_by("-review_round", "id")
    )


def review_grid() -> list[ReviewCriterion]:
    return list(ReviewCriterion.objects.prefetch_related("levels"))


def resources_of_user(*, user) -> QuerySet[Resource]:
    return Resource.objects.filter(submitted_by=user).order_by("-created_at")


def resource_recommend(
    *, audience: str = "", territory: str = "", axis: str = "", limit: int = 6
) -> list[Resource]:
    """« Par où commencer ? »: published resources scored on the three answers (who you
    are, your territory, what you want to act on), easy-to-read and much-read first."""
    score = Value(0, output_field=IntegerField())
    qs = resources_published()
    if audience:
        score = score + Case(When(audiences__slug=audience, then=Value(3)), default=Value(0))
    if territory:
        score = score + Case(
            When(territory=territory, then=Value(2)),
            When(territory=TerritoryType.ANY, then=Value(1)),
            default=Value(0),
        )
    if axis:
        score = score + Case(When(axes__slug=axis, then=Value(3)), default=Value(0))
    rows = (
        qs.annotate(score=score)
        .filter(score__gt=0)
        .values("pk", "score", "easy_read", "read_count")
        .order_by("-score", "-easy_read", "-read_count", "pk")
    )
    best: dict[int, int] = {}
    for row in rows[: limit * 10]:
        best.setdefault(row["pk"], row["score"])
        if len(best) >= limit:
            break
    if not best:
        return []
    by_pk = {r.pk: r for r in _with_taxonomies(Resource.objects.filter(pk__in=best))}
    return [by_pk[pk] for pk in best if pk in by_pk]


# ---------------------------------------------------------------- committee


def committee_members() -> list[CommitteeMember]:
    return list(CommitteeMember.objects.filter(ended_at__isnull=True).select_related("user"))


def committee_agenda() -> QuerySet[Resource]:
    """Proposed resources with the number of reviews of their current round."""
    from django.db.models import F

    return (
        Resource.objects.filter(status=ResourceStatus.PROPOSED)
        .select_related("session", "submitted_by")
        .annotate(review_count=Count("reviews", filter=Q(reviews__review_round=F("review_round"))))
        .order_by("session__held_on", "created_at", "id")
    )


def committee_sessions() -> QuerySet[CommitteeSession]:
    return CommitteeSession.objects.annotate(
        agenda_count=Count("agenda", filter=Q(agenda__status=ResourceStatus.PROPOSED))
    ).order_by("-held_on", "-id")


def decisions_recent(*, limit: int = 20) -> list[ResourceDecision]:
    return list(
        ResourceDecision.objects.select_related("resource").order_by("-created_at", "-id")[:limit]
    )


# ---------------------------------------------------------------- directory


@dataclass
class EntryFilters:
    q: str = ""
    kind: str = ""


def entries_visible(*, filters: EntryFilters | None = None) -> QuerySet[Entry]:
    qs = Entry.objects.filter(status=EntryStatus.VISIBLE)
    if filters:
        if filters.kind in EntryKind.values:
            qs = qs.filter(kind=filters.kind)
        for word in filters.q.split()[:8]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(commune__icontains=word)
                | Q(description__icontains=word)
            )
    return qs.order_by("title", "id")


def entry_get_for(*, user, pk: int) -> Entry | None:
    entry = (
        Entry.objects.select_related("created_by", "updated_by")
        .prefetch_related("pioneers", "projects")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        return None
    if entry.status == EntryStatus.VISIBLE:
        return entry
    from commons.rules import user_is_editor

    return entry if user_is_editor(user) else None


def entries_under_moderation() -> QuerySet[Entry]:
    return Entry.objects.filter(status=EntryStatus.HIDDEN).prefetch_related("reports")


def entries_map_points() -> list[dict]:
    return list(
        entries_visible()
        .filter(latitude__isnull=False)
        .values("id", "title", "kind", "commune", "latitude", "longitude")
    )


def entries_of_pioneer(*, pioneer_id: int) -> list[Entry]:
    return list(entries_visible().filter(pioneers__id=pioneer_id)[:50])
