"""Reads for contributions and funds: each query with its joins, none in a loop."""

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Case, IntegerField, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from marketplace.models import (
    Contribution,
    ContributionChannel,
    ContributionSettings,
    ContributionStatus,
    Fund,
    FundAllocation,
    FundKind,
    Payment,
    PaymentKind,
)
from projects.models import Project, ProjectStatus

DEFAULT_SUGGESTED_AMOUNTS_CENTS = [500, 1000, 2000, 5000]


def contribution_settings_get() -> ContributionSettings:
    """The cooperative's settings, or the defaults while none were saved (no write here)."""
    return ContributionSettings.objects.filter(pk=1).first() or ContributionSettings(
        pk=1, suggested_amounts_cents=list(DEFAULT_SUGGESTED_AMOUNTS_CENTS)
    )


@dataclass(frozen=True)
class FundsTotals:
    received_cents: int
    allocated_cents: int
    available_cents: int


def funds_totals() -> FundsTotals:
    """Sums over the fund rows (one per target), not over the history."""
    row = Fund.objects.aggregate(
        received=Coalesce(Sum("received_cents"), 0), allocated=Coalesce(Sum("allocated_cents"), 0)
    )
    return FundsTotals(
        received_cents=row["received"],
        allocated_cents=row["allocated"],
        available_cents=row["received"] - row["allocated"],
    )


def fund_targets_list() -> QuerySet[Fund]:
    """Every fund, the cooperative's first, then projects by title."""
    return (
        Fund.objects.select_related("project")
        .annotate(
            cooperative_first=Case(
                When(kind=FundKind.COOPERATIVE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("cooperative_first", "project__title", "pk")
    )


def fund_allocations_list(*, project: Project | None = None) -> QuerySet[FundAllocation]:
    qs = FundAllocation.objects.select_related("fund__project", "project").order_by(
        "-allocated_on", "-pk"
    )
    return qs.filter(project=project) if project is not None else qs


def payments_recent_list() -> QuerySet[Payment]:
    return Payment.objects.select_related("fund__project", "contribution", "recorded_by").order_by(
        "-created_at", "-pk"
    )


def contributions_public_list() -> QuerySet[Contribution]:
    """Paid contributions as the public page lists them (names only when public)."""
    return (
        Contribution.objects.filter(status=ContributionStatus.PAID)
        .select_related("fund__project")
        .order_by("-paid_at", "-pk")
    )


def contributions_awaiting_payment_list() -> QuerySet[Contribution]:
    """Pledges by bank transfer waiting for the coordinator to record the money."""
    return (
        Contribution.objects.filter(
            channel=ContributionChannel.MANUAL, status=ContributionStatus.PENDING
        )
        .select_related("fund__project", "user")
        .order_by("created_at", "pk")
    )


def contribution_detail_get(*, pk: int) -> Contribution | None:
    return Contribution.objects.select_related("fund__project", "user").filter(pk=pk).first()


def contribution_by_token_get(*, token) -> Contribution | None:
    return (
        Contribution.objects.select_related("fund__project", "resource")
        .filter(public_token=token)
        .first()
    )


def projects_contributable() -> QuerySet[Project]:
    from marketplace.services.contributions import CONTRIBUTABLE_PROJECT_STATUSES

    return Project.objects.filter(status__in=CONTRIBUTABLE_PROJECT_STATUSES).order_by("title")


def projects_allocatable() -> QuerySet[Project]:
    from marketplace.services.funds import ALLOCATABLE_PROJECT_STATUSES

    return Project.objects.filter(status__in=ALLOCATABLE_PROJECT_STATUSES).order_by("title")


def projects_for_manual_contribution() -> QuerySet[Project]:
    """Money may come by hand for any project that is not a draft or closed."""
    return Project.objects.exclude(
        status__in=[ProjectStatus.DRAFT, ProjectStatus.DECLINED, ProjectStatus.ABANDONED]
    ).order_by("title")


@dataclass(frozen=True)
class FundMovement:
    """One line of the public history: money in, money back, money allocated."""

    on: date
    recorded_at: datetime
    kind: str
    fund: str
    counterpart: str
    amount_cents: int
    method: str
    note: str


def fund_movements_iter() -> Iterator[FundMovement]:
    """The whole money history in date order (two streamed queries merged), for the
    CSV export. Contributors' names appear only when they chose a public listing."""
    payments = (
        Payment.objects.select_related("fund__project", "contribution")
        .order_by("received_on", "created_at", "pk")
        .iterator(chunk_size=500)
    )
    allocations = (
        FundAllocation.objects.select_related("fund__project", "project")
        .order_by("allocated_on", "created_at", "pk")
        .iterator(chunk_size=500)
    )

    def from_payments() -> Iterator[FundMovement]:
        for p in payments:
            yield FundMovement(
                on=p.received_on,
                recorded_at=p.created_at,
                kind=p.kind,
                fund=str(p.fund),
                counterpart=p.contribution.public_name,
                amount_cents=p.amount_cents if p.kind == PaymentKind.PAYMENT else -p.amount_cents,
                method=p.method,
                note="",
            )

    def from_allocations() -> Iterator[FundMovement]:
        for a in allocations:
            yield FundMovement(
                on=a.allocated_on,
                recorded_at=a.created_at,
                kind="allocation",
                fund=str(a.fund),
                counterpart=str(a.project),
                amount_cents=-a.amount_cents,
                method="",
                note=a.note,
            )

    return heapq.merge(from_payments(), from_allocations(), key=lambda m: (m.on, m.recorded_at))


def contributions_paid_count() -> int:
    """How many contributions brought money (for the public page's summary line)."""
    return Contribution.objects.filter(
        status__in=[ContributionStatus.PAID, ContributionStatus.REFUNDED]
    ).count()


def contribution_list_of_user(*, user) -> QuerySet[Contribution]:
    """The person's own contributions, latest first, with their destination joined."""
    if user is None or not user.is_authenticated:
        return Contribution.objects.none()
    return (
        Contribution.objects.filter(user_id=user.pk)
        .select_related("fund__project")
        .order_by("-created_at", "-pk")
    )


def contribution_total_paid_of_user(*, user) -> int:
    """Cents the person gave and kept given (received minus refunded), one query."""
    if user is None or not user.is_authenticated:
        return 0
    return Contribution.objects.filter(user_id=user.pk).aggregate(
        total=Coalesce(Sum("amount_received_cents"), 0) - Coalesce(Sum("amount_refunded_cents"), 0)
    )["total"]
