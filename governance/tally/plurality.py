"""Plurality: each ballot chooses one option; most votes first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from governance.tally.types import (
    CountDetails,
    InvalidBallot,
    NoDetails,
    OptionId,
    TallyResult,
    checked_options,
    counts_checked,
    rank_by_count,
)


def plurality(
    options: Iterable[OptionId],
    *,
    choices: Iterable[OptionId] | None = None,
    counts: Mapping[OptionId, int] | None = None,
) -> TallyResult[CountDetails, NoDetails]:
    """Rank `options` by votes, from the choices (one option per ballot) or per-option counts."""
    options = checked_options(options)
    if choices is not None and counts is None:
        choices = list(choices)
        tally = Counter(choices)
        if unknown := tally.keys() - set(options):
            index, option = next((i, o) for i, o in enumerate(choices) if o in unknown)
            raise InvalidBallot(
                f"unknown option {option!r}.", code="unknown_option", ballot_index=index
            )
        votes = counts_checked(options, tally)
    elif counts is not None and choices is None:
        votes = counts_checked(options, counts)
    else:
        raise TypeError("Give either counts or choices.")
    return rank_by_count("plurality", options, votes, sum(votes.values()))
