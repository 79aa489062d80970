"""Text search and distance, the same on PostgreSQL and SQLite.

On PostgreSQL each profile keeps two stored ``tsvector`` documents (what the public may
see, what members may see), indexed with GIN, rebuilt in one UPDATE by
``search_documents_refresh``; the query uses ``websearch_to_tsquery``. Elsewhere the
search falls back to ``icontains`` on the same visible fields, word by word.
"""

import math

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    F,
    FloatField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

from pioneers.models import Pioneer, Visibility

CONFIG = "french"
EARTH_RADIUS_KM = 6371.0088


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def _if_visible(column: str, group: str, level: int):
    return Case(
        When(**{f"{group}_visibility__lte": level}, then=F(column)),
        default=Value(""),
        output_field=TextField(),
    )


def _document(level: int) -> SearchVector:
    return (
        SearchVector("display_name", weight="A", config=CONFIG)
        + SearchVector("solution_title", weight="A", config=CONFIG)
        + SearchVector(_if_visible("skills_text", "skills", level), weight="B", config=CONFIG)
        + SearchVector(_if_visible("commune", "location", level), weight="B", config=CONFIG)
        + SearchVector(
            _if_visible("solution_description", "description", level), weight="C", config=CONFIG
        )
    )


def search_documents_refresh(*, pioneer_ids: list[int] | None = None) -> None:
    """Rebuild the stored documents (one UPDATE); nothing to do without PostgreSQL."""
    if not full_text_available():
        return
    qs = (
        Pioneer.objects.all() if pioneer_ids is None else Pioneer.objects.filter(pk__in=pioneer_ids)
    )
    qs.update(
        search_public=_document(Visibility.PUBLIC), search_members=_document(Visibility.MEMBERS)
    )


def search_filter(qs: QuerySet[Pioneer], *, text: str, level: int) -> QuerySet[Pioneer]:
    """Pioneers matching ``text`` on the fields visible at ``level``, best first on PostgreSQL.

    A private field is never searched, not even for its owner: a search must not reveal
    what a field the others cannot see contains.
    """
    text = text.strip()[:200]
    if not text:
        return qs
    column = "search_public" if level < Visibility.MEMBERS else "search_members"
    if full_text_available():
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
        return (
            qs.filter(**{column: query})
            .annotate(rank=SearchRank(F(column), query))
            .order_by("-rank", "display_name", "id")
        )
    for word in text.split()[:8]:
        word_q = Q(display_name__icontains=word) | Q(solution_title__icontains=word)
        for column_name, group in (
            ("skills_text", "skills"),
            ("commune", "location"),
            ("solution_description", "description"),
        ):
            word_q |= Q(**{f"{column_name}__icontains": word, f"{group}_visibility__lte": level})
        qs = qs.filter(word_q)
    return qs


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float] | None:
    """(min_lat, max_lat, min_lon, max_lon) around a point, or None when it would wrap."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    cos_lat = math.cos(math.radians(lat))
    if cos_lat < 1e-6:
        return None
    dlon = math.degrees(km / (EARTH_RADIUS_KM * cos_lat))
    if lat - dlat < -90 or lat + dlat > 90 or lon - dlon < -180 or lon + dlon > 180:
        return None
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def distance_km_expression(lat: float, lon: float):
    """Haversine distance from (lat, lon) to each row's position, in SQL (any backend)."""
    lat1, lon1 = math.radians(lat), math.radians(lon)
    dlat = (Radians(F("latitude")) - Value(lat1)) / 2
    dlon = (Radians(F("longitude")) - Value(lon1)) / 2
    a = Power(Sin(dlat), 2) + Value(math.cos(lat1)) * Cos(Radians(F("latitude"))) * Power(
        Sin(dlon), 2
    )
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(a), output_field=FloatField())


def near_filter(qs: QuerySet[Pioneer], *, lat: float, lon: float, km: float) -> QuerySet[Pioneer]:
    """Within ``km`` of the point: an indexed bounding box first, then the exact distance."""
    box = bounding_box(lat, lon, km)
    if box is not None:
        qs = qs.filter(
            latitude__gte=box[0], latitude__lte=box[1], longitude__gte=box[2], longitude__lte=box[3]
        )
    return (
        qs.filter(latitude__isnull=False)
        .annotate(distance_km=distance_km_expression(lat, lon))
        .filter(distance_km__lte=km)
    )
