from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent_response
from backend.api.pagination import PageNumberPagination
from pioneers import selectors, services
from pioneers.models import Pioneer, Theme, Visibility
from pioneers.visibility import GROUPS, pioneer_card, pioneer_cards, viewer_for

VISIBILITY_NAMES = {
    Visibility.PUBLIC: "public",
    Visibility.MEMBERS: "members",
    Visibility.PRIVATE: "private",
}
VISIBILITY_VALUES = {name: value for value, name in VISIBILITY_NAMES.items()}


# ---------------------------------------------------------------- outputs


class ThemeOutput(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()


class SkillOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class PioneerOutput(serializers.Serializer):
    """A pioneer as the viewer may see it: a field hidden from them is simply absent."""

    id = serializers.IntegerField()
    display_name = serializers.CharField()
    solution_title = serializers.CharField()
    url = serializers.CharField()
    updated_at = serializers.DateTimeField()
    themes = ThemeOutput(many=True)
    is_own = serializers.BooleanField()
    solution_description = serializers.CharField(required=False)
    photo_url = serializers.CharField(required=False)
    video_url = serializers.CharField(required=False)
    website_url = serializers.CharField(required=False)
    commune = serializers.CharField(required=False)
    postcode = serializers.CharField(required=False)
    department = serializers.CharField(required=False)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    skills = SkillOutput(many=True, required=False)
    contact_email = serializers.CharField(required=False)
    distance_km = serializers.FloatField(required=False)


def _visibility_of(pioneer: Pioneer) -> dict[str, str]:
    return {
        group: VISIBILITY_NAMES[Visibility(getattr(pioneer, f"{group}_visibility"))]
        for group in GROUPS
    }


class PioneerOwnOutput(PioneerOutput):
    visibility = serializers.DictField(child=serializers.ChoiceField(list(VISIBILITY_VALUES)))


class DirectoryFilterInput(serializers.Serializer):
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    theme = serializers.SlugField(required=False, default="", allow_blank=True)
    skill = serializers.SlugField(required=False, default="", allow_blank=True)
    commune = serializers.CharField(required=False, default="", allow_blank=True, max_length=120)
    department = serializers.CharField(required=False, default="", allow_blank=True, max_length=3)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    radius_km = serializers.FloatField(required=False, min_value=0.1, max_value=2000)

    def validate(self, attrs):
        given = [name for name in ("lat", "lon", "radius_km") if attrs.get(name) is not None]
        if given and len(given) != 3:
            raise serializers.ValidationError(
                {"radius_km": [_("Give lat, lon and radius_km together.")]}
            )
        return attrs

    def filters(self) -> selectors.DirectoryFilters:
        data = self.validated_data
        return selectors.DirectoryFilters(
            q=data["q"],
            theme=data["theme"],
            skill=data["skill"],
            commune=data["commune"],
            department=data["department"],
            lat=data.get("lat"),
            lon=data.get("lon"),
            km=data.get("radius_km"),
        )


FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="full-text search"),
    OpenApiParameter("theme", str, description="theme slug"),
    OpenApiParameter("skill", str, description="skill slug"),
    OpenApiParameter("commune", str),
    OpenApiParameter("department", str, description="department code, e.g. 34 or 974"),
    OpenApiParameter("lat", float),
    OpenApiParameter("lon", float),
    OpenApiParameter("radius_km", float, description="with lat and lon: distance filter"),
]


def _cards(viewer, pioneers) -> list[dict]:
    cards = pioneer_cards(viewer, pioneers)
    for card, pioneer in zip(cards, pioneers, strict=True):
        distance = getattr(pioneer, "distance_km", None)
        if distance is not None:
            card["distance_km"] = round(distance, 1)
    return cards


# ---------------------------------------------------------------- views


class PioneerListApi(APIView):
    """The directory of pioneers, filtered; hidden fields never appear."""

    # The schema shows the paginated page these views answer with.
    pagination_class = PageNumberPagination

    permission_classes = [AllowAny]

    @extend_schema(parameters=FILTER_PARAMETERS, responses=PioneerOutput(many=True))
    def get(self, request: Request) -> Response:
        params = DirectoryFilterInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        viewer = viewer_for(request.user)
        qs = selectors.pioneer_directory(viewer=viewer, filters=params.filters())
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(PioneerOutput(_cards(viewer, page), many=True).data)


class PioneerMapApi(APIView):
    """GeoJSON of the positions the viewer may see (anonymous visitors: public ones)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses=inline_serializer(
            "PioneerMap",
            fields={
                "type": serializers.CharField(),
                "features": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        params = DirectoryFilterInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        body = selectors.pioneer_map_geojson(
            viewer=viewer_for(request.user), filters=params.filters()
        )
        # Already encoded (and cached for anonymous visitors): served as it is.
        return HttpResponse(body, content_type="application/json")


class PioneerDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=PioneerOutput)
    def get(self, request: Request, pk: int) -> Response:
        try:
            pioneer = selectors.pioneer_get(pioneer_id=pk)
        except Pioneer.DoesNotExist:
            raise NotFound() from None
        return Response(PioneerOutput(pioneer_card(viewer_for(request.user), pioneer)).data)


class PioneerMeApi(APIView):
    """The logged-in person's own profile, in full, with who sees each group of fields."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        display_name = serializers.CharField(max_length=150, required=False)
        solution_title = serializers.CharField(max_length=200, required=False)
        solution_description = serializers.CharField(required=False, allow_blank=True)
        video_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
        website_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
        commune = serializers.CharField(max_length=120, required=False, allow_blank=True)
        postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)
        latitude = serializers.FloatField(required=False, allow_null=True)
        longitude = serializers.FloatField(required=False, allow_null=True)
        contact_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
        themes = serializers.ListField(child=serializers.SlugField(), required=False)
        skills = serializers.ListField(
            child=serializers.CharField(max_length=80), required=False, max_length=30
        )
        visibility = serializers.DictField(
            child=serializers.ChoiceField(list(VISIBILITY_VALUES)), required=False
        )
        photo = serializers.FileField(required=False)

        def validate_visibility(self, value):
            unknown = set(value) - set(GROUPS)
            if unknown:
                raise serializers.ValidationError(
                    _("Unknown field groups: %(groups)s.") % {"groups": ", ".join(sorted(unknown))}
                )
            return value

        def validate_themes(self, value):
            themes = list(Theme.objects.filter(slug__in=value))
            if len(themes) != len(set(value)):
                raise serializers.ValidationError(_("Unknown theme."))
            return themes

    def _own(self, request: Request) -> Pioneer:
        pioneer = selectors.pioneer_of(request.user)
        if pioneer is None:
            raise NotFound(_("You have no pioneer profile yet: apply to become a pioneer."))
        return pioneer

    def _output(self, request: Request, pioneer: Pioneer) -> dict:
        card = pioneer_card(viewer_for(request.user), pioneer)
        return PioneerOwnOutput({**card, "visibility": _visibility_of(pioneer)}).data

    @extend_schema(responses=PioneerOwnOutput)
    def get(self, request: Request) -> Response:
        return Response(self._output(request, self._own(request)))

    @extend_schema(request=InputSerializer, responses=PioneerOwnOutput)
    def patch(self, request: Request) -> Response:
        pioneer = self._own(request)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        photo = changes.pop("photo", None)
        for group, name in changes.pop("visibility", {}).items():
            changes[f"{group}_visibility"] = VISIBILITY_VALUES[name]
        with transaction.atomic():
            services.pioneer_update(actor=request.user, pioneer=pioneer, **changes)
            if photo is not None:
                services.pioneer_photo_set(actor=request.user, pioneer=pioneer, upload=photo)
        return Response(self._output(request, selectors.pioneer_of(request.user)))


class ApplicationCreateApi(APIView):
    """Apply to become a pioneer. Send an ``Idempotency-Key`` to retry safely."""

    permission_classes = [IsAuthenticated]
    scope = "pioneers.application"

    class InputSerializer(serializers.Serializer):
        display_name = serializers.CharField(max_length=150)
        solution_title = serializers.CharField(max_length=200)
        solution_description = serializers.CharField(max_length=10_000)
        motivation = serializers.CharField(
            max_length=5000, required=False, default="", allow_blank=True
        )
        commune = serializers.CharField(
            max_length=120, required=False, default="", allow_blank=True
        )
        postcode = serializers.CharField(
            max_length=10, required=False, default="", allow_blank=True
        )
        video_url = serializers.CharField(
            max_length=500, required=False, default="", allow_blank=True
        )
        website_url = serializers.CharField(
            max_length=500, required=False, default="", allow_blank=True
        )
        themes = serializers.ListField(child=serializers.SlugField(), required=False, default=list)

        def validate_themes(self, value):
            themes = list(Theme.objects.filter(slug__in=value))
            if len(themes) != len(set(value)):
                raise serializers.ValidationError(_("Unknown theme."))
            return themes

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.CharField()
        display_name = serializers.CharField()
        solution_title = serializers.CharField()
        themes = serializers.ListField(child=serializers.CharField())
        created_at = serializers.DateTimeField()

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def run() -> Response:
            application = services.application_submit(user=request.user, **data.validated_data)
            return Response(self._output(application), status=status.HTTP_201_CREATED)

        return idempotent_response(request, scope=self.scope, run=run)

    def _output(self, application) -> dict:
        return dict(
            self.OutputSerializer(
                {
                    "id": application.pk,
                    "status": application.status,
                    "display_name": application.display_name,
                    "solution_title": application.solution_title,
                    "themes": [t.slug for t in application.themes.all()],
                    "created_at": application.created_at,
                }
            ).data
        )
