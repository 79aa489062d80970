from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.fields import EventDateTimeField
from backend.core.throttles import ResolutionVoteRateThrottle
from governance.api import IsCoordinator
from governance.assemblies import selectors, services
from governance.assemblies.models import (
    Assembly,
    AssemblyKind,
    Majority,
    Resolution,
    ResolutionStatus,
    VoteChoice,
)
from governance.models import Membership


class AssemblyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    convocation = serializers.IntegerField()
    date = serializers.DateTimeField()
    place = serializers.CharField()
    online_url = serializers.CharField()
    status = serializers.CharField()
    convened_on = serializers.DateField(allow_null=True)
    members_with_voting_rights = serializers.IntegerField(allow_null=True)


def _assembly(pk: int) -> Assembly:
    return get_object_or_404(Assembly, pk=pk)


def _membership(pk: int, field: str) -> Membership:
    membership = Membership.objects.select_related("user", "college").filter(pk=pk).first()
    if membership is None:
        raise serializers.ValidationError({field: [_("Unknown member.")]})
    return membership


class AssemblyCreateApi(APIView):
    permission_classes = [IsCoordinator]

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        kind = serializers.ChoiceField(choices=AssemblyKind.values, default=AssemblyKind.ORDINARY)
        convocation = serializers.ChoiceField(choices=[1, 2], default=1)
        date = EventDateTimeField()
        place = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
        online_url = serializers.URLField(required=False, default="", allow_blank=True)
        description = serializers.CharField(required=False, default="", allow_blank=True)
        convened_on = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer, responses={201: AssemblyOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assembly = services.assembly_create(actor=request.user, **data.validated_data)
        return Response(AssemblyOutput(assembly).data, status=status.HTTP_201_CREATED)


class _AssemblyTransitionApi(APIView):
    permission_classes = [IsCoordinator]
    transition = staticmethod(services.assembly_convene)

    @extend_schema(request=None, responses=AssemblyOutput)
    def post(self, request: Request, pk: int) -> Response:
        assembly = self.transition(actor=request.user, assembly=_assembly(pk))
        return Response(AssemblyOutput(assembly).data)


class AssemblyConveneApi(_AssemblyTransitionApi):
    transition = staticmethod(services.assembly_convene)


class AssemblyOpenApi(_AssemblyTransitionApi):
    transition = staticmethod(services.assembly_open)


class AssemblyCloseApi(_AssemblyTransitionApi):
    transition = staticmethod(services.assembly_close)


class AttendanceRecordApi(APIView):
    permission_classes = [IsCoordinator]

    class InputSerializer(serializers.Serializer):
        member = serializers.IntegerField()
        status = serializers.ChoiceField(choices=["present", "represented"])
        proxy_holder = serializers.IntegerField(required=False, allow_null=True, default=None)

        def validate(self, attrs):
            if attrs["status"] == "represented" and not attrs["proxy_holder"]:
                raise serializers.ValidationError(
                    {"proxy_holder": [_("Say who holds the proxy of a represented member.")]}
                )
            return attrs

    class OutputSerializer(serializers.Serializer):
        member = serializers.IntegerField()
        status = serializers.CharField()
        proxy_holder = serializers.IntegerField(allow_null=True)
        present = serializers.IntegerField()
        represented = serializers.IntegerField()
        quorum_reached = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        assembly = _assembly(pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = _membership(data.validated_data["member"], "member")
        holder = None
        if data.validated_data["status"] == "present":
            services.attendance_mark_present(
                actor=request.user, assembly=assembly, membership=member
            )
        else:
            holder = _membership(data.validated_data["proxy_holder"], "proxy_holder")
            services.proxy_give(actor=request.user, assembly=assembly, giver=member, holder=holder)
        quorum = selectors.assembly_quorum(assembly=assembly)
        return Response(
            {
                "member": member.pk,
                "status": data.validated_data["status"],
                "proxy_holder": holder.pk if holder else None,
                "present": quorum.present,
                "represented": quorum.represented,
                "quorum_reached": quorum.reached,
            },
            status=status.HTTP_201_CREATED,
        )


class ResolutionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    assembly = serializers.IntegerField(source="assembly_id")
    position = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()
    majority = serializers.CharField()
    status = serializers.CharField()


class ResolutionCreateApi(APIView):
    permission_classes = [IsCoordinator]

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        text = serializers.CharField()
        majority = serializers.ChoiceField(choices=Majority.values, default=Majority.SIMPLE)

    @extend_schema(request=InputSerializer, responses={201: ResolutionOutput})
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resolution = services.resolution_create(
            actor=request.user, assembly=_assembly(pk), **data.validated_data
        )
        return Response(ResolutionOutput(resolution).data, status=status.HTTP_201_CREATED)


class _ResolutionTransitionApi(APIView):
    permission_classes = [IsCoordinator]
    transition = staticmethod(services.resolution_open)

    @extend_schema(request=None, responses=ResolutionOutput)
    def post(self, request: Request, pk: int) -> Response:
        resolution = self.transition(
            actor=request.user, resolution=get_object_or_404(Resolution, pk=pk)
        )
        return Response(ResolutionOutput(resolution).data)


class ResolutionOpenApi(_ResolutionTransitionApi):
    transition = staticmethod(services.resolution_open)


class ResolutionCloseApi(_ResolutionTransitionApi):
    transition = staticmethod(services.resolution_close)


class ResolutionVoteApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, ResolutionVoteRateThrottle]

    class InputSerializer(serializers.Serializer):
        choice = serializers.ChoiceField(choices=VoteChoice.values)
        on_behalf_of = serializers.IntegerField(required=False, allow_null=True, default=None)

    class OutputSerializer(serializers.Serializer):
        resolution = serializers.IntegerField()
        member = serializers.IntegerField()
        choice = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        resolution = get_object_or_404(Resolution, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        on_behalf = data.validated_data["on_behalf_of"]
        vote = services.resolution_vote_cast(
            user=request.user,
            resolution=resolution,
            choice=data.validated_data["choice"],
            on_behalf_of=_membership(on_behalf, "on_behalf_of") if on_behalf else None,
        )
        return Response(
            {"resolution": resolution.pk, "member": vote.member_id, "choice": vote.choice},
            status=status.HTTP_201_CREATED,
        )


class ResolutionResultApi(APIView):
    permission_classes = [IsAuthenticated]

    class CollegeResult(serializers.Serializer):
        college = serializers.CharField()
        weight = serializers.FloatField(allow_null=True)
        effective_weight = serializers.FloatField(allow_null=True)
        yes = serializers.IntegerField()
        no = serializers.IntegerField()
        abstain = serializers.IntegerField()
        yes_share = serializers.FloatField(allow_null=True)

    class OutputSerializer(serializers.Serializer):
        resolution = serializers.IntegerField()
        majority = serializers.CharField()
        adopted = serializers.BooleanField()
        weighted_yes = serializers.FloatField()
        quorum_reached = serializers.BooleanField()
        quorum_ratio = serializers.FloatField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        resolution = get_object_or_404(Resolution, pk=pk)
        if resolution.status != ResolutionStatus.CLOSED:
            raise NotFound(_("The result is published when the vote closes."))
        result = resolution.result
        return Response(
            {
                "resolution": resolution.pk,
                "majority": resolution.majority,
                "adopted": resolution.adopted,
                "weighted_yes": resolution.weighted_yes,
                "quorum_reached": bool(resolution.quorum_reached),
                "quorum_ratio": resolution.quorum_ratio,
                "weighted": result["weighted"],
                "colleges": result["colleges"],
            }
        )
