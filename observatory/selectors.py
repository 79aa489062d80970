from dataclasses import dataclass

import rules
from django.db.models import Prefetch, QuerySet

from observatory.charts import radar
from observatory.models import (
    Aggregate,
    Answer,
    Assessment,
    AssessmentStatus,
    Compass,
    GridVersion,
    Indicator,
    ObservatoryState,
    Period,
    Scale,
    Unit,
)


def grid_current() -> GridVersion | None:
    return GridVersion.objects.order_by("-number").first()


def grid_get(number: int | None) -> GridVersion | None:
    if number is None:
        return grid_current()
    return GridVersion.objects.filter(number=number).first()


def grid_versions() -> QuerySet[GridVersion]:
    """Every version, newest first, with its number of indicators and of self-assessments."""
    from django.db.models import Count

    return (
        GridVersion.objects.select_related("created_by")
        .annotate(
            indicator_count=Count("indicators", distinct=True),
            assessment_count=Count("assessments", distinct=True),
        )
        .order_by("-number")
    )


def grid_versions_with_indicators() -> QuerySet[GridVersion]:
    """Every version with its indicators (two queries, whatever their number)."""
    return GridVersion.objects.order_by("-number").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("compass", "position", "code"))
    )


def grid_indicators(grid: GridVersion | None) -> list[Indicator]:
    if grid is None:
        return []
    return list(grid.indicators.order_by("compass", "position", "code"))


def observatory_state() -> ObservatoryState | None:
    return ObservatoryState.objects.first()


def aggregate_rows(
    *, indicator: Indicator, scale: str, period: str, within: str | None = None
) -> QuerySet[Aggregate]:
    """The figures the page, its exports and the API show (one query)."""
    qs = Aggregate.objects.filter(indicator=indicator, scale=scale, period=period).select_related(
        "territory"
    )
    if within:
        qs = qs.filter(territory__in=_inside(within, scale))
    return qs.order_by("-value", "territory__name")


def _inside(key: str, scale: str):
    """The territories of ``scale`` inside the territory ``key``."""
    from territories.models import Territory

    if key.startswith("reg-") and scale in (Scale.COMMUNE, Scale.EPCI, Scale.DEPARTMENT):
        lookup = "region_id"
    elif key.startswith("dep-") and scale in (Scale.COMMUNE, Scale.EPCI):
        lookup = "department_id"
    elif key.startswith("epci-") and scale == Scale.COMMUNE:
        lookup = "parent_id"
    else:
        lookup = "key"
    return Territory.objects.filter(**{lookup: key}).values("key")


def overview(grid: GridVersion | None) -> list[dict]:
    """France's figure for every indicator of the grid and every period (one query)."""
    indicators = grid_indicators(grid)
    found = {
        (a.indicator_id, a.period): a
        for a in Aggregate.objects.filter(indicator__in=indicators, scale=Scale.COUNTRY)
    }
    return [
        {
            "indicator": indicator,
            "cells": [found.get((indicator.pk, period)) for period in Period.values],
        }
        for indicator in indicators
    ]


def assessment_get(pk: int) -> Assessment:
    return Assessment.objects.select_related("grid", "pioneer", "project").get(pk=pk)


def assessment_answers(assessment: Assessment) -> dict[int, int]:
    return dict(assessment.answers.values_list("indicator_id", "value"))


def assessments_to_review() -> QuerySet[Assessment]:
    return Assessment.objects.filter(status=AssessmentStatus.SUBMITTED).select_related(
        "pioneer", "project", "submitted_by"
    )


def assessments_of_user(user) -> QuerySet[Assessment]:
    from django.db.models import Q

    return (
        Assessment.objects.filter(Q(pioneer__user=user) | Q(project__authors=user))
        .distinct()
        .select_related("pioneer", "project")
    )


def _visible(user, qs: QuerySet[Assessment], owner: bool) -> QuerySet[Assessment]:
    if owner or rules.has_perm("observatory.review_assessment", user):
        return qs
    # Visitors and other members never see an assessment the coordinator has not validated.
    return qs.filter(status=AssessmentStatus.VALIDATED)


@dataclass
class CompassView:
    assessment: Assessment
    chart: dict
    rows: list[tuple[Indicator, int | None]]
    scores: list[tuple[str, float | None]]


def compass_views(*, user, owner: bool, **subject) -> list[CompassView]:
    """The subject's assessments by year, newest first, each with its chart (two queries)."""
    qs = _visible(user, Assessment.objects.filter(**subject), owner).prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("indicator"))
    )
    out = []
    indicators_by_grid: dict[int, list[Indicator]] = {}
    assessments = list(qs.select_related("grid").order_by("-year")[:10])
    grids = {a.grid_id for a in assessments}
    for indicator in Indicator.objects.filter(grid_id__in=grids).order_by(
        "compass", "position", "code"
    ):
        indicators_by_grid.setdefault(indicator.grid_id, []).append(indicator)
    for assessment in assessments:
        values = {a.indicator_id: a.value for a in assessment.answers.all()}
        indicators = indicators_by_grid.get(assessment.grid_id, [])
        scores = []
        for compass in Compass:
            shares = [
                (values[i.pk] - i.scale_min) / (i.scale_max - i.scale_min)
                for i in indicators
                if i.compass == compass and i.unit == Unit.SCALE and i.pk in values
            ]
            scores.append((str(compass.label), sum(shares) / len(shares) if shares else None))
        out.append(
            CompassView(
                assessment,
                radar(scores),
                [(i, values.get(i.pk)) for i in indicators if not i.is_computed],
                scores,
            )
        )
    return out


def department_names() -> dict[str, str]:
    """Every département's name by key (for the map's shapes without a figure)."""
    from territories.models import Territory, TerritoryKind

    return dict(Territory.objects.filter(kind=TerritoryKind.DEPARTMENT).values_list("key", "name"))
