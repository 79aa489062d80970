"""Every read of the pioneers app, with its joins; visibility comes from ``visibility``."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Avg, Count, Max, Prefetch, QuerySet, Sum

from governance.models import College
from pioneers.models import (
    OPEN_STATUSES,
    Application,
    ApplicationScore,
    Criterion,
    CriterionLevel,
    Pioneer,
    Skill,
    Theme,
)
from pioneers.search import near_filter, search_filter
from pioneers.visibility import CARD_COLUMNS, Viewer, redact, visible_q


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    theme: str = ""
    skill: str = ""
    commune: str = ""
    department: str = ""
    lat: float | None = None
    lon: float | None = None
    km: float | None = None

    @property
    def near(self) -> bool:
        return self.lat is not None and self.lon is not None and self.km is not None


def _filtered(viewer: Viewer, filters: DirectoryFilters) -> QuerySet[Pioneer]:
    qs = Pioneer.objects.all()
    if filters.theme:
        qs = qs.filter(themes__slug=filters.theme)
    if filters.skill:
        qs = qs.filter(visible_q(viewer, "skills"), skills__slug=filters.skill)
    if filters.commune:
        qs = qs.filter(visible_q(viewer, "location"), commune__iexact=filters.commune.strip())
    if filters.department:
        qs = qs.filter(visible_q(viewer, "location"), department=filters.department.strip().upper())
    if filters.near:
        qs = near_filter(
            qs.filter(visible_q(viewer, "position")),
            lat=filters.lat,
            lon=filters.lon,
            km=filters.km,
        )
    if filters.q:
        qs = search_filter(qs, text=filters.q, level=viewer.level)
    elif filters.near:
        qs = qs.order_by("distance_km", "id")
    else:
        qs = qs.order_by("display_name", "id")
    return qs


def pioneer_directory(*, viewer: Viewer, filters: DirectoryFilters) -> QuerySet[Pioneer]:
    """The directory: a page of it costs a count, the rows and two prefetches."""
    return _filtered(viewer, filters).prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("position")),
        Prefetch("skills", queryset=Skill.objects.order_by("name")),
    )


def pioneer_get(*, pioneer_id: int) -> Pioneer:
    return Pioneer.objects.prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("position")),
        Prefetch("skills", queryset=Skill.objects.order_by("name")),
    ).get(pk=pioneer_id)


def pioneer_of(user) -> Pioneer | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Pioneer.objects.filter(user=user)
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("position")),
            Prefetch("skills", queryset=Skill.objects.order_by("name")),
        )
        .first()
    )


MAP_CACHE_SECONDS = 600


def pioneer_map_geojson(*, viewer: Viewer, filters: DirectoryFilters) -> bytes:
    """The map as GeoJSON bytes.

    The anonymous map (most of the traffic, the same for every visitor) is cached as
    bytes; its key holds the number of profiles and their latest change, so that a new,
    edited or removed profile shows at once: one aggregate query instead of reading,
    redacting and encoding thousands of features.
    """
    if not viewer.is_anonymous:
        return _geojson(pioneer_map_features(viewer=viewer, filters=filters))
    stamp = Pioneer.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    key = (
        "pioneers:map:"
        + hashlib.sha256(
            repr((viewer.level, asdict(filters), stamp["n"], stamp["last"])).encode()
        ).hexdigest()
    )
    body = cache.get(key)
    if body is None:
        body = _geojson(pioneer_map_features(viewer=viewer, filters=filters))
        cache.set(key, body, MAP_CACHE_SECONDS)
    return body


def _geojson(features: list[dict[str, Any]]) -> bytes:
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def pioneer_map_features(*, viewer: Viewer, filters: DirectoryFilters) -> list[dict[str, Any]]:
    """GeoJSON features of the positions this viewer may see: one query, no instances."""
    qs = _filtered(viewer, filters).filter(visible_q(viewer, "position"), latitude__isnull=False)
    features = []
    for row in qs.order_by().values(*CARD_COLUMNS).iterator(chunk_size=2000):
        card = redact(viewer, row)
        features.append(
            {
                "type": "Feature",
                "id": card["id"],
                "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
                "properties": {
                    "name": card["display_name"],
                    "title": card["solution_title"],
                    "url": card["url"],
                    "commune": card.get("commune", ""),
                },
            }
        )
    return features


def themes_all() -> QuerySet[Theme]:
    return Theme.objects.order_by("position", "slug")


def skills_used() -> QuerySet[Skill]:
    return Skill.objects.annotate(n=Count("pioneers")).filter(n__gt=0).order_by("name")


def pioneers_college() -> College | None:
    return College.objects.filter(is_pioneers=True).first()


# ---------------------------------------------------------------- admission


def criteria_with_levels() -> QuerySet[Criterion]:
    return Criterion.objects.filter(is_active=True).prefetch_related(
        Prefetch("levels", queryset=CriterionLevel.objects.order_by("value"))
    )


def application_open_of(user) -> Application | None:
    if user is None or not user.is_authenticated:
        return None
    return Application.objects.filter(user=user, status__in=OPEN_STATUSES).first()


def applications_of(user) -> QuerySet[Application]:
    return Application.objects.filter(user=user).prefetch_related("decisions")


def application_list(*, status: str = "") -> QuerySet[Application]:
    qs = (
        Application.objects.select_related("user")
        .annotate(score_count=Count("scores__scorer", distinct=True))
        .order_by("-created_at", "-id")
    )
    return qs.filter(status=status) if status else qs


@dataclass
class CriterionSummary:
    criterion: Criterion
    count: int = 0
    total: int = 0
    average: float | None = None
    mine: ApplicationScore | None = None
    scores: list[ApplicationScore] = field(default_factory=list)


@dataclass
class ScoreSheet:
    rows: list[CriterionSummary]
    jurors: int
    total_of_averages: float | None
    max_total: int


def application_score_sheet(*, application: Application, user=None) -> ScoreSheet:
    """Per criterion: the jurors' scores, their count, total and average (three queries)."""
    criteria = list(criteria_with_levels())
    stats = {
        row["criterion"]: row
        for row in ApplicationScore.objects.filter(application=application)
        .values("criterion")
        .annotate(count=Count("id"), total=Sum("value"), average=Avg("value"))
    }
    scores = list(
        ApplicationScore.objects.filter(application=application)
        .select_related("scorer")
        .order_by("criterion_id", "scorer__last_name", "id")
    )
    rows = []
    for criterion in criteria:
        stat = stats.get(criterion.pk, {})
        mine_list = [s for s in scores if s.criterion_id == criterion.pk]
        rows.append(
            CriterionSummary(
                criterion=criterion,
                count=stat.get("count", 0),
                total=stat.get("total") or 0,
                average=round(stat["average"], 2) if stat.get("average") is not None else None,
                mine=next(
                    (s for s in mine_list if user is not None and s.scorer_id == user.pk), None
                ),
                scores=mine_list,
            )
        )
    averages = [r.average for r in rows if r.average is not None]
    return ScoreSheet(
        rows=rows,
        jurors=len({s.scorer_id for s in scores}),
        total_of_averages=round(sum(averages), 2) if averages else None,
        max_total=sum(max((lv.value for lv in c.levels.all()), default=0) for c in criteria),
    )
