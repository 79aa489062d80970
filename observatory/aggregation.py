"""From per-commune figures to every scale: pure roll-up (no Django)."""

from collections import defaultdict
from collections.abc import Mapping

# commune key -> its enclosing territories' keys, by scale.
Enclosing = Mapping[str, Mapping[str, str | None]]
SCALES = ("commune", "epci", "department", "region", "country")


def roll_up(
    by_commune: Mapping[str, tuple[float, int]], enclosing: Enclosing
) -> dict[tuple[str, str], tuple[float, int]]:
    """{(scale, territory key): (total, sources)}: each territory's figure is the sum of
    its communes' totals and sources (a mean is total / sources at every scale)."""
    out: dict[tuple[str, str], list] = defaultdict(lambda: [0.0, 0])
    for commune, (total, sources) in by_commune.items():
        places = enclosing.get(commune)
        if places is None:
            continue
        for scale in SCALES:
            key = places.get(scale)
            if key:
                cell = out[(scale, key)]
                cell[0] += total
                cell[1] += sources
    return {place: (total, sources) for place, (total, sources) in out.items()}
