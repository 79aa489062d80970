"""Funds: money in (payments, refunds) and out (allocations), totals kept on the row.

Every function that moves money locks the fund row first (``lock_row``), so
the check "is there enough available?" and the write that follows see the same
balance even when coordinators, webhooks and the API act at the same moment.
"""

from datetime import date

from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from backend.core.idempotency import idempotent_create
from backend.core.locks import lock_row
from backend.core.money import format_cents
from backend.core.services import audit_record
from marketplace.errors import MarketplaceError
from marketplace.models import (
    Contribution,
    ContributionStatus,
    Fund,
    FundAllocation,
    FundKind,
    Payment,
    PaymentKind,
)
from projects.models import Project, ProjectStatus

# Money goes to projects the cooperative has chosen and that are (or were) running.
ALLOCATABLE_PROJECT_STATUSES = (
    ProjectStatus.SELECTED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED,
)

# The key of an HTML form is its hidden token (the API's keys are the client's own).
ALLOCATION_SCOPE_FORM = "marketplace.allocation.form"


def fund_get_or_create(*, project: Project | None) -> Fund:
    """The fund of the cooperative (``project=None``) or of a project, created on first use."""
    # get_or_create retries the read when a concurrent request wins the insert: the
    # unique constraints (one cooperative fund, one fund per project) arbitrate.
    if project is None:
        fund, created = Fund.objects.get_or_create(kind=FundKind.COOPERATIVE, project=None)
    else:
        fund, created = Fund.objects.get_or_create(
            project=project, defaults={"kind": FundKind.PROJECT}
        )
    if created:
        audit_record(actor=None, action="fund.open", target=fund, data={"kind": fund.kind})
    return fund


@transaction.atomic
def fund_payment_record(
    *,
    contribution: Contribution,
    kind: str,
    method: str,
    amount_cents: int,
    received_on: date,
    reference: str = "",
    actor=None,
    stripe_event_id: str = "",
) -> Payment:
    """Append a payment or refund row and move the fund's total with it.

    The caller holds the contribution's row lock and keeps the contribution's own
    amounts in step; this function owns the fund side."""
    if amount_cents <= 0:
        raise MarketplaceError(_("The amount must be positive."), code="invalid_amount")
    fund = lock_row(Fund, contribution.fund_id)
    payment = Payment.objects.create(
        contribution=contribution,
        fund_id=contribution.fund_id,
        kind=kind,
        method=method,
        amount_cents=amount_cents,
        reference=reference,
        received_on=received_on,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
        stripe_event_id=stripe_event_id,
    )
    delta = amount_cents if kind == PaymentKind.PAYMENT else -amount_cents
    Fund.objects.filter(pk=contribution.fund_id).update(received_cents=F("received_cents") + delta)
    audit_record(
        actor=actor,
        action=f"fund.{kind}",
        target=payment,
        data={
            "fund": fund.pk,
            "amount_cents": amount_cents,
            "before": {"received_cents": fund.received_cents},
            "after": {"received_cents": fund.received_cents + delta},
        },
    )
    return payment


@transaction.atomic
def fund_allocation_create(
    *,
    actor,
    source_project: Project | None = None,
    project: Project,
    amount_cents: int,
    allocated_on: date,
    note: str = "",
) -> FundAllocation:
    """Assign money to a project from the cooperative's fund (``source_project=None``)
    or from the fund of money given for that project; never more than is available."""
    if project.status not in ALLOCATABLE_PROJECT_STATUSES:
        raise MarketplaceError(
            _("Money can only be allocated to a selected, running or completed project."),
            code="project_not_allocatable",
        )
    if source_project is not None and source_project.pk != project.pk:
        raise MarketplaceError(
            _("Money given for a project can only be allocated to that project."),
            code="fund_project_mismatch",
        )
    if amount_cents <= 0:
        raise MarketplaceError(_("The amount must be positive."), code="invalid_amount")
    fund = Fund.objects.filter(
        kind=FundKind.PROJECT if source_project else FundKind.COOPERATIVE,
        project=source_project,
    ).first()
    if fund is None:  # nothing was ever given to it: nothing to allocate (and no row made)
        raise MarketplaceError(
            _("No money has been received in this fund yet."),
            code="insufficient_funds",
            status_code=409,
        )
    source = lock_row(Fund, fund.pk)
    # The balance read here is the locked row's: no other allocation can slip in
    # between this check and the update below.
    if source.available_cents < amount_cents:
        raise MarketplaceError(
            _(
                "Only %(available)s is available in the fund “%(fund)s”: "
                "%(amount)s cannot be allocated."
            )
            % {
                "available": format_cents(max(source.available_cents, 0)),
                "fund": source,
                "amount": format_cents(amount_cents),
            },
            code="insufficient_funds",
            status_code=409,
        )
    Fund.objects.filter(pk=source.pk).update(allocated_cents=F("allocated_cents") + amount_cents)
    allocation = FundAllocation.objects.create(
        fund=source,
        project=project,
        amount_cents=amount_cents,
        allocated_on=allocated_on,
        note=note,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="funds.allocate",
        target=allocation,
        data={
            "fund": source.pk,
            "project": project.pk,
            "amount_cents": amount_cents,
            "before": {"allocated_cents": source.allocated_cents},
            "after": {"allocated_cents": source.allocated_cents + amount_cents},
        },
    )
    return allocation


def fund_allocation_create_once(
    *, scope: str, key: str | None, reused_message: str | None = None, **allocation
) -> FundAllocation:
    """``fund_allocation_create`` made safe to retry with ``key``
    (``backend.core.idempotency``): the same key and allocation give the first one back,
    the key with another allocation is a 409 (``reused_message``), two at once allocate
    once. The key is filed under the coordinator who allocates."""
    return idempotent_create(
        scope=scope,
        key=key,
        user=allocation["actor"],
        model=FundAllocation,
        create=fund_allocation_create,
        values=allocation,
        reused_message=reused_message,
    )


def _sums_by(queryset, key: str, value_filter: Q | None = None) -> dict[int, int]:
    rows = queryset.values(key).annotate(
        total=Coalesce(Sum("amount_cents", filter=value_filter), 0)
    )
    return {row[key]: row["total"] for row in rows}


def funds_integrity_problems() -> list[str]:
    """Each stored total compared with the sum of its history; an empty list is healthy.

    A handful of grouped queries, whatever the size of the history."""
    problems: list[str] = []
    paid_in = _sums_by(Payment.objects.all(), "fund_id", Q(kind=PaymentKind.PAYMENT))
    paid_back = _sums_by(Payment.objects.all(), "fund_id", Q(kind=PaymentKind.REFUND))
    allocated = _sums_by(FundAllocation.objects.all(), "fund_id")
    for fund in Fund.objects.select_related("project").order_by("pk"):
        received = paid_in.get(fund.pk, 0) - paid_back.get(fund.pk, 0)
        if fund.received_cents != received:
            problems.append(
                f"fund {fund.pk} ({fund}): received_cents={fund.received_cents}, "
                f"payments minus refunds={received}"
            )
        if fund.allocated_cents != allocated.get(fund.pk, 0):
            problems.append(
                f"fund {fund.pk} ({fund}): allocated_cents={fund.allocated_cents}, "
                f"allocations={allocated.get(fund.pk, 0)}"
            )
        if fund.available_cents != fund.received_cents - fund.allocated_cents:
            problems.append(f"fund {fund.pk} ({fund}): available_cents is not received - allocated")
    paid_states = [ContributionStatus.PAID, ContributionStatus.REFUNDED]
    mismatched = (
        Contribution.objects.annotate(
            paid_in=Coalesce(
                Sum("payments__amount_cents", filter=Q(payments__kind=PaymentKind.PAYMENT)), 0
            ),
            paid_back=Coalesce(
                Sum("payments__amount_cents", filter=Q(payments__kind=PaymentKind.REFUND)), 0
            ),
        )
        .filter(~Q(amount_received_cents=F("paid_in")) | ~Q(amount_refunded_cents=F("paid_back")))
        .order_by("pk")
    )
    for contribution in mismatched:
        problems.append(
            f"contribution {contribution.pk}: received/refunded "
            f"{contribution.amount_received_cents}/{contribution.amount_refunded_cents}, "
            f"payments {contribution.paid_in}/{contribution.paid_back}"
        )
    inconsistent = Contribution.objects.filter(
        (Q(status__in=paid_states) & (Q(amount_received_cents=0) | Q(receipt_number__isnull=True)))
        | (~Q(status__in=paid_states) & Q(amount_received_cents__gt=0))
    ).order_by("pk")
    for contribution in inconsistent.only("pk", "status"):
        problems.append(
            f"contribution {contribution.pk}: status {contribution.status} does not match "
            "its payments and receipt number"
        )
    return problems
