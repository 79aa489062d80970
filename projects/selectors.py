from collections.abc import Iterable
from dataclasses import dataclass

import rules
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from backend.accounts.models import User
from governance.models import CooperativeSettings
from governance.votes.models import Vote, VoteOption
from pioneers.models import Skill
from projects.lifecycle import PRIVATE_STATES
from projects.models import (
    Comment,
    ConcernFlag,
    Project,
    ProjectNeed,
    ProjectStatus,
    ProjectTransition,
    RankingEntry,
    RankingSnapshot,
)
from projects.needs import needs_text_split, skill_key


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
        Prefetch("authors", queryset=User.objects.order_by("last_name", "first_name")),
        "themes",
        Prefetch("needs", queryset=ProjectNeed.objects.select_related("skill")),
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


def ranking_extra_criteria(extra_weights: dict[str, int] | None) -> list[dict]:
    """The optional criteria a ranking weighs (weight > 0) with their label, from its
    ``extra_weights``: the terms its published formula adds (ranking page, federation)."""
    from projects.ranking_criteria import ranking_criterion

    out = []
    for key, weight in sorted((extra_weights or {}).items()):
        if weight > 0:
            criterion = ranking_criterion(key)
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


def skills_by_name(names: Iterable[str]) -> tuple[dict[str, Skill], list[str]]:
    """The skills these names designate (case- and accent-insensitive), keyed by the
    name as given, and the names no skill matches (one query)."""
    given = [" ".join(str(n).split()) for n in names if str(n).strip()]
    keys = {skill_key(n) for n in given}
    by_key = {s.slug: s for s in Skill.objects.filter(slug__in=keys)}
    found = {n: by_key[skill_key(n)] for n in given if skill_key(n) in by_key}
    return found, [n for n in given if skill_key(n) not in by_key]


def needed_skills_text_split(text: str) -> tuple[list[Skill], str]:
    """The old comma list: known skills become needs, the rest stays as the note."""
    parts = [p for p in str(text or "").replace(";", ",").split(",") if p.strip()]
    known = {
        skill_key(s.slug): s for s in Skill.objects.filter(slug__in={skill_key(p) for p in parts})
    }
    skills, leftover = needs_text_split(text, known)
    return skills, ", ".join(leftover)


def project_vote_decisions(*, project: Project) -> list:
    """The closed votes that decided on this project (it was one of their options), with
    the coordinator's public reason when they overrode the count: one query."""
    return list(
        Vote.objects.filter(
            options__subject_kind=VoteOption.PROJECT,
            options__subject_id=project.pk,
            outcome_applied_at__isnull=False,
        ).order_by("-closed_at", "-id")[:20]
    )


QUEUE_REST_SIZE = 50


@dataclass
class QueueRow:
    project: Project
    entry: RankingEntry | None  # its score breakdown (the latest ranking it appears in)
    start_reason: str = ""  # a running project started out of the ranking's order


@dataclass
class RankingQueue:
    running: list[QueueRow]
    next: QueueRow | None
    rest: list[QueueRow]
    rest_more: bool


def ranking_queue(*, snapshot: RankingSnapshot | None) -> RankingQueue:
    """Projects one by one, in order of impact (issue 15 §2): those in progress (with the
    public reason of a start out of order), the next selected one of the published ranking,
    then the other selected ones in rank order. Four queries whatever the numbers."""
    running = list(
        Project.objects.filter(status=ProjectStatus.IN_PROGRESS).order_by("pk")[:QUEUE_REST_SIZE]
    )
    ids = [p.pk for p in running]
    entries: dict[int, RankingEntry] = {}
    for entry in RankingEntry.objects.filter(project_id__in=ids).order_by(
        "-snapshot__published_at", "-snapshot_id"
    ):
        entries.setdefault(entry.project_id, entry)
    reasons: dict[int, str] = {}
    for transition in ProjectTransition.objects.filter(
        project_id__in=ids, to_status=ProjectStatus.IN_PROGRESS
    ).order_by("created_at", "id"):
        reasons[transition.project_id] = transition.reason if transition.out_of_order else ""
    rows = [QueueRow(p, entries.get(p.pk), reasons.get(p.pk, "")) for p in running]
    selected = []
    if snapshot is not None:
        selected = list(
            snapshot.entries.filter(project__status=ProjectStatus.SELECTED)
            .select_related("project")
            .order_by("rank", "id")[: QUEUE_REST_SIZE + 2]
        )
    queue = [QueueRow(e.project, e) for e in selected]
    return RankingQueue(
        running=rows,
        next=queue[0] if queue else None,
        rest=queue[1 : QUEUE_REST_SIZE + 1],
        rest_more=len(queue) > QUEUE_REST_SIZE + 1,
    )


def max_projects_in_progress() -> int:
    """The cooperative's cap on projects in progress (1 until the settings row exists)."""
    value = CooperativeSettings.objects.filter(pk=1).values_list(
        "max_projects_in_progress", flat=True
    )
    return value.first() or 1


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
