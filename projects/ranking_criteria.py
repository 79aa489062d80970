"""Optional ranking criteria that apps above ``projects`` provide (the observatory's
compass score). A provider gives each ranked project a value between 0 and 1; the
coordinator's weight for it is 0 unless they publish another, so registering one changes
nothing by itself."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RankingCriterion:
    key: str
    label: Any  # a lazy translation
    values: Callable[[Iterable[int]], dict[int, float]]  # project ids -> {id: 0..1}


_CRITERIA: dict[str, RankingCriterion] = {}


def ranking_criterion_register(criterion: RankingCriterion) -> None:
    _CRITERIA[criterion.key] = criterion


def ranking_criteria() -> list[RankingCriterion]:
    return [_CRITERIA[key] for key in sorted(_CRITERIA)]


def ranking_criterion(key: str) -> RankingCriterion | None:
    return _CRITERIA.get(key)
