from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent_response
from backend.api.pagination import PageNumberPagination
from backend.core.permissions import COORDINATE, HasRule
from governance import selectors, services
from governance.duties import duty_states, in_good_standing
from governance.models import (
    College,
    MembershipKind,
    MembershipStatus,
    SharePayment,
)
from governance.shares_checkout import card_checkout_start, card_payment_enabled


class IsCoordinator(HasRule(COORDINATE)):
    message = _("Only the coordinator can do this.")


# ---------------------------------------------------------------- colleges


class CollegeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    vote_weight = serializers.DecimalField(max_digits=6, decimal_places=3, coerce_to_string=False)
    is_active = serializers.BooleanField()
    is_pioneers = serializers.BooleanField()
    member_count = serializers.IntegerField()


class CollegePagination(PageNumberPagination):
    """Adds what the statutes require of the active colleges to the usual page."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        check = selectors.college_weights_check()
        response.data["weights_total"] = float(check.total)
        response.data["weights_valid"] = check.ok
        response.data["problems"] = check.problems
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["weights_total"] = {"type": "number"}
        schema["properties"]["weights_valid"] = {"type": "boolean"}
        schema["properties"]["problems"] = {"type": "array", "items": {"type": "string"}}
        return schema


class CollegeListCreateApi(APIView):
    """The colleges of the cooperative (public); the coordinator creates them."""

    # The schema shows the paginated page these views answer with.
    pagination_class = CollegePagination

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        slug = serializers.SlugField(max_length=60, required=False, default="")
        vote_weight = serializers.DecimalField(
            max_digits=6, decimal_places=3, min_value=10, max_value=50
        )
        description = serializers.CharField(required=False, default="", allow_blank=True)
        is_active = serializers.BooleanField(required=False, default=True)

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsCoordinator()]

    @extend_schema(responses=CollegeOutput(many=True))
    def get(self, request: Request) -> Response:
        paginator = CollegePagination()
        page = paginator.paginate_queryset(selectors.college_list(), request, view=self)
        return paginator.get_paginated_response(CollegeOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: CollegeOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        college = services.college_create(actor=request.user, **data.validated_data)
        return Response(
            CollegeOutput(selectors.college_list().get(pk=college.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class CollegeDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120, required=False)
        vote_weight = serializers.DecimalField(
            max_digits=6, decimal_places=3, min_value=10, max_value=50, required=False
        )
        description = serializers.CharField(required=False, allow_blank=True)
        is_active = serializers.BooleanField(required=False)

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsCoordinator()]

    @extend_schema(responses=CollegeOutput)
    def get(self, request: Request, slug: str) -> Response:
        return Response(CollegeOutput(get_object_or_404(selectors.college_list(), slug=slug)).data)

    @extend_schema(request=InputSerializer, responses=CollegeOutput)
    def patch(self, request: Request, slug: str) -> Response:
        college = get_object_or_404(College, slug=slug)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.college_update(actor=request.user, college=college, **data.validated_data)
        return Response(CollegeOutput(selectors.college_list().get(pk=college.pk)).data)


# ---------------------------------------------------------------- members


class DutyPartOutput(serializers.Serializer):
    """A part of a duty left to do (duty 3: the assembly or the representative election)."""

    code = serializers.CharField()
    message = serializers.CharField()


class DutyOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=["met", "unmet", "not_applicable"])
    next_step = serializers.CharField(allow_blank=True)
    missing = DutyPartOutput(many=True)


def _duties(membership) -> list[dict]:
    return [
        {
            "code": s.duty.code,
            "label": str(s.duty.label),
            "state": s.state,
            "next_step": str(s.duty.next_step) if s.state == "unmet" else "",
            "missing": [{"code": p.code, "message": str(p.missing)} for p in s.missing],
        }
        for s in duty_states(membership)
    ]


class MemberPublicOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(source="display_name")
    kind = serializers.CharField()
    organisation_name = serializers.CharField()
    college = serializers.CharField(source="college.slug")


class MemberOutput(MemberPublicOutput):
    email = serializers.EmailField(source="user.email")
    status = serializers.CharField()
    joined_on = serializers.DateField(allow_null=True)
    left_on = serializers.DateField(allow_null=True)
    shares_held = serializers.IntegerField()
    in_good_standing = serializers.SerializerMethodField()
    duties = serializers.SerializerMethodField()

    def get_in_good_standing(self, obj) -> bool:
        return in_good_standing(obj)

    @extend_schema_field(DutyOutput(many=True))
    def get_duties(self, obj) -> list[dict]:
        return _duties(obj)


def _member_data(request: Request, membership) -> dict:
    full = request.user.has_perm("governance.see_member_details", membership)
    return (MemberOutput if full else MemberPublicOutput)(membership).data


class MemberListCreateApi(APIView):
    """Members: the coordinator sees everyone in full; a member sees the other active
    members' public fields and their own in full."""

    # The schema shows the paginated page these views answer with.
    pagination_class = PageNumberPagination

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        name = serializers.CharField(max_length=300)
        college = serializers.SlugField()
        shares = serializers.IntegerField(min_value=1, max_value=100_000, default=1)
        kind = serializers.ChoiceField(
            choices=MembershipKind.choices, default=MembershipKind.PERSON
        )
        organisation_name = serializers.CharField(
            max_length=200, required=False, default="", allow_blank=True
        )

    class CreatedOutput(serializers.Serializer):
        id = serializers.IntegerField()
        number = serializers.IntegerField()
        email = serializers.EmailField()
        college = serializers.CharField()
        shares_subscribed = serializers.IntegerField()

    def get_permissions(self):
        return [IsCoordinator()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        parameters=[
            OpenApiParameter("college", str, description="college slug"),
            OpenApiParameter("status", str, enum=MembershipStatus.values),
            OpenApiParameter("standing", bool, description="coordinator only"),
            OpenApiParameter("q", str, description="search by name or e-mail (coordinator only)"),
        ],
        # Each item has the public fields; the coordinator (every item) and a member (their
        # own item) also get the fields of MemberOutput (e-mail, status, shares, duties).
        description="Members: public fields for everyone; the full MemberOutput fields for "
        "the coordinator, and for a member on their own item.",
        responses=MemberPublicOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        coordinator = request.user.has_perm("governance.manage_members")
        if not request.user.has_perm("governance.list_members"):
            raise PermissionDenied(_("Only members of the cooperative can see its members."))
        standing = request.query_params.get("standing")
        qs = selectors.member_list_with_standing(
            college=request.query_params.get("college") or None,
            status=(request.query_params.get("status") or None)
            if coordinator
            else MembershipStatus.MEMBER,
            standing={"true": True, "1": True, "false": False, "0": False}.get(
                (standing or "").lower()
            )
            if coordinator
            else None,
            search=request.query_params.get("q", "")[:100] if coordinator else "",
        )
        status_filter = request.query_params.get("status")
        if status_filter and status_filter not in MembershipStatus.values:
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([_member_data(request, m) for m in page])

    @extend_schema(request=InputSerializer, responses={201: CreatedOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        college = College.objects.filter(slug=data.validated_data["college"]).first()
        if college is None:
            message = _("Unknown college.")
            raise serializers.ValidationError({"college": [message]})
        membership = services.member_create(
            actor=request.user,
            email=data.validated_data["email"],
            name=data.validated_data["name"],
            college=college,
            shares=data.validated_data["shares"],
            kind=data.validated_data["kind"],
            organisation_name=data.validated_data["organisation_name"],
        )
        return Response(
            {
                "id": membership.pk,
                "number": membership.number,
                "email": membership.user.email,
                "college": college.slug,
                "shares_subscribed": data.validated_data["shares"],
            },
            status=status.HTTP_201_CREATED,
        )


class MemberMeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MemberOutput)
    def get(self, request: Request) -> Response:
        membership = selectors.membership_of(request.user)
        if membership is None:
            raise NotFound(_("You are not a member of the cooperative yet."))
        return Response(MemberOutput(membership).data)


class MemberDutiesApi(APIView):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        member = serializers.IntegerField()
        in_good_standing = serializers.BooleanField()
        duties = DutyOutput(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        try:
            membership = selectors.member_get_with_duties(membership_id=pk)
        except selectors.Membership.DoesNotExist:
            raise NotFound() from None
        if not request.user.has_perm("governance.view_member_duties", membership):
            raise PermissionDenied()
        return Response(
            {
                "member": membership.pk,
                "in_good_standing": in_good_standing(membership),
                "duties": _duties(membership),
            }
        )


# ---------------------------------------------------------------- subscribing online


class ShareSubscriptionCreateApi(APIView):
    """Subscribe capital shares online: by card (pay at ``checkout_url``) or by bank
    transfer (the coordinator records it; ``checkout_url`` is null). A newcomer becomes
    a candidate in the chosen college, which the coordinator approves."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        shares = serializers.IntegerField()
        college = serializers.SlugField()
        payment = serializers.ChoiceField(choices=["stripe", "transfer"])

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.CharField(help_text="subscribed | paid | cancelled")
        checkout_url = serializers.URLField(allow_null=True)

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        return idempotent_response(
            request, scope="governance.share_subscription", run=lambda: self._create(request)
        )

    def _create(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["payment"] == SharePayment.STRIPE and not card_payment_enabled():
            raise serializers.ValidationError(
                {"payment": [_("Card payments are off: choose the bank transfer.")]}
            )
        subscription = services.share_subscription_start(
            user=request.user,
            shares=values["shares"],
            college=College.objects.filter(slug=values["college"]).first(),
            payment=values["payment"],
        )
        if subscription.payment_method == SharePayment.STRIPE:
            subscription = card_checkout_start(subscription)
        return Response(
            {
                "id": subscription.pk,
                "status": subscription.status,
                "checkout_url": subscription.checkout_url or None,
            },
            status=status.HTTP_201_CREATED,
        )


# ---------------------------------------------------------------- the federation


class FederationApi(APIView):
    """How the cooperative works, from live data (the page « Fonctionnement »): colleges
    and weights, rights and duties, admission criteria, ranking formula, selection rule,
    representative, coordinators, funds, assemblies of the last 12 months, the median
    time of the coordinator's first answer."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        from governance.federation import federation_overview

        return Response(federation_overview())
