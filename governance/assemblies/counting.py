"""How a resolution of the general assembly is counted (pure Python, no Django).

The rule, as the statutes of a SCIC with voting colleges state it:

1. Within each college, the share of yes is ``yes / (yes + no)``. Abstentions and
   blank votes are not votes cast: they count in neither term.
2. The resolution's weighted yes is the sum, over the colleges that cast at least
   one vote, of ``college weight × college yes share``, with the weights of those
   colleges rescaled so they add up to 100 %. (When the cooperative's statutes say
   so — ``silent_college_counts_as_no`` — a college that cast no vote counts as 0 %
   yes with its full weight instead of being left out.)
3. The resolution is adopted when the weighted yes is strictly more than 50 %
   (simple majority) or at least two thirds (two-thirds majority).
4. A cooperative without colleges (no weights at all) counts one member, one vote:
   the weighted yes is then the share of yes among all votes cast.

Fractions keep the computation exact: 2/3 is 2/3, not 0.6666….
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

Majority = Literal["simple", "two_thirds"]

MAJORITY_THRESHOLD: dict[str, Fraction] = {"simple": Fraction(1, 2), "two_thirds": Fraction(2, 3)}


@dataclass(frozen=True)
class CollegeCount:
    college: str
    weight: Decimal | None  # percent (10–50), or None for a cooperative without colleges
    yes: int = 0
    no: int = 0
    abstain: int = 0

    def __post_init__(self) -> None:
        if min(self.yes, self.no, self.abstain) < 0:
            raise ValueError("Vote counts cannot be negative.")
        if self.weight is not None and self.weight < 0:
            raise ValueError("A college weight cannot be negative.")

    @property
    def cast(self) -> int:
        return self.yes + self.no

    @property
    def yes_share(self) -> Fraction | None:
        return Fraction(self.yes, self.cast) if self.cast else None


@dataclass(frozen=True)
class ResolutionCount:
    majority: str
    weighted_yes: Fraction
    adopted: bool
    weighted: bool  # False: one member, one vote
    colleges: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "majority": self.majority,
            "weighted_yes": float(self.weighted_yes),
            "weighted_yes_exact": f"{self.weighted_yes.numerator}/{self.weighted_yes.denominator}",
            "adopted": self.adopted,
            "weighted": self.weighted,
            "colleges": self.colleges,
        }


def count_resolution(
    colleges: list[CollegeCount],
    *,
    majority: Majority = "simple",
    silent_college_counts_as_no: bool = False,
) -> ResolutionCount:
    if majority not in MAJORITY_THRESHOLD:
        raise ValueError(f"Unknown majority {majority!r}.")
    weighted = any(c.weight is not None for c in colleges)
    details = []
    if not weighted:
        yes = sum(c.yes for c in colleges)
        cast = sum(c.cast for c in colleges)
        result = Fraction(yes, cast) if cast else Fraction(0)
        for c in colleges:
            details.append(_detail(c, effective_weight=None))
    else:
        counted = [
            c for c in colleges if c.weight is not None and (c.cast or silent_college_counts_as_no)
        ]
        total_weight = sum((Fraction(c.weight) for c in counted), Fraction(0))
        result = Fraction(0)
        counted_ids = {id(c) for c in counted}
        for c in colleges:
            included = id(c) in counted_ids and total_weight > 0
            effective = Fraction(c.weight) / total_weight if included else None
            if included:
                result += effective * (c.yes_share or Fraction(0))
            details.append(_detail(c, effective_weight=effective))
    threshold = MAJORITY_THRESHOLD[majority]
    adopted = result > threshold if majority == "simple" else result >= threshold
    return ResolutionCount(
        majority=majority, weighted_yes=result, adopted=adopted, weighted=weighted, colleges=details
    )


def _detail(c: CollegeCount, *, effective_weight: Fraction | None) -> dict:
    share = c.yes_share
    return {
        "college": c.college,
        "weight": float(c.weight) if c.weight is not None else None,
        "effective_weight": float(effective_weight) if effective_weight is not None else None,
        "yes": c.yes,
        "no": c.no,
        "abstain": c.abstain,
        "yes_share": float(share) if share is not None else None,
    }


def quorum_reached(
    *, present_or_represented: int, with_voting_rights: int, threshold: Fraction
) -> bool:
    """Quorum = members present or represented ÷ members with voting rights ≥ threshold."""
    if threshold <= 0:
        return True
    if with_voting_rights <= 0:
        return False
    return Fraction(present_or_represented, with_voting_rights) >= threshold
