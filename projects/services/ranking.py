from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.services import audit_record
from projects import ranking as formula
from projects.errors import ProjectError
from projects.lifecycle import RANKED_STATES
from projects.models import Project, RankingEntry, RankingSnapshot
from projects.ranking_criteria import ranking_criterion
from projects.roles import active_pioneers
from projects.services._common import forbidden
from projects.services.concern import concern_shares_refresh


@dataclass(frozen=True)
class Move:
    project_id: int
    rank: int
    justification: str


def _figures(
    projects: Iterable[Project], extra: Mapping[str, Mapping[int, float]] | None = None
) -> list[formula.ProjectFigures]:
    return [
        formula.ProjectFigures(
            project_id=p.pk,
            concerned_share=p.concern_share,
            cost_cents=p.estimated_cost_cents,
            self_financing_cents=p.self_financing_cents,
            extra={name: values.get(p.pk, 0.0) for name, values in extra.items()}
            if extra
            else None,
        )
        for p in projects
    ]


def _clean_extra_weights(extra_weights: Mapping[str, int] | None) -> dict[str, int]:
    """Only registered optional criteria, with a positive weight."""
    weights = {}
    for key, weight in (extra_weights or {}).items():
        if ranking_criterion(key) is None:
            message = _("Unknown ranking criterion.")
            raise ProjectError(message, code="invalid_weights", errors={"weights": [message]})
        if weight < 0:
            message = _("Weights cannot be negative and at least one must be positive.")
            raise ProjectError(message, code="invalid_weights", errors={"weights": [message]})
        if weight > 0:
            weights[key] = int(weight)
    return weights


def ranking_compute(
    *,
    weight_concern: int,
    weight_cost: int,
    weight_self_financing: int,
    extra_weights: Mapping[str, int] | None = None,
) -> list[formula.RankedProject]:
    """The ranking these weights give today (nothing is stored: a preview). Optional
    criteria (``ranking_criteria``) count only when given a positive weight."""
    extra = _clean_extra_weights(extra_weights)
    try:
        weights = formula.Weights(weight_concern, weight_cost, weight_self_financing, extra or None)
    except formula.RankingError as exc:
        message = _("Weights cannot be negative and at least one must be positive.")
        raise ProjectError(message, code="invalid_weights", errors={"weights": [message]}) from exc
    projects = list(
        Project.objects.filter(status__in=RANKED_STATES).only(
            "pk", "concern_share", "estimated_cost_cents", "self_financing_cents"
        )
    )
    values = {key: ranking_criterion(key).values([p.pk for p in projects]) for key in extra}
    return formula.rank_projects(_figures(projects, values), weights)


@transaction.atomic
def ranking_publish(
    *,
    actor: User,
    weight_concern: int,
    weight_cost: int,
    weight_self_financing: int,
    note: str = "",
    moves: Iterable[Move] = (),
    extra_weights: Mapping[str, int] | None = None,
) -> RankingSnapshot:
    """Compute the ranking with these weights and publish it as a snapshot kept forever."""
    if not actor.has_perm("projects.publish_ranking"):
        raise forbidden(_("Only the coordinator can publish a ranking."))
    moves = list(moves)
    for move in moves:
        if not move.justification.strip():
            message = _("Moving a project needs a written justification.")
            raise ProjectError(message, code="justification_required", errors={"moves": [message]})
    concern_shares_refresh()
    ranked = ranking_compute(
        weight_concern=weight_concern,
        weight_cost=weight_cost,
        weight_self_financing=weight_self_financing,
        extra_weights=extra_weights,
    )
    try:
        final = formula.apply_moves(ranked, {m.project_id: m.rank for m in moves})
    except formula.RankingError as exc:
        message = _("A move names a project outside the ranking or an impossible position.")
        raise ProjectError(message, code="invalid_move", errors={"moves": [message]}) from exc
    justifications = {m.project_id: m.justification.strip() for m in moves}
    snapshot = RankingSnapshot.objects.create(
        published_by=actor,
        weight_concern=weight_concern,
        weight_cost=weight_cost,
        weight_self_financing=weight_self_financing,
        active_pioneers=active_pioneers().count(),
        note=note,
        extra_weights=_clean_extra_weights(extra_weights),
    )
    RankingEntry.objects.bulk_create(
        RankingEntry(
            snapshot=snapshot,
            project_id=item.project_id,
            rank=item.rank,
            score=item.score,
            criteria=item.criteria_dict(),
            moved=moved,
            justification=justifications.get(item.project_id, ""),
        )
        for item, moved in final
    )
    audit_record(
        actor=actor,
        action="project.ranking_publish",
        target=snapshot,
        data={
            "weights": [weight_concern, weight_cost, weight_self_financing],
            "extra_weights": _clean_extra_weights(extra_weights),
            "projects": len(final),
            "moves": {str(k): v for k, v in justifications.items()},
        },
    )
    return snapshot
