"""API of the time ledger: thin views over ``services.ledger`` and ``selectors.ledger``."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent_response
from backend.api.pagination import PageNumberPagination
from marketplace.errors import MarketplaceError
from marketplace.models import TimeAccount, TimeTransfer
from marketplace.selectors.ledger import (
    StatementPages,
    time_account_get,
    time_account_list,
)
from marketplace.services.ledger import (
    time_account_for_user,
    time_transfer_create,
    time_transfer_reverse,
)


class StrictMinutesField(serializers.IntegerField):
    """Whole minutes as a JSON integer: no strings, no decimals, no booleans."""

    default_error_messages = {
        "invalid": _("A whole number of minutes is required, e.g. 90 for 1 h 30."),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_serializer(component_name="TimeAccount")
class AccountOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    balance_minutes = serializers.IntegerField()
    credit_limit_minutes = serializers.IntegerField()


def _account_output(account: TimeAccount) -> dict:
    return {
        "id": account.pk,
        "kind": account.kind,
        "name": str(account),
        "balance_minutes": account.balance_minutes,
        "credit_limit_minutes": account.credit_limit_minutes,
    }


@extend_schema_serializer(component_name="TimeTransfer")
class TransferOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_account = serializers.IntegerField()
    to_account = serializers.IntegerField()
    minutes = serializers.IntegerField()
    memo = serializers.CharField()
    reverses = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


def _transfer_output(transfer: TimeTransfer) -> dict:
    return {
        "id": transfer.pk,
        "from_account": transfer.payer_id,
        "to_account": transfer.payee_id,
        "minutes": transfer.minutes,
        "memo": transfer.memo,
        "reverses": transfer.reverses_id,
        "created_at": transfer.created_at,
    }


class AccountMeApi(APIView):
    """The caller's own time account (members only; created on first use)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="TimeAccountMe")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        balance_minutes = serializers.IntegerField()
        credit_limit_minutes = serializers.IntegerField()

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        account = time_account_for_user(user=request.user)
        return Response(
            self.OutputSerializer(
                {
                    "id": account.pk,
                    "balance_minutes": account.balance_minutes,
                    "credit_limit_minutes": account.credit_limit_minutes,
                }
            ).data
        )


class AccountListApi(GenericAPIView):
    """Every time account with its balance and limit (coordinator, paginated)."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    def get_queryset(self):
        return time_account_list()

    @extend_schema(responses={200: AccountOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        if not request.user.has_perm("marketplace.list_timeaccounts"):
            self.permission_denied(request)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            AccountOutputSerializer([_account_output(a) for a in page], many=True).data
        )


class AccountTransfersApi(GenericAPIView):
    """An account's transfers, newest first, with the running balance after each
    (the account's owner or a coordinator; paginated)."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination
    queryset = TimeTransfer.objects.none()  # for the schema: the statement is per account

    @extend_schema_serializer(component_name="TimeStatementLine")
    class OutputSerializer(TransferOutputSerializer):
        signed_minutes = serializers.IntegerField()
        balance_after = serializers.IntegerField()
        counterpart = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        account = time_account_get(pk=pk)
        if account is None:
            raise Http404
        if not request.user.has_perm("marketplace.view_timeaccount", account):
            self.permission_denied(request)
        page = self.paginate_queryset(StatementPages(account=account))
        rows = [
            _transfer_output(t)
            | {
                "signed_minutes": t.signed_minutes,
                "balance_after": t.balance_after,
                "counterpart": str(t.payer if t.payee_id == account.pk else t.payee),
            }
            for t in page
        ]
        return self.get_paginated_response(self.OutputSerializer(rows, many=True).data)


def _account_from_input(pk: int, *, field: str) -> TimeAccount:
    account = TimeAccount.objects.filter(pk=pk).first()
    if account is None:
        raise MarketplaceError(
            _("No such account."), code="unknown_account", errors={field: [_("No such account.")]}
        )
    return account


class TransferCreateApi(APIView):
    """Give minutes from your own account (a coordinator may name ``from_account``).
    409 ``credit_limit`` when the payer would go below its credit limit."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="TimeTransferCreateInput")
    class InputSerializer(serializers.Serializer):
        to_account = serializers.IntegerField(min_value=1)
        minutes = StrictMinutesField(min_value=1, max_value=100_000)
        memo = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
        from_account = serializers.IntegerField(min_value=1, required=False)

    @extend_schema(
        request=InputSerializer,
        responses={201: TransferOutputSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "from_account" in values:
            if not request.user.has_perm("marketplace.transfer_from_any_account"):
                self.permission_denied(request)
            payer = _account_from_input(values["from_account"], field="from_account")
        else:
            payer = time_account_for_user(user=request.user)
        payee = _account_from_input(values["to_account"], field="to_account")

        def run() -> Response:
            transfer = time_transfer_create(
                actor=request.user,
                payer=payer,
                payee=payee,
                minutes=values["minutes"],
                memo=values["memo"],
            )
            return Response(
                TransferOutputSerializer(_transfer_output(transfer)).data,
                status=status.HTTP_201_CREATED,
            )

        return idempotent_response(request, scope="marketplace.transfer", run=run)


class TransferReverseApi(APIView):
    """A coordinator corrects a transfer with a reversing one (once)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="TimeTransferReverseInput")
    class InputSerializer(serializers.Serializer):
        memo = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: TransferOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        if not request.user.has_perm("marketplace.reverse_timetransfer"):
            self.permission_denied(request)
        transfer = TimeTransfer.objects.filter(pk=pk).first()
        if transfer is None:
            raise Http404
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reversal = time_transfer_reverse(
            actor=request.user, transfer=transfer, memo=data.validated_data["memo"]
        )
        return Response(
            TransferOutputSerializer(_transfer_output(reversal)).data,
            status=status.HTTP_201_CREATED,
        )
