"""API of listings and exchanges: thin views over services.listings/exchanges."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.pagination import PageNumberPagination
from marketplace.api.ledger import StrictMinutesField
from marketplace.models import Exchange, Listing, ListingKind, ListingStatus
from marketplace.selectors.listings import (
    exchange_get,
    exchange_list_for_user,
    listing_get,
    listing_search,
)
from marketplace.services.exchanges import (
    exchange_create,
    exchange_message_post,
    exchange_transition,
)
from marketplace.services.listings import listing_create
from projects.models import Project


@extend_schema_serializer(component_name="Listing")
class ListingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    estimated_minutes = serializers.IntegerField()
    place = serializers.CharField()
    remote = serializers.BooleanField()
    project = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
    owner = serializers.CharField()
    created_at = serializers.DateTimeField()


def _listing_output(listing: Listing) -> dict:
    return {
        "id": listing.pk,
        "kind": listing.kind,
        "title": listing.title,
        "description": listing.description,
        "tags": [t.slug for t in listing.tags.all()],
        "estimated_minutes": listing.estimated_minutes,
        "place": listing.place,
        "remote": listing.remote,
        "project": listing.project_id,
        "status": listing.status,
        "expires_on": listing.expires_on,
        "owner": listing.owner.display_name,
        "created_at": listing.created_at,
    }


class ListingListApi(GenericAPIView):
    """Open listings (search ``q``; filters ``kind``, ``tag``, ``remote``, ``project``,
    ``status``), paginated; a member publishes one with POST."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = PageNumberPagination
    queryset = Listing.objects.none()

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
        kind = serializers.ChoiceField(choices=ListingKind.choices, required=False, default="")
        tag = serializers.SlugField(required=False, default="", allow_blank=True)
        remote = serializers.BooleanField(required=False, allow_null=True, default=None)
        project = serializers.IntegerField(required=False, allow_null=True, default=None)
        status = serializers.ChoiceField(choices=ListingStatus.choices, required=False, default="")

    @extend_schema_serializer(component_name="ListingCreateInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ListingKind.choices)
        title = serializers.CharField(max_length=200)
        description = serializers.CharField(
            max_length=5000, required=False, allow_blank=True, default=""
        )
        tags = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False, default=list, max_length=10
        )
        estimated_minutes = StrictMinutesField(min_value=1, max_value=100_000)
        place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        remote = serializers.BooleanField(required=False, default=False)
        project = serializers.IntegerField(required=False, allow_null=True, default=None)
        expires_on = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: ListingOutputSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        page = self.paginate_queryset(
            listing_search(
                q=values["q"],
                kind=values["kind"],
                tag=values["tag"],
                remote=values["remote"],
                project_id=values["project"],
                status=values["status"],
            )
        )
        return self.get_paginated_response(
            ListingOutputSerializer([_listing_output(x) for x in page], many=True).data
        )

    @extend_schema(request=InputSerializer, responses={201: ListingOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = None
        if values.pop("project") is not None:
            project = Project.objects.filter(pk=data.validated_data["project"]).first()
            if project is None:
                raise serializers.ValidationError({"project": ["No such project."]})
        listing = listing_create(actor=request.user, project=project, **values)
        return Response(
            ListingOutputSerializer(_listing_output(listing_get(pk=listing.pk))).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_serializer(component_name="ExchangeMessage")
class MessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="Exchange")
class ExchangeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    listing = serializers.IntegerField()
    listing_title = serializers.CharField()
    giver = serializers.CharField()
    receiver = serializers.CharField()
    minutes = serializers.IntegerField()
    status = serializers.CharField()
    reason = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ExchangeDetail")
class ExchangeDetailOutputSerializer(ExchangeOutputSerializer):
    messages = MessageOutputSerializer(many=True)


def _exchange_output(exchange: Exchange) -> dict:
    return {
        "id": exchange.pk,
        "listing": exchange.listing_id,
        "listing_title": exchange.listing.title,
        "giver": exchange.giver.display_name,
        "receiver": exchange.receiver.display_name,
        "minutes": exchange.minutes,
        "status": exchange.status,
        "reason": exchange.reason,
        "done_at": exchange.done_at,
        "updated_at": exchange.updated_at,
    }


def _exchange_detail_output(exchange: Exchange) -> dict:
    return _exchange_output(exchange) | {
        "messages": [
            {
                "id": m.pk,
                "author": m.author.display_name,
                "body": m.body,
                "created_at": m.created_at,
            }
            for m in exchange.messages.all()
        ]
    }


def _exchange_visible(request: Request, pk: int, view: APIView) -> Exchange:
    exchange = exchange_get(pk=pk)
    if exchange is None:
        raise Http404
    if not request.user.has_perm("marketplace.view_exchange", exchange):
        view.permission_denied(request)
    return exchange


class ListingRespondApi(APIView):
    """A member answers a listing: an exchange is proposed (409 on own, closed or
    already answered listings)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="ListingRespondInput")
    class InputSerializer(serializers.Serializer):
        minutes = StrictMinutesField(min_value=1, max_value=100_000, required=False)
        message = serializers.CharField(
            max_length=5000, required=False, allow_blank=True, default=""
        )

    @extend_schema(request=InputSerializer, responses={201: ExchangeDetailOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        listing = listing_get(pk=pk)
        if listing is None:
            raise Http404
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exchange = exchange_create(
            actor=request.user,
            listing=listing,
            minutes=data.validated_data.get("minutes"),
            message=data.validated_data["message"],
        )
        return Response(
            ExchangeDetailOutputSerializer(
                _exchange_detail_output(exchange_get(pk=exchange.pk))
            ).data,
            status=status.HTTP_201_CREATED,
        )


class ExchangeListApi(GenericAPIView):
    """My exchanges (as giver or receiver of time), latest activity first."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination
    queryset = Exchange.objects.none()

    @extend_schema(responses={200: ExchangeOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(exchange_list_for_user(user=request.user))
        return self.get_paginated_response(
            ExchangeOutputSerializer([_exchange_output(e) for e in page], many=True).data
        )


class ExchangeDetailApi(APIView):
    """One exchange with its messages (its two parties or a coordinator)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ExchangeDetailOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        exchange = _exchange_visible(request, pk, self)
        return Response(ExchangeDetailOutputSerializer(_exchange_detail_output(exchange)).data)


class ExchangeTransitionApi(APIView):
    """accept ({"minutes"} to agree the amount), done, confirm (posts the transfer;
    409 ``credit_limit``), cancel and dispute ({"reason"} required). 403 when your role
    may never do it, 409 when the exchange's state does not allow it now."""

    permission_classes = [IsAuthenticated]
    action: str = ""

    @extend_schema_serializer(component_name="ExchangeTransitionInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, default=""
        )
        minutes = StrictMinutesField(min_value=1, max_value=100_000, required=False)

    @extend_schema(request=InputSerializer, responses={200: ExchangeDetailOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        exchange = _exchange_visible(request, pk, self)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exchange_transition(
            actor=request.user,
            exchange=exchange,
            action=self.action,
            reason=data.validated_data["reason"],
            minutes=data.validated_data.get("minutes") if self.action == "accept" else None,
        )
        return Response(
            ExchangeDetailOutputSerializer(_exchange_detail_output(exchange_get(pk=pk))).data
        )


def transition_api(action: str) -> type[ExchangeTransitionApi]:
    name = f"Exchange{action.capitalize()}Api"
    return type(
        name, (ExchangeTransitionApi,), {"action": action, "__doc__": ExchangeTransitionApi.__doc__}
    )


class ExchangeMessageCreateApi(APIView):
    """A party writes to the other (who is e-mailed)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="ExchangeMessageInput")
    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=5000)

    @extend_schema(request=InputSerializer, responses={201: MessageOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        exchange = _exchange_visible(request, pk, self)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = exchange_message_post(
            actor=request.user, exchange=exchange, body=data.validated_data["body"]
        )
        return Response(
            MessageOutputSerializer(
                {
                    "id": message.pk,
                    "author": request.user.display_name,
                    "body": message.body,
                    "created_at": message.created_at,
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )
