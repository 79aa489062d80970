"""The commons' API: published resources (open data), suggestions, feedback, the directory.

Only published resources are ever listed or shown here, whoever asks: the committee's
work happens on the pages. Thin views over the same services and selectors as the pages.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent_response
from backend.api.pagination import PageNumberPagination
from commons import selectors
from commons.models import (
    Audience,
    Axis,
    Entry,
    EntryKind,
    Licence,
    ReportReason,
    Resource,
    ResourceKind,
    TerritoryType,
)
from commons.services import directory as directory_services
from commons.services import resources as resource_services
from commons.throttles import DirectoryReportRateThrottle
from pioneers.models import Theme

# ---------------------------------------------------------------- outputs


class LabelOutput(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()


class LinkOutput(serializers.Serializer):
    url = serializers.URLField()
    label = serializers.CharField()


class ResourceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    kind = serializers.ChoiceField(ResourceKind.choices)
    authors = serializers.ListField(child=serializers.CharField(), source="author_list")
    axes = LabelOutput(many=True, source="axes.all")
    themes = LabelOutput(many=True, source="themes.all")
    audiences = LabelOutput(many=True, source="audiences.all")
    territory = serializers.ChoiceField(TerritoryType.choices)
    licence = serializers.CharField(help_text="SPDX identifier")
    licence_url = serializers.CharField()
    easy_read = serializers.BooleanField()
    language = serializers.CharField()
    published_at = serializers.DateTimeField()
    read_count = serializers.IntegerField()
    feedback_count = serializers.IntegerField()
    used_count = serializers.IntegerField()
    rating_average = serializers.FloatField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, resource: Resource) -> str:
        from django.urls import reverse

        return reverse("commons:resource_detail", args=[resource.slug])


class ResourceDetailOutput(ResourceOutput):
    body = serializers.SerializerMethodField(
        help_text="The full text (Markdown); empty unless the licence is open."
    )
    links = LinkOutput(many=True, source="links.all")

    def get_body(self, resource: Resource) -> str:
        return resource.body if resource.is_open_licence else ""


class SuggestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()


RESOURCE_PARAMETERS = [
    OpenApiParameter("q", str, description="French full-text search"),
    OpenApiParameter("kind", str, enum=ResourceKind.values),
    OpenApiParameter("axis", str, description="axis slug"),
    OpenApiParameter("theme", str, description="theme slug"),
    OpenApiParameter("audience", str, description="audience slug"),
    OpenApiParameter("licence", str, enum=Licence.values),
    OpenApiParameter("territory", str, enum=TerritoryType.values),
]


class ResourceFilterInput(serializers.Serializer):
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(ResourceKind.choices, required=False, default="")
    axis = serializers.SlugField(required=False, default="", allow_blank=True, max_length=60)
    theme = serializers.SlugField(required=False, default="", allow_blank=True, max_length=60)
    audience = serializers.SlugField(required=False, default="", allow_blank=True, max_length=60)
    licence = serializers.ChoiceField(Licence.choices, required=False, default="")
    territory = serializers.ChoiceField(TerritoryType.choices, required=False, default="")


class ResourceListApi(APIView):
    """``GET``: published resources (search, facets as filters, ranked, paginated).
    ``POST``: suggest a resource (signed in); it stays invisible until a decision."""

    pagination_class = PageNumberPagination

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        summary = serializers.CharField(max_length=1000)
        kind = serializers.ChoiceField(ResourceKind.choices)
        body = serializers.CharField(required=False, default="", allow_blank=True, max_length=50000)
        authors = serializers.CharField(max_length=500)
        territory = serializers.ChoiceField(TerritoryType.choices, default=TerritoryType.ANY)
        licence = serializers.ChoiceField(Licence.choices, default=Licence.CC_BY_SA_4)
        easy_read = serializers.BooleanField(default=False)
        language = serializers.ChoiceField(["fr", "en", "other"], default="fr")
        axes = serializers.SlugRelatedField(
            slug_field="slug", queryset=Axis.objects.all(), many=True, required=False
        )
        themes = serializers.SlugRelatedField(
            slug_field="slug", queryset=Theme.objects.all(), many=True, required=False
        )
        audiences = serializers.SlugRelatedField(
            slug_field="slug", queryset=Audience.objects.all(), many=True, required=False
        )
        links = serializers.ListField(
            child=serializers.URLField(max_length=500), required=False, max_length=10
        )

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    @extend_schema(parameters=RESOURCE_PARAMETERS, responses=ResourceOutput(many=True))
    def get(self, request: Request) -> Response:
        params = ResourceFilterInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.resource_search(filters=selectors.ResourceFilters(**params.validated_data))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ResourceOutput(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: SuggestionOutput},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return idempotent_response(
            request, scope="commons.resource_suggest", run=lambda: self._suggest(request, data)
        )

    def _suggest(self, request: Request, data: InputSerializer) -> Response:
        v = data.validated_data
        resource = resource_services.resource_suggest(
            actor=request.user,
            data=resource_services.ResourceInput(
                title=v["title"],
                summary=v["summary"],
                kind=v["kind"],
                body=v["body"],
                authors=v["authors"],
                territory=v["territory"],
                licence=v["licence"],
                easy_read=v["easy_read"],
                language=v["language"],
                axis_ids=[a.pk for a in v.get("axes", [])],
                theme_ids=[t.pk for t in v.get("themes", [])],
                audience_ids=[a.pk for a in v.get("audiences", [])],
                links=[{"url": url} for url in v.get("links", [])],
            ),
        )
        return Response(SuggestionOutput(resource).data, status=201)


def _published_or_404(pk: int) -> Resource:
    resource = (
        selectors.resources_published()
        .prefetch_related("axes", "themes", "audiences", "links")
        .filter(pk=pk)
        .first()
    )
    if resource is None:
        raise NotFound()
    return resource


class ResourceDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ResourceDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ResourceDetailOutput(_published_or_404(pk)).data)


class ResourceFeedbackApi(APIView):
    """Say whether you used a published resource and how well it worked (once)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        comment = serializers.CharField(
            required=False, default="", allow_blank=True, max_length=2000
        )
        used = serializers.BooleanField(default=False)
        rating = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)

    class OutputSerializer(serializers.Serializer):
        feedback_count = serializers.IntegerField()
        used_count = serializers.IntegerField()
        rating_average = serializers.FloatField(allow_null=True)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        resource = _published_or_404(pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resource_services.resource_feedback_give(
            actor=request.user,
            resource=resource,
            comment=data.validated_data["comment"],
            used=data.validated_data["used"],
            rating=data.validated_data.get("rating"),
        )
        resource.refresh_from_db()
        return Response(self.OutputSerializer(resource).data, status=201)


# ---------------------------------------------------------------- directory


class EntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(EntryKind.choices)
    title = serializers.CharField()
    description = serializers.CharField()
    website_url = serializers.CharField()
    commune = serializers.CharField()
    postcode = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class EntryListApi(APIView):
    """The visible entries of « Place à l'acte » (hidden and removed ones never appear)."""

    permission_classes = [AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="words of the title, commune or description"),
            OpenApiParameter("kind", str, enum=EntryKind.values),
        ],
        responses=EntryOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = selectors.EntryFilters(
            q=(request.query_params.get("q") or "")[:200],
            kind=request.query_params.get("kind") or "",
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.entries_visible(filters=filters), request, view=self
        )
        return paginator.get_paginated_response(EntryOutput(page, many=True).data)


class EntryMapApi(APIView):
    """GeoJSON of the visible entries that have a position."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "DirectoryMap",
            fields={
                "type": serializers.CharField(),
                "features": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request: Request) -> Response:
        from django.urls import reverse

        features = [
            {
                "type": "Feature",
                "id": point["id"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [point["longitude"], point["latitude"]],
                },
                # The pioneers' map script shows ``name`` as the link and ``title`` below it.
                "properties": {
                    "name": point["title"],
                    "title": str(EntryKind(point["kind"]).label),
                    "kind": point["kind"],
                    "commune": point["commune"],
                    "url": reverse("commons:entry_detail", args=[point["id"]]),
                },
            }
            for point in selectors.entries_map_points()
        ]
        return Response({"type": "FeatureCollection", "features": features})


class EntryReportApi(APIView):
    """Report an entry (signed in, rate-limited with the page); at the threshold it hides."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [DirectoryReportRateThrottle]

    class InputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(ReportReason.choices)
        details = serializers.CharField(
            required=False, default="", allow_blank=True, max_length=1000
        )

    class OutputSerializer(serializers.Serializer):
        hidden = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.entries_visible().filter(pk=pk).first()
        if entry is None:
            raise NotFound()
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        directory_services.entry_report(
            actor=request.user,
            entry=entry,
            reason=data.validated_data["reason"],
            details=data.validated_data["details"],
        )
        hidden = not Entry.objects.filter(pk=pk, status="visible").exists()
        return Response({"hidden": hidden}, status=201)
