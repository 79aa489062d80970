"""API of the jardinier's door. Someone else's thread answers 404, like a missing one."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.pagination import PageNumberPagination
from governance.threads import selectors, services
from governance.threads.models import ThreadStatus


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.SerializerMethodField()
    from_coordinator = serializers.BooleanField()
    body = serializers.CharField()
    attachment = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_author(self, obj) -> str:
        return obj.author.display_name if obj.author else ""

    def get_attachment(self, obj) -> str | None:
        if not obj.attachment:
            return None
        from django.urls import reverse

        return reverse("governance:thread_attachment", kwargs={"pk": obj.pk})


class ThreadOutput(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    status = serializers.CharField(help_text="open | answered | closed")
    author = serializers.CharField(source="author.display_name")
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField()
    first_answer_at = serializers.DateTimeField(allow_null=True)
    message_count = serializers.IntegerField()


class ThreadDetailOutput(ThreadOutput):
    messages = serializers.SerializerMethodField()

    @extend_schema_field(MessageOutput(many=True))
    def get_messages(self, obj) -> list[dict]:
        return MessageOutput(selectors.thread_messages(obj), many=True).data


def _thread_or_404(request: Request, pk: int):
    thread = selectors.thread_get_for(request.user, pk)
    if thread is None:
        raise NotFound()
    return thread


class ThreadListCreateApi(APIView):
    """My threads with the coordinator (the coordinator: the inbox, every thread)."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        subject = serializers.CharField(max_length=services.SUBJECT_MAX)
        body = serializers.CharField(max_length=services.BODY_MAX)
        attachment = serializers.FileField(required=False, allow_null=True)

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=ThreadStatus.values)],
        responses=ThreadOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        status_filter = request.query_params.get("status") or None
        if status_filter and status_filter not in ThreadStatus.values:
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.thread_list_for(request.user, status=status_filter), request, view=self
        )
        return paginator.get_paginated_response(ThreadOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ThreadDetailOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread = services.thread_open(
            author=request.user,
            subject=data.validated_data["subject"],
            body=data.validated_data["body"],
            attachment=data.validated_data.get("attachment"),
        )
        thread = selectors.thread_get_for(request.user, thread.pk)
        return Response(ThreadDetailOutput(thread).data, status=status.HTTP_201_CREATED)


class ThreadDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ThreadDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ThreadDetailOutput(_thread_or_404(request, pk)).data)


class ThreadMessageCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=services.BODY_MAX)
        attachment = serializers.FileField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses={201: MessageOutput})
    def post(self, request: Request, pk: int) -> Response:
        thread = _thread_or_404(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.thread_reply(
            actor=request.user,
            thread=thread,
            body=data.validated_data["body"],
            attachment=data.validated_data.get("attachment"),
        )
        return Response(MessageOutput(message).data, status=status.HTTP_201_CREATED)
