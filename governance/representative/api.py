"""API of the representative election: elections, candidacies (list, stand, withdraw)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.pagination import PageNumberPagination
from governance.representative import selectors, services
from governance.representative.models import Candidacy, RepresentativeElection


class MandateOutput(serializers.Serializer):
    member = serializers.IntegerField(source="membership_id")
    name = serializers.CharField(source="membership.display_name")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class ElectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    college = serializers.CharField(source="college.slug")
    method = serializers.CharField()
    mandate_months = serializers.IntegerField()
    candidacies_open = serializers.BooleanField()
    candidate_count = serializers.IntegerField()
    vote = serializers.IntegerField(source="vote_id", allow_null=True)
    outcome = serializers.CharField(help_text="'' | elected | tie | no_ballot")
    mandate = serializers.SerializerMethodField()

    def get_mandate(self, obj) -> dict | None:
        mandate = getattr(obj, "mandate", None)
        return MandateOutput(mandate).data if mandate else None


class CandidacyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    election = serializers.IntegerField(source="election_id")
    member = serializers.IntegerField(source="membership_id")
    name = serializers.CharField(source="membership.display_name")
    statement = serializers.CharField()
    created_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class ElectionListApi(APIView):
    """The elections of the representative of the community, newest first (public)."""

    permission_classes = [AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(responses=ElectionOutput(many=True))
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.election_list(), request, view=self)
        return paginator.get_paginated_response(ElectionOutput(page, many=True).data)


class CandidacyListCreateApi(APIView):
    """The candidates standing (``?election=`` to filter); POST: stand with a statement
    (an active member of the election's college, while candidacies are open)."""

    pagination_class = PageNumberPagination

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    class InputSerializer(serializers.Serializer):
        election = serializers.IntegerField()
        statement = serializers.CharField(max_length=services.STATEMENT_MAX, trim_whitespace=True)

    @extend_schema(
        parameters=[OpenApiParameter("election", int, description="an election's id")],
        responses=CandidacyOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        election = None
        raw = request.query_params.get("election")
        if raw:
            if not raw.isdigit():
                raise serializers.ValidationError({"election": [_("Give an election's id.")]})
            election = RepresentativeElection.objects.filter(pk=int(raw)).first()
            if election is None:
                raise NotFound()
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.candidacy_list(election=election), request, view=self
        )
        return paginator.get_paginated_response(CandidacyOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: CandidacyOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        election = RepresentativeElection.objects.filter(pk=data.validated_data["election"]).first()
        if election is None:
            raise serializers.ValidationError({"election": [_("This election does not exist.")]})
        candidacy = services.candidacy_stand(
            user=request.user, election=election, statement=data.validated_data["statement"]
        )
        candidacy = selectors.candidacy_list().get(pk=candidacy.pk)
        return Response(CandidacyOutput(candidacy).data, status=status.HTTP_201_CREATED)


class CandidacyWithdrawApi(APIView):
    """Withdraw one's own candidacy while candidacies are open (others' answer 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=CandidacyOutput)
    def post(self, request: Request, pk: int) -> Response:
        candidacy = Candidacy.objects.filter(pk=pk, membership__user=request.user).first()
        if candidacy is None:
            raise NotFound()
        candidacy = services.candidacy_withdraw(user=request.user, candidacy=candidacy)
        candidacy = selectors.candidacy_list(standing_only=False).get(pk=candidacy.pk)
        return Response(CandidacyOutput(candidacy).data)
