"""Territory facts: apps above ``territories`` register what they count in a territory.

A provider names a base queryset, the path from its rows to their commune territory and
an aggregate (a count, a sum of minutes or of cents). ``territories`` turns it into one
query for the territory's figure and one for its sub-territories' figures, whatever the
data size. Pioneers, projects and the marketplace register theirs in ``AppConfig.ready``;
events and commons add theirs the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from territories.models import Territory, TerritoryKind


@dataclass(frozen=True)
class FactProvider:
    key: str
    label: Any  # a lazy translation
    queryset: Callable[[], QuerySet]
    territory_path: str  # e.g. "territory" or "listing__territory"
    aggregate: Callable[[], Any]  # e.g. lambda: Count("pk")
    unit: str = "count"  # "count" | "minutes" | "cents"
    order: int = 100
    # The row's date, for figures over a period (the observatory's last year, 3 years).
    date_field: str = "created_at"


_PROVIDERS: dict[str, FactProvider] = {}


@dataclass(frozen=True)
class LocatedModel:
    """Rows that point to a commune territory, for the list of unresolved ones."""

    label: str
    unresolved: Callable[[], QuerySet]  # rows with a place but no territory
    describe: Callable[[Any], str]


_LOCATED: dict[str, LocatedModel] = {}


def territory_located_register(located: LocatedModel) -> None:
    _LOCATED[located.label] = located


def territory_located_models() -> list[LocatedModel]:
    return [_LOCATED[label] for label in sorted(_LOCATED)]


def territory_facts_register(provider: FactProvider) -> None:
    _PROVIDERS[provider.key] = provider


def territory_fact_providers() -> list[FactProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.key))


def scope_q(territory: Territory, path: str) -> Q:
    """Rows whose commune lies in ``territory``."""
    if territory.kind == TerritoryKind.COUNTRY:
        return Q(**{f"{path}__isnull": False})
    if territory.kind == TerritoryKind.REGION:
        return Q(**{f"{path}__region_id": territory.key})
    if territory.kind == TerritoryKind.DEPARTMENT:
        return Q(**{f"{path}__department_id": territory.key})
    if territory.kind == TerritoryKind.EPCI:
        return Q(**{f"{path}__parent_id": territory.key})
    return Q(**{f"{path}_id": territory.key})


def child_path(territory: Territory, path: str) -> str | None:
    """The column that names a row's sub-territory of ``territory`` (None for a commune)."""
    return {
        TerritoryKind.COUNTRY: f"{path}__region_id",
        TerritoryKind.REGION: f"{path}__department_id",
        TerritoryKind.DEPARTMENT: f"{path}__parent_id",
        TerritoryKind.EPCI: f"{path}_id",
    }.get(territory.kind)


def provider_value(provider: FactProvider, territory: Territory) -> int:
    qs = provider.queryset().filter(scope_q(territory, provider.territory_path))
    return qs.aggregate(value=provider.aggregate())["value"] or 0


def provider_values_by_child(provider: FactProvider, territory: Territory) -> dict[str, int]:
    column = child_path(territory, provider.territory_path)
    if column is None:
        return {}
    qs = (
        provider.queryset()
        .filter(scope_q(territory, provider.territory_path))
        .values(column)
        .annotate(value=provider.aggregate())
        .order_by()
    )
    return {row[column]: row["value"] or 0 for row in qs}


def provider_values_by_commune(provider: FactProvider, **filters) -> dict[str, int]:
    """{commune key: value} over the whole country (the observatory's base figures)."""
    column = f"{provider.territory_path}_id"
    qs = (
        provider.queryset()
        .filter(**{f"{provider.territory_path}__isnull": False}, **filters)
        .values(column)
        .annotate(value=provider.aggregate())
        .order_by()
    )
    return {row[column]: row["value"] or 0 for row in qs}
