"""Computed indicators: each source gives, for a period, {commune key: (total, sources)}.

The observatory sits above every app, so it reads their models directly; other sources
may be added with ``computed_source_register``.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from commons.models import Resource, ResourceStatus
from events.models import Event, EventStatus
from marketplace.models import Contribution, ContributionStatus, Exchange, ExchangeStatus
from projects.lifecycle import PRIVATE_STATES
from projects.models import ConcernFlag

Window = tuple[datetime.datetime | None, datetime.datetime | None]
Figures = dict[str, tuple[float, int]]


@dataclass(frozen=True)
class ComputedSource:
    key: str
    label: object
    formula: object
    compute: Callable[[Window], Figures]


_SOURCES: dict[str, ComputedSource] = {}
# Sources the grid may name before any code computes them: their indicators have no
# figure until a source is registered under that key.
SLOT_SOURCES: frozenset[str] = frozenset()


def computed_source_register(source: ComputedSource) -> None:
    _SOURCES[source.key] = source


def computed_source(key: str) -> ComputedSource | None:
    return _SOURCES.get(key)


def computed_sources() -> list[ComputedSource]:
    return [_SOURCES[key] for key in sorted(_SOURCES)]


def _between(qs, field: str, window: Window):
    start, end = window
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lt": end})
    return qs


def _grouped(qs, path: str, total, sources) -> Figures:
    column = f"{path}_id"
    rows = (
        qs.filter(**{f"{path}__isnull": False})
        .values(column)
        .annotate(total=total, sources=sources)
        .order_by()
    )
    return {row[column]: (float(row["total"] or 0), int(row["sources"] or 0)) for row in rows}


def members_exchanging(window: Window) -> Figures:
    qs = _between(
        Exchange.objects.filter(status=ExchangeStatus.CONFIRMED, listing__project__isnull=False),
        "closed_at",
        window,
    )
    return _grouped(
        qs, "listing__project__territory", Count("responder", distinct=True), Count("pk")
    )


def pioneers_concerned(window: Window) -> Figures:
    qs = _between(
        ConcernFlag.objects.exclude(project__status__in=PRIVATE_STATES), "created_at", window
    )
    return _grouped(qs, "project__territory", Count("pk"), Count("pk"))


def hours_given(window: Window) -> Figures:
    qs = _between(Exchange.objects.filter(status=ExchangeStatus.CONFIRMED), "closed_at", window)
    return _grouped(qs, "listing__territory", Sum("minutes"), Count("pk"))


def money_raised(window: Window) -> Figures:
    qs = _between(
        Contribution.objects.filter(
            status__in=[ContributionStatus.PAID, ContributionStatus.REFUNDED]
        ),
        "paid_at",
        window,
    )
    return _grouped(
        qs,
        "fund__project__territory",
        Sum(F("amount_received_cents") - F("amount_refunded_cents")),
        Count("pk"),
    )


def events_held(window: Window) -> Figures:
    """Events held (closed), where they took place: their commune, else their project's."""
    rows = (
        _between(Event.objects.filter(status=EventStatus.CLOSED), "starts_at", window)
        .annotate(place=Coalesce("territory_id", "project__territory_id"))
        .filter(place__isnull=False)
        .values("place")
        .annotate(held=Count("pk"))
        .order_by()
    )
    return {row["place"]: (float(row["held"]), row["held"]) for row in rows}


def resources_published(window: Window) -> Figures:
    """Resources published, in the commune of the pioneer who suggested them."""
    qs = _between(Resource.objects.filter(status=ResourceStatus.PUBLISHED), "published_at", window)
    return _grouped(qs, "submitted_by__pioneer__territory", Count("pk"), Count("pk"))


def register_builtin_sources() -> None:
    for source in (
        ComputedSource(
            "members_exchanging",
            _("Members who exchanged hours with projects"),
            _(
                "Number of distinct members who answered a project's listing in a confirmed"
                " exchange, counted in the project's commune (sum of the communes' figures)."
            ),
            members_exchanging,
        ),
        ComputedSource(
            "pioneers_concerned",
            _("Pioneers concerned by projects"),
            _("Number of « I am concerned » marks on public projects, in the project's commune."),
            pioneers_concerned,
        ),
        ComputedSource(
            "hours_given",
            _("Hours given"),
            _("Sum of the minutes of confirmed exchanges, in the listing's commune."),
            hours_given,
        ),
        ComputedSource(
            "money_raised",
            _("Money raised"),
            _(
                "Sum of the amounts received (less refunds) by the funds of projects,"
                " in the project's commune."
            ),
            money_raised,
        ),
        ComputedSource(
            "events_held",
            _("Events held"),
            _(
                "Number of events held (closed, with minutes for meetings), in the commune"
                " they took place in, or their project's commune."
            ),
            events_held,
        ),
        ComputedSource(
            "resources_published",
            _("Resources published"),
            _(
                "Number of resources the editorial committee published, in the commune of"
                " the pioneer who suggested them."
            ),
            resources_published,
        ),
    ):
        computed_source_register(source)
