"""The compass score as an optional criterion of the impact ranking (weight 0 unless the
coordinator publishes another): the mean of the scores of the project's latest validated
self-assessment, each brought to 0..1 on its indicator's scale."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from observatory.models import Answer, AssessmentStatus, Unit
from projects.ranking_criteria import RankingCriterion, ranking_criterion_register


def compass_scores(project_ids: Iterable[int]) -> dict[int, float]:
    ids = list(project_ids)
    rows = (
        Answer.objects.filter(
            assessment__project_id__in=ids,
            assessment__status=AssessmentStatus.VALIDATED,
            indicator__unit=Unit.SCALE,
        )
        .values_list(
            "assessment__project_id",
            "assessment__year",
            "value",
            "indicator__scale_min",
            "indicator__scale_max",
        )
        .order_by()
    )
    latest: dict[int, int] = {}
    shares: dict[tuple[int, int], list[float]] = {}
    for project_id, year, value, low, high in rows:
        latest[project_id] = max(year, latest.get(project_id, year))
        shares.setdefault((project_id, year), []).append((value - low) / (high - low))
    return {
        project_id: sum(shares[(project_id, year)]) / len(shares[(project_id, year)])
        for project_id, year in latest.items()
    }


def register() -> None:
    ranking_criterion_register(
        RankingCriterion(key="compass", label=_("Compass score"), values=compass_scores)
    )
