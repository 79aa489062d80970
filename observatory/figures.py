"""The observatory's figures for a query (indicator, scale, period, within): one function
used by the page, the CSV and JSON exports and the API, so they never disagree."""

from dataclasses import dataclass

from django.http import QueryDict

from observatory import selectors
from observatory.models import GridVersion, Indicator, Period, Scale


@dataclass
class Query:
    grid: GridVersion | None
    indicators: list[Indicator]
    indicator: Indicator | None
    scale: str
    period: str
    within: str


def parse_query(params: QueryDict) -> Query:
    try:
        number = int(params.get("grid", ""))
    except ValueError:
        number = None
    grid = selectors.grid_get(number)
    indicators = selectors.grid_indicators(grid)
    code = params.get("indicator", "")
    indicator = next((i for i in indicators if i.code == code), None)
    if indicator is None and indicators:
        indicator = indicators[0]
    scale = params.get("scale", "")
    scale = scale if scale in Scale.values else Scale.DEPARTMENT
    period = params.get("period", "")
    period = period if period in Period.values else Period.ALL
    within = params.get("territory", "")[:20]
    return Query(grid, indicators, indicator, scale, period, within)


def figure_rows(query: Query) -> list[dict]:
    if query.indicator is None:
        return []
    return [
        {
            "territory": a.territory_id,
            "territory_name": a.territory.name,
            "scale": a.scale,
            "indicator": query.indicator.code,
            "grid": query.grid.number,
            "period": a.period,
            "value": round(a.value, 4),
            "total": round(a.total, 4),
            "sources": a.sources,
            "unit": query.indicator.unit,
        }
        for a in selectors.aggregate_rows(
            indicator=query.indicator,
            scale=query.scale,
            period=query.period,
            within=query.within or None,
        )
    ]


EXPORT_FIELDS = (
    "territory",
    "territory_name",
    "scale",
    "indicator",
    "grid",
    "period",
    "value",
    "total",
    "sources",
    "unit",
)
