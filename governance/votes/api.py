"""The votes API (/api/v1/votes/): thin views over the services and selectors."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.fields import EventDateTimeField
from backend.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent_response
from backend.api.pagination import PageNumberPagination
from backend.core.permissions import HasRule
from backend.core.throttles import BallotRateThrottle
from governance.api import IsCoordinator
from governance.errors import GovernanceError
from governance.models import College
from governance.votes import results, selectors, services
from governance.votes.models import Vote, VoteMethod, VoteOption, VoteStatus


class CanSeeVotes(BasePermission):
    message = _("Only members of the cooperative can see its votes.")

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("governance.see_votes")


def _vote_fresh(pk: int) -> Vote:
    """The vote, opened or closed first if its time has come (no scheduler needed)."""
    try:
        vote = selectors.vote_get(vote_id=pk)
    except Vote.DoesNotExist:
        raise NotFound() from None
    if services.vote_sync(vote=vote).status != vote.status:
        vote = selectors.vote_get(vote_id=pk)
    return vote


def _results_hidden() -> GovernanceError:
    return GovernanceError(
        _("The results are published when the vote closes."),
        code="results_hidden",
        status_code=409,
    )


# ---------------------------------------------------------------- outputs


class OptionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    project = serializers.IntegerField(source="project_ref", allow_null=True)
    position = serializers.IntegerField()


class ElectorateSerializer(serializers.Serializer):
    colleges = serializers.ListField(
        child=serializers.SlugField(), required=False, default=list, allow_empty=True
    )
    pioneers_only = serializers.BooleanField(required=False, default=False)


class OutcomeOutput(serializers.Serializer):
    """What the close decided (issue 15 §1). Always present: every field null before the
    close and for a vote whose options are not projects; ``project`` null on a tie (then
    ``tie`` is true) or when a free-label option won."""

    project = serializers.IntegerField(allow_null=True)
    applied_at = serializers.DateTimeField(allow_null=True)
    override_reason = serializers.CharField(allow_null=True)
    tie = serializers.BooleanField()


def outcome_data(vote: Vote) -> dict:
    is_project = vote.outcome_subject_kind == VoteOption.PROJECT
    return {
        "project": vote.outcome_subject_id if is_project else None,
        "applied_at": vote.outcome_applied_at,
        "override_reason": vote.outcome_override_reason or None,
        "tie": vote.outcome_tie,
    }


class VoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    method = serializers.ChoiceField(choices=VoteMethod.choices)
    status = serializers.ChoiceField(choices=VoteStatus.choices)
    grades = serializers.ListField(child=serializers.CharField())
    secret = serializers.BooleanField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    opened_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    electorate = serializers.SerializerMethodField()
    options = OptionOutput(many=True, source="options.all")
    can_vote = serializers.BooleanField(source="in_electorate")
    has_voted = serializers.BooleanField()
    outcome = serializers.SerializerMethodField()

    @extend_schema_field(OutcomeOutput)
    def get_outcome(self, obj: Vote) -> dict:
        return OutcomeOutput(outcome_data(obj)).data

    @extend_schema_field(ElectorateSerializer)
    def get_electorate(self, obj: Vote) -> dict:
        return {
            "colleges": [college.slug for college in obj.colleges.all()],
            "pioneers_only": obj.pioneers_only,
        }


def _vote_data(request: Request, vote: Vote) -> dict:
    if not hasattr(vote, "in_electorate"):
        membership = selectors.voter_membership(vote=vote, user=request.user)
        vote.in_electorate = membership is not None
        vote.has_voted = selectors.vote_has_voted(vote=vote, membership=membership)
    return VoteOutput(vote).data


class ParticipationOutput(serializers.Serializer):
    ballots = serializers.IntegerField()
    electorate = serializers.IntegerField()
    rate = serializers.FloatField()


class RankedOptionOutput(serializers.Serializer):
    option = serializers.IntegerField()
    label = serializers.CharField()
    project = serializers.IntegerField(allow_null=True)
    rank = serializers.IntegerField()


class ResultsOutput(serializers.Serializer):
    """The ranking with, per option and for the whole count, what the method explains:
    majority judgment `profile`, `majority_grade`, `gauge`, `separation` and `grades`;
    approval and plurality `count` and `share`; Schulze `beats`, `pairwise` and
    `strongest_paths` (rows and columns in the order of `options`)."""

    vote = serializers.IntegerField()
    method = serializers.ChoiceField(choices=VoteMethod.choices)
    ballot_count = serializers.IntegerField()
    closed_at = serializers.DateTimeField()
    participation = ParticipationOutput()
    ranking = RankedOptionOutput(many=True)


# ---------------------------------------------------------------- votes


class VoteListCreateApi(APIView):
    """The votes (members and the coordinator); the coordinator creates them."""

    # The schema shows the paginated page these views answer with.
    pagination_class = PageNumberPagination

    class InputSerializer(serializers.Serializer):
        class OptionInput(serializers.Serializer):
            label = serializers.CharField(
                max_length=200, required=False, default="", allow_blank=True
            )
            project = serializers.IntegerField(required=False, allow_null=True, default=None)

        title = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, default="", allow_blank=True)
        method = serializers.ChoiceField(
            choices=VoteMethod.choices, default=VoteMethod.MAJORITY_JUDGMENT
        )
        options = OptionInput(many=True)
        grades = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False, allow_empty=True
        )
        opens_at = EventDateTimeField()
        closes_at = EventDateTimeField()
        secret = serializers.BooleanField(required=False, default=True)
        electorate = ElectorateSerializer(required=False)

    def get_permissions(self):
        return [IsCoordinator()] if self.request.method == "POST" else [CanSeeVotes()]

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=VoteStatus.values)],
        responses=VoteOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        services.votes_sync_due()
        wanted = request.query_params.get("status") or None
        if wanted and wanted not in VoteStatus.values:
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.vote_list_for(user=request.user, status=wanted), request, view=self
        )
        return paginator.get_paginated_response(VoteOutput(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: VoteOutput},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        electorate = values.get("electorate") or {"colleges": [], "pioneers_only": False}
        slugs = electorate.get("colleges", [])
        colleges = list(College.objects.filter(slug__in=slugs))
        if unknown := sorted(set(slugs) - {c.slug for c in colleges}):
            message = _("Unknown college: %(slugs)s.") % {"slugs": ", ".join(unknown)}
            raise serializers.ValidationError({"electorate": {"colleges": [message]}})

        def write() -> Response:
            vote = services.vote_create(
                actor=request.user,
                title=values["title"],
                description=values["description"],
                method=values["method"],
                options=[
                    services.OptionInput(label=o["label"], ref=o["project"])
                    for o in values["options"]
                ],
                grades=values.get("grades"),
                opens_at=values["opens_at"],
                closes_at=values["closes_at"],
                secret=values["secret"],
                colleges=colleges,
                pioneers_only=electorate.get("pioneers_only", False),
            )
            data = _vote_data(request, selectors.vote_get(vote_id=vote.pk))
            return Response(data, status=status.HTTP_201_CREATED)

        return idempotent_response(request, scope="votes.create", run=write)


class VoteDetailApi(APIView):
    permission_classes = [CanSeeVotes]

    @extend_schema(responses=VoteOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_vote_data(request, _vote_fresh(pk)))


class VoteCloseApi(APIView):
    """Close the vote now and count it (closing a closed vote changes nothing)."""

    permission_classes = [IsCoordinator]

    @extend_schema(request=None, responses=ResultsOutput)
    def post(self, request: Request, pk: int) -> Response:
        vote = _vote_fresh(pk)
        services.vote_close(actor=request.user, vote=vote)
        return Response(results.results_data(selectors.vote_get(vote_id=pk)))


class VoteOutcomeOverrideApi(APIView):
    """The coordinator chooses another project than the count did, with a public written
    reason (at least 20 characters): the projects' transitions are made again, audited."""

    permission_classes = [HasRule("governance.override_vote_outcome")]

    class InputSerializer(serializers.Serializer):
        project = serializers.IntegerField(help_text="the id of one of the vote's projects")
        reason = serializers.CharField(
            allow_blank=True, max_length=2000, help_text="public, at least 20 characters"
        )

    @extend_schema(request=InputSerializer, responses=VoteOutput)
    def post(self, request: Request, pk: int) -> Response:
        vote = _vote_fresh(pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.vote_outcome_override(
            actor=request.user,
            vote=vote,
            subject_id=data.validated_data["project"],
            reason=data.validated_data["reason"],
        )
        return Response(_vote_data(request, selectors.vote_get(vote_id=pk)))


class VoteResultsApi(APIView):
    permission_classes = [CanSeeVotes]

    @extend_schema(responses=ResultsOutput)
    def get(self, request: Request, pk: int) -> Response:
        vote = _vote_fresh(pk)
        if not vote.is_closed:
            raise _results_hidden()
        return Response(results.results_data(vote))


class BallotOutput(serializers.Serializer):
    receipt_id = serializers.CharField()
    voter = serializers.CharField(allow_null=True)
    entries = serializers.DictField(child=serializers.IntegerField())


class BallotApi(APIView):
    """POST: cast (or replace) one's ballot. GET, after the close: the ballots, anonymous
    for a secret vote, each under its receipt number, so anyone can recount."""

    # The schema shows the paginated page the GET answers with.
    pagination_class = PageNumberPagination

    class InputSerializer(serializers.Serializer):
        grades = serializers.DictField(
            child=serializers.IntegerField(),
            required=False,
            help_text="majority judgment: option id -> grade index (0 = worst), every option",
        )
        approved = serializers.ListField(
            child=serializers.IntegerField(), required=False, help_text="approval: option ids"
        )
        ranking = serializers.ListField(
            child=serializers.IntegerField(),
            required=False,
            help_text="Schulze: option ids, best first (unranked options come last)",
        )
        choice = serializers.IntegerField(required=False, help_text="plurality: one option id")
        receipt = serializers.CharField(
            required=False,
            default="",
            allow_blank=True,
            max_length=100,
            help_text="secret vote: the receipt code of the ballot to replace",
        )

    class ReceiptOutput(serializers.Serializer):
        vote = serializers.IntegerField()
        receipt = serializers.CharField(
            allow_null=True,
            help_text="keep it: it finds the ballot in the published list and replaces it",
        )
        receipt_id = serializers.CharField()
        replaced = serializers.BooleanField()

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [CanSeeVotes()]

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.request.method == "POST":
            throttles.append(BallotRateThrottle())
        return throttles

    @extend_schema(responses=BallotOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        vote = _vote_fresh(pk)
        if not vote.is_closed:
            raise _results_hidden()
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.vote_ballots(vote=vote), request, view=self)
        return paginator.get_paginated_response(
            BallotOutput(
                [
                    {
                        "receipt_id": ballot.receipt_id,
                        "voter": ballot.voter.display_name if ballot.voter else None,
                        "entries": {str(e.option_id): e.value for e in ballot.entries.all()},
                    }
                    for ballot in page
                ],
                many=True,
            ).data
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: ReceiptOutput, 200: ReceiptOutput},
        description="Status 201 for a first ballot, 200 when it replaces the previous one.",
    )
    def post(self, request: Request, pk: int) -> Response:
        try:
            vote = selectors.vote_get(vote_id=pk)
        except Vote.DoesNotExist:
            raise NotFound() from None
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        cast = services.vote_cast(
            user=request.user,
            vote=vote,
            grades=values.get("grades"),
            approved=values.get("approved"),
            ranking=values.get("ranking"),
            choice=values.get("choice"),
            receipt=values["receipt"],
        )
        response = Response(
            {
                "vote": vote.pk,
                "receipt": cast.code or None,
                "receipt_id": cast.receipt_id,
                "replaced": cast.replaced,
            },
            status=status.HTTP_200_OK if cast.replaced else status.HTTP_201_CREATED,
        )
        response["Cache-Control"] = "no-store"
        return response
