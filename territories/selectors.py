from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from territories.models import Territory, TerritoryDataset, TerritoryKind
from territories.normalize import normalize_name
from territories.registry import (
    provider_value,
    provider_values_by_child,
    territory_fact_providers,
)


@dataclass
class Fact:
    key: str
    label: str
    unit: str
    value: int


@dataclass
class ChildRow:
    territory: Territory
    values: list[Fact] = field(default_factory=list)


def territory_get(*, key: str) -> Territory:
    return Territory.objects.select_related("parent", "department", "region").get(key=key)


def territory_ancestors(territory: Territory) -> list[Territory]:
    """From France down to the parent (at most four queries, usually cached FKs)."""
    chain = []
    node = territory.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def territory_search(*, query: str, limit: int = 50) -> QuerySet[Territory]:
    qs = Territory.objects.filter(active=True).select_related("department")
    query = (query or "").strip()
    if not query:
        return qs.filter(kind__in=[TerritoryKind.COUNTRY, TerritoryKind.REGION]).order_by(
            "kind", "name"
        )
    wanted = normalize_name(query)
    return qs.filter(
        Q(search_name__startswith=wanted) | Q(code=query.upper()) | Q(postcodes__contains=query)
    ).order_by("search_name", "key")[:limit]


def territory_facts(territory: Territory) -> tuple[list[Fact], list[ChildRow]]:
    """The territory's figures and its sub-territories' (two queries per provider + one)."""
    providers = territory_fact_providers()
    facts = [Fact(p.key, str(p.label), p.unit, provider_value(p, territory)) for p in providers]
    if territory.kind == TerritoryKind.COMMUNE:
        return facts, []
    children = list(territory.children.filter(active=True).order_by("name"))
    by_child = [provider_values_by_child(p, territory) for p in providers]
    rows = [
        ChildRow(
            child,
            [
                Fact(p.key, "", p.unit, values.get(child.key, 0))
                for p, values in zip(providers, by_child, strict=True)
            ],
        )
        for child in children
    ]
    return facts, rows


def territory_dataset() -> TerritoryDataset | None:
    return TerritoryDataset.objects.first()
