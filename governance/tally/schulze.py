"""The Schulze method (Condorcet): ballots rank options best first, possibly partially.

d[a][b] counts the ballots that prefer a to b. An option a ballot leaves unranked comes
below every option it ranks, tied with the other unranked ones (no preference between
them). A link a -> b exists when d[a][b] > d[b][a], with strength d[a][b] ("winning
votes"); p[a][b] is the strength of the strongest path from a to b (the widest path,
Floyd-Warshall, O(n³)), 0 when there is none. a beats b when p[a][b] > p[b][a].

Schulze proved that this relation is transitive, but two options may tie with a third
that one of them beats. The ranking therefore takes, in turn, the options no remaining
option beats: they share the next rank, so ranks stay a standard competition ranking and
an option that beats another is always ranked above it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from governance.tally.types import (
    JSON,
    InvalidBallot,
    OptionId,
    RankedOption,
    TallyResult,
    checked_options,
)

type Matrix = tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class SchulzeOption:
    """The options this one beats by strongest paths (p[this][other] > p[other][this])."""

    beats: tuple[OptionId, ...]

    def to_dict(self) -> dict[str, JSON]:
        return {"beats": list(self.beats)}


@dataclass(frozen=True, slots=True)
class SchulzeDetails:
    """The matrices, rows and columns in the order of `options` (as given to the count)."""

    options: tuple[OptionId, ...]
    pairwise: Matrix
    strongest_paths: Matrix

    def d(self, a: OptionId, b: OptionId) -> int:
        """How many ballots prefer a to b."""
        return self.pairwise[self.options.index(a)][self.options.index(b)]

    def p(self, a: OptionId, b: OptionId) -> int:
        """The strength of the strongest path from a to b."""
        return self.strongest_paths[self.options.index(a)][self.options.index(b)]

    def to_dict(self) -> dict[str, JSON]:
        return {
            "options": list(self.options),
            "pairwise": [list(row) for row in self.pairwise],
            "strongest_paths": [list(row) for row in self.strongest_paths],
        }


type SchulzeResult = TallyResult[SchulzeOption, SchulzeDetails]


def schulze(options: Iterable[OptionId], rankings: Iterable[Sequence[OptionId]]) -> SchulzeResult:
    """Rank `options` by the Schulze method from `rankings` (option ids, best first)."""
    options = checked_options(options)
    weights, ballot_count = _distinct_rankings(options, rankings)
    pairwise = _pairwise(options, weights)
    strongest = _strongest_paths(pairwise)
    size = len(options)
    beats = [[strongest[a][b] > strongest[b][a] for b in range(size)] for a in range(size)]
    ranking: list[RankedOption[SchulzeOption]] = []
    remaining = list(range(size))
    while remaining:
        # Never empty: "beats" is a strict partial order (Schulze), so it has no cycle.
        unbeaten = [b for b in remaining if not any(beats[a][b] for a in remaining)]
        rank = len(ranking) + 1
        for b in unbeaten:
            ranking.append(
                RankedOption(
                    option=options[b],
                    rank=rank,
                    details=SchulzeOption(
                        beats=tuple(options[c] for c in range(size) if beats[b][c])
                    ),
                )
            )
        remaining = [b for b in remaining if b not in unbeaten]
    return TallyResult(
        method="schulze",
        ballot_count=ballot_count,
        ranking=tuple(ranking),
        details=SchulzeDetails(
            options=options,
            pairwise=tuple(tuple(row) for row in pairwise),
            strongest_paths=tuple(tuple(row) for row in strongest),
        ),
    )


def _distinct_rankings(
    options: tuple[OptionId, ...], rankings: Iterable[Sequence[OptionId]]
) -> tuple[dict[tuple[int, ...], int], int]:
    """Identical ballots grouped (as option positions) with their number, and the total."""
    position = {option: index for index, option in enumerate(options)}
    weights: dict[tuple[int, ...], int] = {}
    seen: dict[tuple[OptionId, ...], tuple[int, ...]] = {}
    ballot_count = 0
    for index, ranking in enumerate(rankings):
        key = tuple(ranking)
        if (positions := seen.get(key)) is None:
            positions = seen[key] = _positions(position, key, index)
        weights[positions] = weights.get(positions, 0) + 1
        ballot_count += 1
    return weights, ballot_count


def _positions(
    position: dict[OptionId, int], ranking: tuple[OptionId, ...], index: int
) -> tuple[int, ...]:
    positions: list[int] = []
    for option in ranking:
        if option not in position:
            raise InvalidBallot(
                f"unknown option {option!r}.", code="unknown_option", ballot_index=index
            )
        if position[option] in positions:
            raise InvalidBallot(
                f"option {option!r} is ranked twice.", code="duplicate_option", ballot_index=index
            )
        positions.append(position[option])
    return tuple(positions)


def _pairwise(
    options: tuple[OptionId, ...], weights: dict[tuple[int, ...], int]
) -> list[list[int]]:
    size = len(options)
    d = [[0] * size for _ in range(size)]
    for ranking, weight in weights.items():
        unranked = [b for b in range(size) if b not in ranking]
        for place, a in enumerate(ranking):
            row = d[a]
            for b in ranking[place + 1 :]:
                row[b] += weight
            for b in unranked:
                row[b] += weight
    return d


def _strongest_paths(d: list[list[int]]) -> list[list[int]]:
    size = len(d)
    p = [[d[a][b] if d[a][b] > d[b][a] else 0 for b in range(size)] for a in range(size)]
    for via in range(size):
        for a in range(size):
            if a == via:
                continue
            for b in range(size):
                if b not in (a, via):
                    p[a][b] = max(p[a][b], min(p[a][via], p[via][b]))
    return p
