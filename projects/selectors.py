import rules
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from backend.accounts.models import User
from projects.lifecycle import PRIVATE_STATES
from projects.models import (
    Comment,
    ConcernFlag,
    Project,
    ProjectTransition,
    RankingEntry,
    RankingSnapshot,
)


def project_visible_to(user) -> QuerySet[Project]:
    """Every project the person may see: drafts only to their authors and the coordinator."""
    qs = Project.objects.all()
    if user is not None and rules.has_perm("projects.review_project", user):
        return qs
    public = ~Q(status__in=PRIVATE_STATES)
    if user and user.is_authenticated:
        return qs.filter(
            public | Q(pk__in=Project.authors.through.objects.filter(user=user).values("project"))
        )
    return qs.filter(public)


def project_list(
    *, user, status: str | None = None, author_id: int | None = None, theme: str | None = None
) -> QuerySet[Project]:
    qs = project_visible_to(user).prefetch_related(
        Prefetch("authors", queryset=User.objects.order_by("last_name", "first_name")), "themes"
    )
    if theme:
        qs = qs.filter(themes__slug=theme)
    if status:
        qs = qs.filter(status=status)
    if author_id:
        qs = qs.filter(authors__pk=author_id)
    if user and user.is_authenticated:
        qs = qs.annotate(
            concerned=Exists(ConcernFlag.objects.filter(project=OuterRef("pk"), user=user))
        )
    return qs.order_by("-created_at", "-id")


def project_get(*, user, pk: int | None = None, slug: str | None = None) -> Project:
    """One visible project with what its page shows (raises Project.DoesNotExist)."""
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    return (
        project_list(user=user)
        .prefetch_related(
            "attachments",
            "milestones",
            "updates__author",
            Prefetch("transitions", queryset=ProjectTransition.objects.select_related("actor")),
        )
        .get(**lookup)
    )


def project_comments(*, project: Project) -> list[Comment]:
    """Top-level comments with their replies (two queries whatever their number)."""
    replies = Comment.objects.select_related("author", "hidden_by").order_by("created_at", "id")
    return list(
        project.comments.filter(parent__isnull=True)
        .select_related("author", "hidden_by")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "id")
    )


def _snapshots() -> QuerySet[RankingSnapshot]:
    return (
        RankingSnapshot.objects.select_related("published_by")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=RankingEntry.objects.select_related("project").order_by("rank", "id"),
            )
        )
        .order_by("-published_at", "-id")
    )


def ranking_latest() -> RankingSnapshot | None:
    return _snapshots().first()


def ranking_latest_snapshot() -> RankingSnapshot | None:
    """The latest published ranking without its entries (page them with ranking_entries)."""
    return RankingSnapshot.objects.order_by("-published_at", "-id").first()


def ranking_extra_criteria(snapshot: RankingSnapshot | None) -> list[dict]:
    """The optional criteria a published ranking weighed (weight > 0), with their label:
    the terms its published formula adds."""
    from projects.ranking_criteria import ranking_criterion

    if snapshot is None:
        return []
    out = []
    for key, weight in sorted((snapshot.extra_weights or {}).items()):
        criterion = ranking_criterion(key)
        if weight > 0:
            out.append(
                {"key": key, "weight": weight, "label": criterion.label if criterion else key}
            )
    return out


def ranking_entries(*, snapshot: RankingSnapshot) -> QuerySet[RankingEntry]:
    return snapshot.entries.select_related("project").order_by("rank", "id")


RANKING_ROW_FIELDS = (
    "project_id", "project__title", "project__status", "rank", "score", "criteria", "moved",
    "justification",
)  # fmt: skip


def ranking_latest_rows() -> list[dict]:
    """The latest ranking as the API's plain rows: one query of values, no model instance
    nor serializer field per entry (a national ranking has thousands of projects)."""
    latest = RankingSnapshot.objects.order_by("-published_at", "-id").values("pk")[:1]
    rows = (
        RankingEntry.objects.filter(snapshot_id=Subquery(latest))
        .order_by("rank", "id")
        .values_list(*RANKING_ROW_FIELDS)
    )
    return [
        {
            "project": project,
            "title": title,
            "status": status,
            "rank": rank,
            "score": score,
            "criteria": criteria,
            "moved": moved,
            "justification": justification,
        }
        for project, title, status, rank, score, criteria, moved, justification in rows
    ]


def ranking_get(*, pk: int) -> RankingSnapshot:
    return _snapshots().get(pk=pk)


def ranking_history() -> QuerySet[RankingSnapshot]:
    """Every published ranking with its entries, newest first (paginate it)."""
    return _snapshots()


def ranking_history_summaries() -> QuerySet[RankingSnapshot]:
    """Published rankings without their entries, for the history list."""
    return (
        RankingSnapshot.objects.select_related("published_by")
        .annotate(entry_count=Count("entries"))
        .order_by("-published_at", "-id")
    )


def queue_next(*, snapshot: RankingSnapshot | None) -> Project | None:
    """The next project to carry out: the best-ranked one still selected."""
    if snapshot is None:
        return None
    entry = (
        snapshot.entries.filter(project__status="selected")
        .select_related("project")
        .order_by("rank", "id")
        .first()
    )
    return entry.project if entry else None


def project_list_authored(*, user) -> QuerySet[Project]:
    """The projects the person authors, latest activity first (one query)."""
    if user is None or not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(authors=user).order_by("-updated_at", "-id")


def project_commune_of(people: list[User]) -> str | None:
    """A project lies in the commune of the pioneer who proposes it, or else of the
    first co-author with a located pioneer profile."""
    from pioneers.models import Pioneer

    located = dict(
        Pioneer.objects.filter(user__in=people, territory__isnull=False).values_list(
            "user_id", "territory_id"
        )
    )
    return next((located[p.pk] for p in people if p.pk in located), None)
