"""Writes and the commune resolver every app calls."""

import re
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from backend.core.services import audit_record
from territories.loader import load_territories
from territories.models import Territory, TerritoryDataset, TerritoryKind
from territories.normalize import normalize_name

_POSTCODE = re.compile(r"\b(\d{5})\b")


def _parse(name: str | None, postcode: str | None) -> tuple[str, str]:
    name = name or ""
    postcode = (postcode or "").strip()
    if not postcode:
        match = _POSTCODE.search(name)
        postcode = match.group(1) if match else ""
    return normalize_name(_POSTCODE.sub(" ", name)), postcode


def _choose(candidates: list[Territory], postcode: str) -> Territory | None:
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1 and postcode:
        by_code = [c for c in candidates if postcode in c.postcodes.split()]
        if len(by_code) == 1:
            return by_code[0]
        department = postcode[:3] if postcode.startswith("97") else postcode[:2]
        by_dep = [c for c in candidates if c.department_id == f"dep-{department}"]
        if len(by_dep) == 1:
            return by_dep[0]
    return None


def _communes(model=None):
    return (model or Territory).objects.filter(kind=TerritoryKind.COMMUNE, active=True)


def territory_resolve_communes(
    pairs: Iterable[tuple[str | None, str | None]], *, model=None
) -> dict[tuple[str | None, str | None], Territory | None]:
    """Resolve many (commune name, postcode) pairs at once: one query per 500 names, plus
    one per pair only a postcode can resolve."""
    parsed = {pair: _parse(*pair) for pair in set(pairs)}
    names = sorted({wanted for wanted, _code in parsed.values() if wanted})
    by_name: dict[str, list[Territory]] = defaultdict(list)
    for start in range(0, len(names), 500):
        for commune in _communes(model).filter(search_name__in=names[start : start + 500]):
            by_name[commune.search_name].append(commune)
    by_postcode: dict[str, Territory | None] = {}
    result = {}
    for pair, (wanted, postcode) in parsed.items():
        found = _choose(by_name.get(wanted, []), postcode) if wanted else None
        if found is None and len(postcode) == 5:
            if postcode not in by_postcode:
                candidates = list(_communes(model).filter(postcodes__contains=postcode)[:2])
                by_postcode[postcode] = candidates[0] if len(candidates) == 1 else None
            found = by_postcode[postcode]
        result[pair] = found
    return result


def territory_resolve_commune(
    *, name: str | None, postcode: str | None = None, insee: str | None = None
) -> Territory | None:
    """The commune territory a free-text commune designates, or None when unknown or
    ambiguous. ``insee`` wins; then the name (a postcode among its words counts too),
    narrowed by the postcode or its département when several communes share the name;
    then the postcode alone when it belongs to one commune only. At most three queries."""
    if insee:
        found = _communes().filter(code=insee.strip().upper()).first()
        if found:
            return found
    return territory_resolve_communes([(name, postcode)])[(name, postcode)]


def territories_load(*, force: bool = False, actor=None) -> int:
    """Load (or update) the territories from the committed data file; idempotent."""
    with transaction.atomic():
        written = load_territories(Territory, TerritoryDataset, force=force)
        if written:
            audit_record(
                actor=actor,
                action="territories.load",
                target=TerritoryDataset.objects.first(),
                data={"rows": written},
            )
    return written
