"""Majority judgment (Balinski & Laraki): every voter grades every option.

Each option's merit profile counts its grades. Its majority grade is the lower median of
its grades. Options with the same majority grade are separated by the Balinski-Laraki
procedure: remove one median grade from each and compare the new medians, again and
again. The sequence of medians so removed is the option's "majority value"; options are
ranked by comparing majority values from the first term on.

The majority value never needs to be built. With the n grades of an option sorted worst
first, g[0] <= ... <= g[n-1] and k = (n - 1) // 2, the medians are taken outwards from
the middle, alternately below and above:
    n odd:  g[k], g[k-1], g[k+1], g[k-2], g[k+2], ...
    n even: g[k], g[k+1], g[k-1], g[k+2], g[k-2], ...
All options have the same number of grades (a missing grade counts as the worst), so the
same positions are read for all of them, and two options first differ at the sorted
position nearest to the middle where their grades differ. Grades are step functions of
the position with one step per grade level, so comparing two options costs a few
operations per grade level, whatever the number of ballots.

A ballot that leaves an option ungraded counts as grading it with the worst grade
("À rejeter" on the default scale), as MieuxVoter does: every option then has one grade
per ballot. Terreau's ballot form and API require every option to be graded anyway.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cmp_to_key
from itertools import accumulate, pairwise
from typing import Literal, NoReturn

from governance.tally.types import (
    JSON,
    InvalidBallot,
    OptionId,
    RankedOption,
    TallyError,
    TallyResult,
    checked_options,
    competition_ranks,
    share,
)

DEFAULT_GRADES: tuple[str, ...] = (
    "À rejeter",
    "Insuffisant",
    "Passable",
    "Assez bien",
    "Bien",
    "Très bien",
    "Excellent",
)
"""The seven grades French civic groups use, worst first (the grade index is the position)."""

type GradeCounts = Mapping[int, int] | Sequence[int]
"""One option's grades: grade index -> count (a GROUP BY's rows), or a count per grade."""


@dataclass(frozen=True, slots=True)
class Separation:
    """Why an option is ranked below `versus`, the option listed just above its rank.

    Remove the median grade of each, one at a time: the first `removed` medians are the
    same for both (`removed_profile` counts them per grade, worst first); the next median
    is `grade` here and `versus_grade` there, which is higher. With `removed` = 0 the
    majority grades differ.
    """

    versus: OptionId
    removed: int
    removed_profile: tuple[int, ...]
    grade: int
    versus_grade: int

    def to_dict(self) -> dict[str, JSON]:
        return {
            "versus": self.versus,
            "removed": self.removed,
            "removed_profile": list(self.removed_profile),
            "grade": self.grade,
            "versus_grade": self.versus_grade,
        }


@dataclass(frozen=True, slots=True)
class MajorityJudgmentOption:
    """One option's merit profile (count per grade, worst first) and its majority gauge.

    `higher` ballots grade the option above its majority grade and `lower` below it; the
    gauge is "+" when `higher` > `lower` (the next different median would be higher), "-"
    otherwise. `majority_grade` is None when no ballot was cast.
    """

    profile: tuple[int, ...]
    majority_grade: int | None
    higher: int
    lower: int
    higher_share: float
    lower_share: float
    separation: Separation | None

    @property
    def gauge(self) -> Literal["+", "-"] | None:
        if self.majority_grade is None:
            return None
        return "+" if self.higher > self.lower else "-"

    def to_dict(self) -> dict[str, JSON]:
        return {
            "profile": list(self.profile),
            "majority_grade": self.majority_grade,
            "higher": self.higher,
            "lower": self.lower,
            "higher_share": self.higher_share,
            "lower_share": self.lower_share,
            "gauge": self.gauge,
            "separation": self.separation.to_dict() if self.separation else None,
        }


@dataclass(frozen=True, slots=True)
class MajorityJudgmentDetails:
    grades: tuple[str, ...]

    def to_dict(self) -> dict[str, JSON]:
        return {"grades": list(self.grades)}


type MajorityJudgmentResult = TallyResult[MajorityJudgmentOption, MajorityJudgmentDetails]


def majority_judgment(
    options: Iterable[OptionId],
    *,
    grades: Sequence[str] = DEFAULT_GRADES,
    grade_counts: Mapping[OptionId, GradeCounts] | None = None,
    ballots: Iterable[Mapping[OptionId, int]] | None = None,
    ballot_count: int | None = None,
) -> MajorityJudgmentResult:
    """Rank `options` by majority judgment, from per-option grade counts or from ballots.

    Give exactly one of `grade_counts` (option -> {grade index: count} or a count per
    grade) and `ballots` (each a mapping option -> grade index, 0 = worst). With counts,
    `ballot_count` (default: the largest count of grades given to one option) is the
    number of ballots; an option with fewer grades, or absent, has the rest counted as the
    worst grade.
    """
    options = checked_options(options)
    grades = tuple(grades)
    if len(grades) < 2:
        raise TallyError("A grade scale needs at least two grades.", code="invalid_grades")
    if ballots is not None and grade_counts is None and ballot_count is None:
        profiles, ballot_count = _profiles_from_ballots(options, len(grades), ballots)
    elif grade_counts is not None and ballots is None:
        profiles, ballot_count = _profiles_from_counts(
            options, len(grades), grade_counts, ballot_count
        )
    else:
        raise TypeError("Give either grade_counts (and maybe ballot_count) or ballots.")
    sorted_grades = {option: _SortedGrades(profiles[option]) for option in options}

    def better_first(a: OptionId, b: OptionId) -> int:
        return -_compare(sorted_grades[a], sorted_grades[b])[0]

    ordered = sorted(options, key=cmp_to_key(better_first))
    ranks = competition_ranks(ordered, lambda a, b: profiles[a] == profiles[b])
    ranking = []
    versus: OptionId | None = None
    for position, (option, rank) in enumerate(zip(ordered, ranks, strict=True)):
        if position and rank != ranks[position - 1]:
            versus = ordered[position - 1]
        ranking.append(
            RankedOption(
                option=option,
                rank=rank,
                details=_option_details(
                    sorted_grades[option],
                    None if versus is None else (versus, sorted_grades[versus]),
                ),
            )
        )
    return TallyResult(
        method="majority_judgment",
        ballot_count=ballot_count,
        ranking=tuple(ranking),
        details=MajorityJudgmentDetails(grades=grades),
    )


def _profiles_from_ballots(
    options: tuple[OptionId, ...], grade_total: int, ballots: Iterable[Mapping[OptionId, int]]
) -> tuple[dict[OptionId, list[int]], int]:
    ballots = list(ballots)
    pairs: Counter[tuple[OptionId, int]] = Counter()
    try:
        for ballot in ballots:
            pairs.update(ballot.items())  # counted in C, not grade by grade in Python
    except (AttributeError, TypeError):
        _raise_first_invalid(options, grade_total, ballots)
    profiles = {option: [0] * grade_total for option in options}
    for (option, grade), count in pairs.items():
        if option not in profiles or not _is_grade(grade, grade_total):
            _raise_first_invalid(options, grade_total, ballots)
        profiles[option][grade] += count
    for profile in profiles.values():
        profile[0] += len(ballots) - sum(profile)  # ungraded: the worst grade
    return profiles, len(ballots)


def _raise_first_invalid(
    options: tuple[OptionId, ...], grade_total: int, ballots: Sequence[object]
) -> NoReturn:
    known = set(options)
    for index, ballot in enumerate(ballots):
        if not isinstance(ballot, Mapping):
            raise InvalidBallot(
                "a ballot maps each option to a grade.", code="malformed_ballot", ballot_index=index
            )
        for option, grade in ballot.items():
            if option not in known:
                raise InvalidBallot(
                    f"unknown option {option!r}.", code="unknown_option", ballot_index=index
                )
            if not _is_grade(grade, grade_total):
                raise InvalidBallot(
                    f"grade {grade!r} for option {option!r} is not between 0 and {grade_total - 1}.",
                    code="grade_out_of_range",
                    ballot_index=index,
                )
    raise AssertionError("no invalid ballot found")  # pragma: no cover


def _profiles_from_counts(
    options: tuple[OptionId, ...],
    grade_total: int,
    grade_counts: Mapping[OptionId, GradeCounts],
    ballot_count: int | None,
) -> tuple[dict[OptionId, list[int]], int]:
    profiles = {option: [0] * grade_total for option in options}
    for option, counts in grade_counts.items():
        if option not in profiles:
            raise TallyError(f"Unknown option {option!r} in the counts.", code="unknown_option")
        items = counts.items() if isinstance(counts, Mapping) else enumerate(counts)
        for grade, count in items:
            if not _is_grade(grade, grade_total):
                raise TallyError(
                    f"Grade {grade!r} for option {option!r} is not between 0 and {grade_total - 1}.",
                    code="grade_out_of_range",
                )
            if not isinstance(count, int) or count < 0:
                raise TallyError(
                    f"Count {count!r} for option {option!r} is not a whole number >= 0.",
                    code="invalid_count",
                )
            profiles[option][grade] += count
    largest = max(sum(profile) for profile in profiles.values())
    if ballot_count is None:
        ballot_count = largest
    elif ballot_count < largest:
        raise TallyError(
            f"An option has {largest} grades but only {ballot_count} ballots were cast.",
            code="invalid_count",
        )
    for profile in profiles.values():
        profile[0] += ballot_count - sum(profile)  # ungraded: the worst grade
    return profiles, ballot_count


def _is_grade(grade: object, grade_total: int) -> bool:
    return isinstance(grade, int) and not isinstance(grade, bool) and 0 <= grade < grade_total


class _SortedGrades:
    """An option's grades sorted worst first, held as counts: `ends[g]` = grades <= g."""

    __slots__ = ("ends", "profile", "size")

    def __init__(self, profile: Sequence[int]) -> None:
        self.profile = tuple(profile)
        self.ends = tuple(accumulate(profile))
        self.size = self.ends[-1]

    def grade_at(self, index: int) -> int:
        return bisect_right(self.ends, index)

    def median_at(self, removed: int) -> int:
        """The median once `removed` medians have been taken away."""
        return self.grade_at(_index(removed, self.size))

    def removed_profile(self, removed: int) -> tuple[int, ...]:
        """The first `removed` medians, counted per grade: a block around the middle."""
        n = self.size
        k = (n - 1) // 2
        first = k - removed // 2 if n % 2 else k - (removed - 1) // 2
        stop = first + removed if removed else first
        counts, start = [], 0
        for end in self.ends:
            counts.append(max(0, min(end, stop) - max(start, first)))
            start = end
        return tuple(counts)


def _position(index: int, n: int) -> int:
    """Where the grade at sorted position `index` comes in the majority value (0 first)."""
    k = (n - 1) // 2
    if n % 2:
        if index == k:
            return 0
        return 2 * (k - index) - 1 if index < k else 2 * (index - k)
    return 2 * (k - index) if index <= k else 2 * (index - k) - 1


def _index(position: int, n: int) -> int:
    """The sorted position of the `position`-th term of the majority value (inverse)."""
    k = (n - 1) // 2
    if n % 2:
        if position == 0:
            return k
        return k - (position + 1) // 2 if position % 2 else k + position // 2
    return k - position // 2 if position % 2 == 0 else k + (position + 1) // 2


def _compare(x: _SortedGrades, y: _SortedGrades) -> tuple[int, int]:
    """(1 if x is ranked above y, -1 below, 0 if equal; medians removed before they differ)."""
    n = x.size
    k = (n - 1) // 2
    bounds = sorted({0, n, *x.ends, *y.ends})
    first_difference: int | None = None
    for start, stop in pairwise(bounds):
        if x.grade_at(start) == y.grade_at(start):
            continue
        # Grades differ on the whole block [start, stop): its place nearest to the middle
        # (on either side of it) comes first in the majority values.
        nearest = []
        if start <= k:
            nearest.append(min(stop - 1, k))
        if stop - 1 > k:
            nearest.append(max(start, k + 1))
        for index in nearest:
            position = _position(index, n)
            if first_difference is None or position < first_difference:
                first_difference = position
    if first_difference is None:
        return 0, n
    index = _index(first_difference, n)
    return (1 if x.grade_at(index) > y.grade_at(index) else -1), first_difference


def _option_details(
    grades: _SortedGrades, versus: tuple[OptionId, _SortedGrades] | None
) -> MajorityJudgmentOption:
    """The option's profile and gauge, and what puts it below `versus` (option, grades)."""
    n = grades.size
    if n == 0:
        return MajorityJudgmentOption(
            profile=grades.profile,
            majority_grade=None,
            higher=0,
            lower=0,
            higher_share=0.0,
            lower_share=0.0,
            separation=None,
        )
    majority_grade = grades.median_at(0)
    lower = grades.ends[majority_grade - 1] if majority_grade else 0
    higher = n - grades.ends[majority_grade]
    separation = None
    if versus is not None:
        versus_option, versus_grades = versus
        _, removed = _compare(versus_grades, grades)
        separation = Separation(
            versus=versus_option,
            removed=removed,
            removed_profile=grades.removed_profile(removed),
            grade=grades.median_at(removed),
            versus_grade=versus_grades.median_at(removed),
        )
    return MajorityJudgmentOption(
        profile=grades.profile,
        majority_grade=majority_grade,
        higher=higher,
        lower=lower,
        higher_share=share(higher, n),
        lower_share=share(lower, n),
        separation=separation,
    )
