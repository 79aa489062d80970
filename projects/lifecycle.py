"""The project lifecycle as an explicit table: which step, by whom, with or without a reason.

A transition not in the table does not exist (409); one that exists but not for the
person's role is forbidden (403). Superusers hold every coordinator right.
"""

from dataclasses import dataclass
from enum import StrEnum

from projects.models import ProjectStatus as S


class Role(StrEnum):
    AUTHOR = "author"
    COORDINATOR = "coordinator"


@dataclass(frozen=True, slots=True)
class Step:
    roles: frozenset[Role]
    reason_required: bool = False


_AUTHOR = frozenset({Role.AUTHOR})
_COORDINATOR = frozenset({Role.COORDINATOR})
_BOTH = frozenset({Role.AUTHOR, Role.COORDINATOR})

TRANSITIONS: dict[tuple[str, str], Step] = {
    (S.DRAFT, S.SUBMITTED): Step(_AUTHOR),
    (S.DRAFT, S.ABANDONED): Step(_BOTH),
    (S.SUBMITTED, S.DRAFT): Step(_AUTHOR),  # the authors withdraw it before the review
    (S.SUBMITTED, S.IN_REVIEW): Step(_COORDINATOR),
    (S.IN_REVIEW, S.ACCEPTED_FOR_VOTE): Step(_COORDINATOR),
    (S.IN_REVIEW, S.DECLINED): Step(_COORDINATOR, reason_required=True),
    (S.IN_REVIEW, S.RETURNED): Step(_COORDINATOR, reason_required=True),
    (S.RETURNED, S.SUBMITTED): Step(_AUTHOR),
    (S.RETURNED, S.ABANDONED): Step(_AUTHOR),
    (S.ACCEPTED_FOR_VOTE, S.SELECTED): Step(_COORDINATOR),
    (S.ACCEPTED_FOR_VOTE, S.NOT_SELECTED): Step(_COORDINATOR),
    (S.SELECTED, S.IN_PROGRESS): Step(_COORDINATOR),
    (S.IN_PROGRESS, S.COMPLETED): Step(_COORDINATOR),
    (S.IN_PROGRESS, S.ABANDONED): Step(_COORDINATOR, reason_required=True),
}

# The moves a vote's result makes (issue 15 §1), apart from the table above: the vote
# decides, not a person's role. The close moves projects accepted for the vote; the
# coordinator's override (with a public reason) may swap a selected project and one that
# was not selected, as long as neither has started.
VOTE_OUTCOME_MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        (S.ACCEPTED_FOR_VOTE, S.SELECTED),
        (S.ACCEPTED_FOR_VOTE, S.NOT_SELECTED),
        (S.NOT_SELECTED, S.SELECTED),
        (S.SELECTED, S.NOT_SELECTED),
    }
)

# The authors may still edit the proposal in these states.
EDITABLE_BY_AUTHORS = frozenset({S.DRAFT, S.RETURNED})
# Drafts are private to their authors and the coordinator.
PRIVATE_STATES = frozenset({S.DRAFT})
# Projects the impact ranking compares, and the queue carried out one by one.
RANKED_STATES = frozenset({S.ACCEPTED_FOR_VOTE, S.SELECTED})
QUEUE_STATE = S.SELECTED
# Follow-up (updates, milestones) exists once a project is chosen.
FOLLOWED_STATES = frozenset({S.SELECTED, S.IN_PROGRESS, S.COMPLETED})


def step_for(current: str, target: str) -> Step | None:
    return TRANSITIONS.get((current, target))


def targets_for(current: str, roles: set[Role]) -> list[str]:
    """The states these roles may move a project to from ``current``, in table order."""
    return [to for (frm, to), step in TRANSITIONS.items() if frm == current and step.roles & roles]
