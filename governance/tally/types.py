"""Types shared by every counting method: results, errors and the ranking helper.

Nothing here knows about Django: the engine takes plain Python values and returns frozen
dataclasses whose `to_dict()` gives JSON-ready data for the vote to store at close.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

type OptionId = int | str
"""An option's identifier: in Terreau the option's primary key, in tests often a letter."""

type JSON = bool | int | float | str | list[JSON] | dict[str, JSON] | None

type Method = Literal["majority_judgment", "approval", "schulze", "plurality"]


class TallyError(ValueError):
    """Input the engine cannot count: a machine `code` and a message a person can read."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidBallot(TallyError):
    """One ballot is wrong (unknown option, duplicate, grade out of range...).

    `ballot_index` is the ballot's position (0-based) in the order the ballots were given.
    """

    def __init__(self, message: str, *, code: str, ballot_index: int | None = None) -> None:
        if ballot_index is not None:
            message = f"Ballot {ballot_index + 1}: {message}"
        super().__init__(message, code=code)
        self.ballot_index = ballot_index


class Serialisable(Protocol):
    def to_dict(self) -> dict[str, JSON]: ...


@dataclass(frozen=True, slots=True)
class RankedOption[D: Serialisable]:
    """One option's place: `rank` 1 is the best; equal options share a rank (1, 1, 3...)."""

    option: OptionId
    rank: int
    details: D

    def to_dict(self) -> dict[str, JSON]:
        return {"option": self.option, "rank": self.rank, **self.details.to_dict()}


@dataclass(frozen=True, slots=True)
class TallyResult[D: Serialisable, M: Serialisable]:
    """The outcome of a count: options best first, with what explains each place.

    `ranking` lists every option once, ordered by rank; options sharing a rank keep the
    order in which they were given. `details` holds what concerns the whole count (the
    grade scale, the pairwise matrices...).
    """

    method: Method
    ballot_count: int
    ranking: tuple[RankedOption[D], ...]
    details: M

    def rank_of(self, option: OptionId) -> int:
        for placed in self.ranking:
            if placed.option == option:
                return placed.rank
        raise KeyError(option)

    def winners(self) -> list[OptionId]:
        return [placed.option for placed in self.ranking if placed.rank == 1]

    def to_dict(self) -> dict[str, JSON]:
        return {
            "method": self.method,
            "ballot_count": self.ballot_count,
            "ranking": [placed.to_dict() for placed in self.ranking],
            **self.details.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class NoDetails:
    def to_dict(self) -> dict[str, JSON]:
        return {}


def checked_options(options: Iterable[OptionId]) -> tuple[OptionId, ...]:
    """The options as a tuple, refusing an empty list and duplicates."""
    checked = tuple(options)
    if not checked:
        raise TallyError("A vote needs at least one option.", code="no_options")
    seen: set[OptionId] = set()
    for option in checked:
        if option in seen:
            raise TallyError(f"Option {option!r} is listed twice.", code="duplicate_option")
        seen.add(option)
    return checked


def share(count: int, total: int) -> float:
    return count / total if total else 0.0


def competition_ranks[T](ordered: Sequence[T], same: Callable[[T, T], bool]) -> list[int]:
    """Standard competition ranks (1, 1, 3...) of items already sorted best first.

    `same(previous, current)` tells whether two neighbours are equal; the order must be a
    total preorder, so that equality of neighbours is equality of the whole group.
    """
    ranks: list[int] = []
    for position, item in enumerate(ordered):
        if position and same(ordered[position - 1], item):
            ranks.append(ranks[-1])
        else:
            ranks.append(position + 1)
    return ranks


@dataclass(frozen=True, slots=True)
class CountDetails:
    """How many ballots chose (plurality) or approved (approval) the option, and their share."""

    count: int
    share: float

    def to_dict(self) -> dict[str, JSON]:
        return {"count": self.count, "share": self.share}


def rank_by_count(
    method: Method, options: tuple[OptionId, ...], counts: dict[OptionId, int], ballot_count: int
) -> TallyResult[CountDetails, NoDetails]:
    ordered = sorted(options, key=lambda option: -counts[option])
    ranks = competition_ranks(ordered, lambda a, b: counts[a] == counts[b])
    return TallyResult(
        method=method,
        ballot_count=ballot_count,
        ranking=tuple(
            RankedOption(
                option=option,
                rank=rank,
                details=CountDetails(
                    count=counts[option], share=share(counts[option], ballot_count)
                ),
            )
            for option, rank in zip(ordered, ranks, strict=True)
        ),
        details=NoDetails(),
    )


def counts_checked(
    options: tuple[OptionId, ...], counts: Mapping[OptionId, int]
) -> dict[OptionId, int]:
    """Per-option counts (absent options: 0), refusing unknown options and bad numbers."""
    checked = dict.fromkeys(options, 0)
    for option, count in counts.items():
        if option not in checked:
            raise TallyError(f"Unknown option {option!r} in the counts.", code="unknown_option")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise TallyError(
                f"Count {count!r} for option {option!r} is not a whole number >= 0.",
                code="invalid_count",
            )
        checked[option] = count
    return checked
