"""The impact ranking of seed 002, as a pure function (no Django, no database).

"The projects are carried out one by one, in order of impact for the pioneers. The
coordinator ranks them on three main criteria: potential number of pioneers concerned
in %, estimated cost, possibility of self-financing."

Each criterion gives a value between 0 and 1 (1 is best):

- ``concern``: the share of active pioneers who said the project concerns them;
- ``cost``: the estimated cost, lower is better, normalised over the compared
  projects: the cheapest gets 1, the most expensive 0, the others in proportion
  (every project gets 1 when all cost the same);
- ``self_financing``: the share of the cost the project can finance itself (a project
  that costs nothing needs no financing: 1).

The score is the weighted mean of the three values, with the coordinator's weights;
each criterion's contribution (weight share × value) is kept so a page can say why a
project has its rank. Equal scores share a rank (1, 2, 2, 4).

Optional published criteria (``extra``, e.g. the observatory's compass score) give each
project a value between 0 and 1 too; they enter the weighted mean only with a positive
weight, so with a weight of 0 (the default) the ranking is exactly the same.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

CRITERIA = ("concern", "cost", "self_financing")

# Scores are rounded before ranking so that two projects with the same figures tie even
# if floating-point arithmetic differs in the last bit.
_PRECISION = 9


class RankingError(ValueError):
    """The weights or a project's figures cannot be ranked."""


@dataclass(frozen=True, slots=True)
class ProjectFigures:
    project_id: int
    concerned_share: float  # 0..1
    cost_cents: int
    self_financing_cents: int
    # Optional criteria's values (0..1) by name; a project without one counts 0.
    extra: Mapping[str, float] | None = None


@dataclass(frozen=True, slots=True)
class Weights:
    concern: float
    cost: float
    self_financing: float
    extra: Mapping[str, float] | None = None  # optional criteria's weights by name

    def __post_init__(self) -> None:
        values = (self.concern, self.cost, self.self_financing, *(self.extra or {}).values())
        if any(v < 0 for v in values):
            raise RankingError("weights must not be negative")
        if sum(values) <= 0:
            raise RankingError("at least one weight must be positive")

    def as_dict(self) -> dict[str, float]:
        return {"concern": self.concern, "cost": self.cost, "self_financing": self.self_financing}


class CriterionDetail(NamedTuple):
    # Named tuples, not frozen dataclasses: as immutable, and four times cheaper to
    # build — a ranking of 10,000 projects builds 40,000 of these objects.
    value: float  # 0..1, 1 is best
    weight: float  # the weight's share of all weights, 0..1
    contribution: float  # value × weight: its part of the score

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "weight": self.weight, "contribution": self.contribution}


class RankedProject(NamedTuple):
    project_id: int
    rank: int
    score: float
    criteria: Mapping[str, CriterionDetail]

    def criteria_dict(self) -> dict[str, dict[str, float]]:
        return {name: detail.as_dict() for name, detail in self.criteria.items()}


def _clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else float(value)


def _check(figures: ProjectFigures) -> None:
    if figures.cost_cents < 0 or figures.self_financing_cents < 0:
        raise RankingError(f"project {figures.project_id}: negative amount")


def rank_projects(projects: Iterable[ProjectFigures], weights: Weights) -> list[RankedProject]:
    """Score and rank the projects, best first; ties share a rank, then go by project id."""
    items = list(projects)
    seen: set[int] = set()
    for figures in items:
        _check(figures)
        if figures.project_id in seen:
            raise RankingError(f"project {figures.project_id} appears twice")
        seen.add(figures.project_id)
    if not items:
        return []
    # Optional criteria count only with a positive weight: at 0 nothing changes.
    extra_weights = {name: w for name, w in (weights.extra or {}).items() if w > 0}
    total = weights.concern + weights.cost + weights.self_financing + sum(extra_weights.values())
    shares = {
        "concern": weights.concern / total,
        "cost": weights.cost / total,
        "self_financing": weights.self_financing / total,
    }
    cheapest = min(f.cost_cents for f in items)
    dearest = max(f.cost_cents for f in items)
    spread = dearest - cheapest

    share_concern, share_cost, share_self = (shares[name] for name in CRITERIA)
    weight_concern, weight_cost, weight_self = (
        round(shares[name], _PRECISION) for name in CRITERIA
    )
    scored: list[tuple[float, int, dict[str, CriterionDetail]]] = []
    for figures in items:
        concern = _clamp(figures.concerned_share)
        cost = 1.0 if spread == 0 else (dearest - figures.cost_cents) / spread
        self_financing = (
            1.0
            if figures.cost_cents == 0
            else _clamp(figures.self_financing_cents / figures.cost_cents)
        )
        part_concern = concern * share_concern
        part_cost = cost * share_cost
        part_self = self_financing * share_self
        details = {
            "concern": CriterionDetail(
                round(concern, _PRECISION), weight_concern, round(part_concern, _PRECISION)
            ),
            "cost": CriterionDetail(
                round(cost, _PRECISION), weight_cost, round(part_cost, _PRECISION)
            ),
            "self_financing": CriterionDetail(
                round(self_financing, _PRECISION), weight_self, round(part_self, _PRECISION)
            ),
        }
        extra_parts = 0.0
        for name, weight in extra_weights.items():
            value = _clamp((figures.extra or {}).get(name, 0.0))
            share = weight / total
            details[name] = CriterionDetail(
                round(value, _PRECISION), round(share, _PRECISION), round(value * share, _PRECISION)
            )
            extra_parts += value * share
        score = round(part_concern + part_cost + part_self + extra_parts, _PRECISION)
        scored.append((_clamp(score), figures.project_id, details))

    scored.sort(key=lambda item: (-item[0], item[1]))
    ranked: list[RankedProject] = []
    for position, (score, project_id, details) in enumerate(scored, start=1):
        rank = ranked[-1].rank if ranked and ranked[-1].score == score else position
        ranked.append(
            RankedProject(project_id=project_id, rank=rank, score=score, criteria=details)
        )
    return ranked


def apply_moves(
    ranked: list[RankedProject], moves: Mapping[int, int]
) -> list[tuple[RankedProject, bool]]:
    """Put some projects at the positions the coordinator chose (``{project_id: rank}``).

    The other projects keep their order and fill the remaining places; a moved project
    has its own rank, unmoved neighbours with equal scores still share theirs.
    Returns ``(project with its final rank, moved?)`` in the final order.
    """
    known = {item.project_id for item in ranked}
    for project_id, position in moves.items():
        if project_id not in known:
            raise RankingError(f"project {project_id} is not in the ranking")
        if not 1 <= position <= len(ranked):
            raise RankingError(f"position {position} is outside 1..{len(ranked)}")
    if len(set(moves.values())) != len(moves):
        raise RankingError("two projects cannot be moved to the same position")
    moved = sorted((position, project_id) for project_id, position in moves.items())
    rest = iter(item for item in ranked if item.project_id not in moves)
    by_id = {item.project_id: item for item in ranked}
    order: list[tuple[RankedProject, bool]] = []
    targets = dict(moved)
    for position in range(1, len(ranked) + 1):
        if position in targets:
            order.append((by_id[targets[position]], True))
        else:
            order.append((next(rest), False))
    result: list[tuple[RankedProject, bool]] = []
    for position, (item, was_moved) in enumerate(order, start=1):
        previous = result[-1] if result else None
        shares_rank = (
            previous is not None
            and not was_moved
            and not previous[1]
            and previous[0].score == item.score
        )
        rank = previous[0].rank if shares_rank and previous else position
        result.append(
            (
                RankedProject(
                    project_id=item.project_id, rank=rank, score=item.score, criteria=item.criteria
                ),
                was_moved,
            )
        )
    return result
