"""Personal data (RGPD) and the audit journal in the API: thin views over the services."""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import privacy
from backend.api.pagination import PageNumberPagination
from backend.core.forms import AuditFilterForm
from backend.core.permissions import COORDINATE, HasRule
from backend.core.selectors import audit_event_list

IsCoordinatorUser = HasRule(COORDINATE)


_ERASURE_OUTPUT = inline_serializer(
    "ErasureOutcome",
    fields={
        "user": serializers.IntegerField(),
        "erased": serializers.BooleanField(),
        "already_erased": serializers.BooleanField(),
    },
)


def _outcome(outcome: privacy.ErasureOutcome) -> Response:
    return Response(
        {"user": outcome.user.pk, "erased": True, "already_erased": outcome.already_erased}
    )


class MyDataApi(APIView):
    """Every piece of personal data the platform holds about me, as one JSON document."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(privacy.personal_data_document(actor=request.user, user=request.user))


class MyDataArchiveApi(APIView):
    """The same data as a zip archive (``data.json`` and one CSV per table)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request) -> HttpResponse:
        content = privacy.personal_data_archive(actor=request.user, user=request.user)
        response = HttpResponse(content, content_type="application/zip")
        name = f"terreau-my-data-{timezone.localdate().isoformat()}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class MyDataEraseApi(APIView):
    """Erase my personal data and close my account (confirm with the password)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(trim_whitespace=False, max_length=4096)
        confirm = serializers.BooleanField()

        def validate_confirm(self, value: bool) -> bool:
            if not value:
                raise serializers.ValidationError(_("Confirm that you want your data erased."))
            return value

    @extend_schema(request=InputSerializer, responses={200: _ERASURE_OUTPUT})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _outcome(
            privacy.personal_data_erase(
                actor=request.user, user=request.user, password=data.validated_data["password"]
            )
        )


class PersonEraseApi(APIView):
    """A coordinator erases a person's personal data, giving the reason."""

    permission_classes = [IsCoordinatorUser]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=1000)

    @extend_schema(request=InputSerializer, responses={200: _ERASURE_OUTPUT})
    def post(self, request: Request, user_id: int) -> Response:
        person = get_object_or_404(get_user_model(), pk=user_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _outcome(
            privacy.personal_data_erase(
                actor=request.user, user=person, reason=data.validated_data["reason"]
            )
        )


class AuditEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    actor_email = serializers.SerializerMethodField()
    action = serializers.CharField()
    object_type = serializers.SerializerMethodField()
    object_id = serializers.CharField(source="target_id")
    object = serializers.CharField(source="target_repr")
    data = serializers.JSONField()

    def get_actor_email(self, event) -> str:
        return event.actor.email if event.actor_id else ""

    def get_object_type(self, event) -> str:
        if not event.target_type_id:
            return ""
        return f"{event.target_type.app_label}.{event.target_type.model}"


class AuditEventListApi(ListAPIView):
    """The audit journal, newest first (coordinators)."""

    permission_classes = [IsCoordinatorUser]
    pagination_class = PageNumberPagination
    serializer_class = AuditEventOutput

    @extend_schema(
        parameters=[
            OpenApiParameter("actor", str, description="E-mail, name or user id"),
            OpenApiParameter("action", str, description="Action or its prefix"),
            OpenApiParameter("object_type", int, description="Content type id"),
            OpenApiParameter("object_id", str),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        form = AuditFilterForm(self.request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise ValidationError(
                {
                    field: [str(message) for message in errors]
                    for field, errors in form.errors.items()
                }
            )
        return audit_event_list(**form.filters())
