"""The events API under /api/v1/events/: thin views over the services and selectors."""

import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent_response
from backend.api.pagination import PageNumberPagination
from events import selectors, services
from events.models import Event, EventKind
from projects.markdown import render_markdown


class EventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    description = serializers.CharField()
    description_html = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    address = serializers.CharField()
    commune = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    online_url = serializers.CharField()
    capacity = serializers.IntegerField(allow_null=True)
    registration_deadline = serializers.DateTimeField(allow_null=True)
    visibility = serializers.CharField()
    status = serializers.CharField()
    project = serializers.IntegerField(source="project_id", allow_null=True)
    assembly = serializers.IntegerField(source="assembly_id", allow_null=True)
    registered_count = serializers.IntegerField()
    waitlisted_count = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")

    def get_description_html(self, obj: Event) -> str:
        return render_markdown(obj.description)


class RegistrationOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=["registered", "waitlisted"])
    position = serializers.IntegerField(
        allow_null=True, help_text=_("Place on the waiting list (1 = next), null when seated.")
    )


def _moment(name: str, raw: str | None) -> datetime.datetime | None:
    if not raw:
        return None
    moment = parse_datetime(raw)
    if moment is None and (day := parse_date(raw)) is not None:
        moment = datetime.datetime.combine(day, datetime.time.min)
    if moment is None:
        raise serializers.ValidationError({name: [_("Give an ISO 8601 date or date-time.")]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _event_or_404(request: Request, pk: int) -> Event:
    try:
        return selectors.event_get(user=request.user, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


class EventListApi(APIView):
    """The events the person asking may see, by start time."""

    permission_classes = [AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=EventKind.values),
            OpenApiParameter("project", int, description=_("id of a project")),
            OpenApiParameter("after", str, description=_("events starting at or after (ISO 8601)")),
            OpenApiParameter("before", str, description=_("events starting before (ISO 8601)")),
        ],
        responses=EventOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("kind") or None
        if kind and kind not in EventKind.values:
            raise serializers.ValidationError({"kind": [_("Unknown kind.")]})
        project = request.query_params.get("project") or None
        if project is not None and not project.isdigit():
            raise serializers.ValidationError({"project": [_("A project is given by its id.")]})
        qs = selectors.event_list(
            user=request.user,
            kind=kind,
            project_id=int(project) if project else None,
            after=_moment("after", request.query_params.get("after")),
            before=_moment("before", request.query_params.get("before")),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(EventOutput(page, many=True).data)


class EventDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=EventOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(EventOutput(_event_or_404(request, pk)).data)


class EventRegistrationApi(APIView):
    """Register to an event (or join its waiting list); DELETE cancels."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={201: RegistrationOutput},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request, pk: int) -> Response:
        event = _event_or_404(request, pk)

        def run() -> Response:
            registration = services.registration_create(actor=request.user, event=event)
            return Response(
                {
                    "status": registration.status,
                    "position": selectors.registration_position(registration),
                },
                status=status.HTTP_201_CREATED,
            )

        return idempotent_response(request, scope=f"events.registration:{event.pk}", run=run)

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("RegistrationCancelOutput", {"status": serializers.CharField()})
        },
    )
    def delete(self, request: Request, pk: int) -> Response:
        event = _event_or_404(request, pk)
        registration = services.registration_cancel(actor=request.user, event=event)
        return Response({"status": registration.status})
