"""Approval voting: each ballot approves any number of options; most approvals first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from governance.tally.types import (
    CountDetails,
    InvalidBallot,
    NoDetails,
    OptionId,
    TallyError,
    TallyResult,
    checked_options,
    counts_checked,
    rank_by_count,
)


def approval(
    options: Iterable[OptionId],
    *,
    ballots: Iterable[Iterable[OptionId]] | None = None,
    counts: Mapping[OptionId, int] | None = None,
    ballot_count: int | None = None,
) -> TallyResult[CountDetails, NoDetails]:
    """Rank `options` by approvals, from ballots (each the options it approves) or counts.

    A share is the part of the ballots cast that approve the option (an empty ballot is
    cast and approves nothing), so counts need `ballot_count`.
    """
    options = checked_options(options)
    if ballots is not None and counts is None and ballot_count is None:
        approvals, ballot_count = _approvals_from_ballots(options, ballots)
    elif counts is not None and ballots is None and ballot_count is not None:
        approvals = counts_checked(options, counts)
        if any(count > ballot_count for count in approvals.values()):
            raise TallyError(
                f"An option has more approvals than the {ballot_count} ballots cast.",
                code="invalid_count",
            )
    else:
        raise TypeError("Give either ballots, or counts with ballot_count.")
    return rank_by_count("approval", options, approvals, ballot_count)


def _approvals_from_ballots(
    options: tuple[OptionId, ...], ballots: Iterable[Iterable[OptionId]]
) -> tuple[dict[OptionId, int], int]:
    approvals = dict.fromkeys(options, 0)
    ballot_count = 0
    for index, ballot in enumerate(ballots):
        seen: set[OptionId] = set()
        for option in ballot:
            if option not in approvals:
                raise InvalidBallot(
                    f"unknown option {option!r}.", code="unknown_option", ballot_index=index
                )
            if option in seen:
                raise InvalidBallot(
                    f"option {option!r} is approved twice.",
                    code="duplicate_option",
                    ballot_index=index,
                )
            seen.add(option)
            approvals[option] += 1
        ballot_count += 1
    return approvals, ballot_count
