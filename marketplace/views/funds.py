"""The public funds page and CSV export, and the coordinator's bookkeeping pages."""

import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from backend.core.forms import form_action
from backend.core.idempotency import FORM_TOKEN_REUSED
from backend.core.permissions import rule_required
from marketplace.forms.funds import AllocationForm, ManualContributionForm, ManualPaymentForm
from marketplace.models import Contribution, ContributionChannel, ContributionStatus
from marketplace.selectors.funds import (
    contributions_awaiting_payment_list,
    contributions_paid_count,
    contributions_public_list,
    fund_allocations_list,
    fund_movements_iter,
    fund_targets_list,
    funds_totals,
    payments_recent_list,
    projects_allocatable,
    projects_contributable,
    projects_for_manual_contribution,
)
from marketplace.services.contributions import (
    contribution_manual_create,
    contribution_manual_payment_record,
    contribution_transfer_reference,
)
from marketplace.services.funds import ALLOCATION_SCOPE_FORM, fund_allocation_create_once

PAGE_SIZE = 25


def funds(request: HttpRequest) -> HttpResponse:
    """Where the money comes from and where it goes, for everyone."""
    targets = list(fund_targets_list())
    contributable = list(projects_contributable())
    contributable_ids = {p.pk for p in contributable}
    with_fund = {f.project_id for f in targets if f.project_id}
    allocations = Paginator(fund_allocations_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "marketplace/funds.html",
        {
            "totals": funds_totals(),
            "targets": [
                {
                    "fund": fund,
                    "contribute_url": reverse("marketplace:contribute")
                    if fund.project_id is None
                    else (
                        reverse("marketplace:contribute_project", args=[fund.project.slug])
                        if fund.project_id in contributable_ids
                        else ""
                    ),
                }
                for fund in targets
            ],
            "projects_without_fund": [p for p in contributable if p.pk not in with_fund],
            "allocations": allocations,
            "contributions": contributions_public_list()[:20],
            "paid_count": contributions_paid_count(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    # A spreadsheet would run "=…" typed by a contributor as a formula.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def funds_export(request: HttpRequest) -> StreamingHttpResponse:
    """Every money movement as CSV (amounts in cents: positive in, negative out)."""
    writer = csv.writer(_Echo())
    header = ["date", "type", "fund", "counterpart", "amount_cents", "currency", "method", "note"]

    def rows():
        yield writer.writerow(header)
        for m in fund_movements_iter():
            yield writer.writerow(
                [
                    m.on.isoformat(),
                    m.kind,
                    _cell(m.fund),
                    _cell(m.counterpart),
                    m.amount_cents,
                    "EUR",
                    m.method,
                    _cell(m.note),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="terreau-fonds.csv"'
    return response


# The coordinator's pages of the books.
RECORD_PAYMENT = "marketplace.record_payment"


@rule_required(RECORD_PAYMENT)
def funds_manage(request: HttpRequest) -> HttpResponse:
    awaiting = Paginator(contributions_awaiting_payment_list(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for contribution in awaiting:
        contribution.transfer_reference = contribution_transfer_reference(contribution)
    recent = payments_recent_list()[:20]
    return render(
        request,
        "marketplace/funds_manage.html",
        {"awaiting": awaiting, "recent_payments": recent, "totals": funds_totals()},
    )


@rule_required(RECORD_PAYMENT)
def payment_record(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(
        Contribution.objects.select_related("fund__project"),
        pk=pk,
        channel=ContributionChannel.MANUAL,
    )
    context = {
        "contribution": contribution,
        "transfer_reference": contribution_transfer_reference(contribution),
        "already_paid": contribution.status != ContributionStatus.PENDING,
    }
    return form_action(
        request,
        ManualPaymentForm(
            request.POST or None,
            initial={"amount": f"{contribution.amount_cents / 100:.2f}"},
        ),
        lambda data: contribution_manual_payment_record(
            actor=request.user,
            contribution=contribution,
            method=data["method"],
            amount_cents=data["amount"],
            received_on=data["received_on"],
            reference=data["reference"],
        ),
        template="marketplace/payment_record.html",
        context=context,
        success_url=reverse("marketplace:funds_manage"),
        success_message=_("Payment recorded; the receipt is on its way."),
    )


@rule_required(RECORD_PAYMENT)
def manual_contribution_record(request: HttpRequest) -> HttpResponse:
    projects = list(projects_for_manual_contribution())
    form = ManualContributionForm(request.POST or None, projects=projects)
    return form_action(
        request,
        form,
        lambda data: contribution_manual_create(
            actor=request.user,
            project=form.target_project(),
            method=data["method"],
            amount_cents=data["amount"],
            received_on=data["received_on"],
            reference=data["reference"],
            email=data["email"],
            name=data["name"],
            message=data["message"],
            public=data["public"],
        ),
        template="marketplace/manual_contribution.html",
        context={},
        success_url=reverse("marketplace:funds_manage"),
        success_message=_("Contribution recorded."),
    )


@rule_required("marketplace.allocate_funds")
def allocation_record(request: HttpRequest) -> HttpResponse:
    form_options = {"funds": list(fund_targets_list()), "projects": projects_allocatable()}
    form = AllocationForm(request.POST or None, **form_options)
    return form_action(
        request,
        form,
        # A double click or a browser retry posts the same token: one allocation.
        lambda data: fund_allocation_create_once(
            scope=ALLOCATION_SCOPE_FORM,
            key=data["idempotency_token"],
            reused_message=FORM_TOKEN_REUSED,
            actor=request.user,
            source_project=form.source_project(),
            project=data["project"],
            amount_cents=data["amount"],
            allocated_on=data["allocated_on"],
            note=data["note"],
        ),
        template="marketplace/allocation_record.html",
        context={},
        success_url=reverse("marketplace:funds"),
        success_message=_("Allocation recorded."),
    )
