"""API of contributions and funds: thin views over the services and selectors."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent_response
from backend.api.pagination import PageNumberPagination
from backend.core.idempotency import request_fingerprint
from marketplace.errors import MarketplaceError
from marketplace.models import Contribution, ContributionChannel, Fund, FundAllocation, FundKind
from marketplace.models.funds import CURRENCY
from marketplace.selectors.funds import (
    contribution_detail_get,
    contribution_settings_get,
    fund_allocations_list,
    fund_targets_list,
    funds_totals,
)
from marketplace.services.contributions import (
    IDEMPOTENCY_SCOPE_API,
    contribution_start_once,
    contribution_transfer_reference,
)
from marketplace.services.funds import fund_allocation_create
from marketplace.throttles import ContributionRateThrottle
from projects.models import Project


class StrictCentsField(serializers.IntegerField):
    """Whole cents as a JSON integer: no strings, no decimals, no booleans."""

    default_error_messages = {
        "invalid": _("A whole number of cents is required, e.g. 1500 for 15 €."),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class FundTargetInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=FundKind.choices)
    id = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs: dict) -> dict:
        if attrs["type"] == FundKind.PROJECT and "id" not in attrs:
            raise serializers.ValidationError({"id": _("A project target needs its id.")})
        return attrs


class FundTargetRefSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()


def _target_of(fund: Fund) -> dict:
    return {
        "type": fund.kind,
        "id": fund.project_id,
        "title": str(fund),
    }


def _project_for_target(target: dict, *, field: str = "target") -> Project | None:
    if target["type"] == FundKind.COOPERATIVE:
        return None
    project = Project.objects.filter(pk=target["id"]).first()
    if project is None:
        raise MarketplaceError(
            _("No such project."),
            code="unknown_project",
            errors={f"{field}.id": [_("No such project.")]},
        )
    return project


class ContributionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    checkout_url = serializers.URLField(allow_null=True)
    manual_instructions = serializers.CharField(allow_null=True)
    transfer_reference = serializers.CharField(allow_null=True)
    amount_cents = serializers.IntegerField()
    currency = serializers.CharField()
    target = FundTargetRefSerializer()


def _manual_instructions(contribution: Contribution) -> str | None:
    if contribution.channel != ContributionChannel.MANUAL:
        return None
    bank = contribution_settings_get().bank_transfer_instructions.strip()
    text = str(
        _(
            "Pay by bank transfer and write the reference %(reference)s on it; the "
            "coordinator records it when it arrives and you receive a receipt by e-mail."
        )
    ) % {"reference": contribution_transfer_reference(contribution)}
    return f"{text}\n\n{bank}" if bank else text


def _contribution_output(contribution: Contribution) -> dict:
    manual = contribution.channel == ContributionChannel.MANUAL
    return {
        "id": contribution.pk,
        "status": contribution.status,
        "checkout_url": contribution.checkout_url or None,
        "manual_instructions": _manual_instructions(contribution),
        "transfer_reference": contribution_transfer_reference(contribution) if manual else None,
        "amount_cents": contribution.amount_cents,
        "currency": contribution.currency,
        "target": _target_of(contribution.fund),
    }


class ContributionCreateApi(APIView):
    """Start a free-price contribution; pay at ``checkout_url`` (Stripe) or by bank
    transfer following ``manual_instructions`` when card payments are off."""

    permission_classes = [AllowAny]
    throttle_classes = [ContributionRateThrottle]

    @extend_schema_serializer(component_name="ContributionCreateInput")
    class InputSerializer(serializers.Serializer):
        target = FundTargetInputSerializer()
        amount_cents = StrictCentsField()
        currency = serializers.ChoiceField(choices=[(CURRENCY, CURRENCY)])
        email = serializers.EmailField(required=False, allow_blank=True, default="")
        name = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
        message = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=1000
        )
        public = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        request=InputSerializer,
        responses={201: ContributionOutputSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        pledge = {
            "actor": request.user,
            "project": _project_for_target(values["target"]),
            "amount_cents": values["amount_cents"],
            "currency": values["currency"],
            "email": values["email"],
            "name": values["name"],
            "message": values["message"],
            "public": values["public"],
            "language": getattr(request, "LANGUAGE_CODE", "fr"),
        }
        # The pledge is recorded once per key (a guest's key is filed under the e-mail
        # address they give); Stripe is called after its commit.
        contribution = contribution_start_once(
            **pledge,
            scope=IDEMPOTENCY_SCOPE_API,
            key=request.headers.get("Idempotency-Key"),
            request_fingerprint=request_fingerprint(request.data),
        )
        return Response(_contribution_output(contribution), status=status.HTTP_201_CREATED)


class ContributionDetailApi(APIView):
    """One contribution, for the person who made it or a coordinator (404 otherwise)."""

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="ContributionDetail")
    class OutputSerializer(ContributionOutputSerializer):
        channel = serializers.CharField()
        amount_received_cents = serializers.IntegerField()
        amount_refunded_cents = serializers.IntegerField()
        email = serializers.EmailField()
        name = serializers.CharField()
        message = serializers.CharField()
        public = serializers.BooleanField()
        receipt_number = serializers.CharField(allow_null=True)
        created_at = serializers.DateTimeField()
        paid_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        contribution = contribution_detail_get(pk=pk)
        # Same answer for "absent" and "not yours": ids reveal nothing.
        if contribution is None or not request.user.has_perm(
            "marketplace.view_contribution", contribution
        ):
            raise Http404
        body = _contribution_output(contribution) | {
            "channel": contribution.channel,
            "amount_received_cents": contribution.amount_received_cents,
            "amount_refunded_cents": contribution.amount_refunded_cents,
            "email": contribution.email,
            "name": contribution.name,
            "message": contribution.message,
            "public": contribution.public,
            "receipt_number": contribution.receipt_number,
            "created_at": contribution.created_at,
            "paid_at": contribution.paid_at,
        }
        return Response(self.OutputSerializer(body).data)


class FundTargetTotalsSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    received_cents = serializers.IntegerField()
    allocated_cents = serializers.IntegerField()
    available_cents = serializers.IntegerField()


class FundsSummaryApi(APIView):
    """Money received, allocated and available, in total and per target (public)."""

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="FundsSummary")
    class OutputSerializer(serializers.Serializer):
        currency = serializers.CharField()
        received_cents = serializers.IntegerField()
        allocated_cents = serializers.IntegerField()
        available_cents = serializers.IntegerField()
        targets = FundTargetTotalsSerializer(many=True)

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        totals = funds_totals()
        targets = [
            _target_of(fund)
            | {
                "received_cents": fund.received_cents,
                "allocated_cents": fund.allocated_cents,
                "available_cents": fund.available_cents,
            }
            for fund in fund_targets_list()
        ]
        return Response(
            self.OutputSerializer(
                {
                    "currency": CURRENCY,
                    "received_cents": totals.received_cents,
                    "allocated_cents": totals.allocated_cents,
                    "available_cents": totals.available_cents,
                    "targets": targets,
                }
            ).data
        )


class FundAllocationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = FundTargetRefSerializer()
    project = inline_serializer(
        "FundAllocationProject",
        fields={"id": serializers.IntegerField(), "title": serializers.CharField()},
    )
    amount_cents = serializers.IntegerField()
    currency = serializers.CharField()
    allocated_on = serializers.DateField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


def _allocation_output(allocation: FundAllocation) -> dict:
    return {
        "id": allocation.pk,
        "source": _target_of(allocation.fund),
        "project": {"id": allocation.project_id, "title": allocation.project.title},
        "amount_cents": allocation.amount_cents,
        "currency": allocation.currency,
        "allocated_on": allocation.allocated_on,
        "note": allocation.note,
        "created_at": allocation.created_at,
    }


class FundAllocationsApi(GenericAPIView):
    """GET: the allocations, newest first (public, paginated).
    POST: a coordinator allocates money from a fund to a project."""

    pagination_class = PageNumberPagination

    @extend_schema_serializer(component_name="FundAllocationCreateInput")
    class InputSerializer(serializers.Serializer):
        source = FundTargetInputSerializer(required=False)
        project = serializers.IntegerField(min_value=1)
        amount_cents = StrictCentsField(min_value=1)
        currency = serializers.ChoiceField(choices=[(CURRENCY, CURRENCY)])
        allocated_on = serializers.DateField(required=False)
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def get_queryset(self):
        return fund_allocations_list()

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(responses={200: FundAllocationOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            FundAllocationOutputSerializer([_allocation_output(a) for a in page], many=True).data
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: FundAllocationOutputSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        if not request.user.has_perm("marketplace.allocate_funds"):
            self.permission_denied(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        project = Project.objects.filter(pk=values["project"]).first()
        if project is None:
            raise MarketplaceError(
                _("No such project."),
                code="unknown_project",
                errors={"project": [_("No such project.")]},
            )
        source = _project_for_target(
            values.get("source") or {"type": FundKind.COOPERATIVE}, field="source"
        )

        def run() -> Response:
            allocation = fund_allocation_create(
                actor=request.user,
                source_project=source,
                project=project,
                amount_cents=values["amount_cents"],
                allocated_on=values.get("allocated_on") or timezone.localdate(),
                note=values["note"],
            )
            data = FundAllocationOutputSerializer(_allocation_output(allocation)).data
            return Response(data, status=status.HTTP_201_CREATED)

        return idempotent_response(request, scope="marketplace.allocation", run=run)
