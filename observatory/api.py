"""``GET /api/v1/observatory/``: the observatory's figures, the same rows as its page."""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent_response
from backend.api.pagination import PageNumberPagination
from backend.core.permissions import HasRule
from observatory import selectors, services
from observatory.figures import figure_rows, parse_query
from observatory.models import Compass, Direction, Period, Respondent, Scale, Unit


class FigureOutput(serializers.Serializer):
    territory = serializers.CharField(help_text=_("territory key, e.g. dep-26, com-26113"))
    territory_name = serializers.CharField()
    scale = serializers.ChoiceField(choices=Scale.choices)
    indicator = serializers.CharField()
    grid = serializers.IntegerField(help_text=_("grid version"))
    period = serializers.ChoiceField(choices=Period.choices)
    value = serializers.FloatField(
        help_text=_("the total for counted indicators, the mean score for answered ones")
    )
    total = serializers.FloatField()
    sources = serializers.IntegerField(help_text=_("number of rows it is computed from"))
    unit = serializers.CharField(help_text=_("scale, count, minutes or cents"))


class ObservatoryApi(APIView):
    """Figures of one indicator at one scale over one period (validated answers only)."""

    permission_classes = [AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("indicator", str, description=_("code of an indicator")),
            OpenApiParameter("scale", str, enum=Scale.values),
            OpenApiParameter("period", str, enum=Period.values),
            OpenApiParameter("grid", int, description=_("grid version (default: the current)")),
            OpenApiParameter("territory", str, description=_("only the figures inside it")),
        ],
        responses=FigureOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        errors = {}
        if params.get("scale") and params["scale"] not in Scale.values:
            errors["scale"] = [_("Unknown scale.")]
        if params.get("period") and params["period"] not in Period.values:
            errors["period"] = [_("Unknown period.")]
        if params.get("grid") and not params["grid"].isdigit():
            errors["grid"] = [_("A grid version is a number.")]
        elif params.get("grid") and selectors.grid_get(int(params["grid"])) is None:
            errors["grid"] = [_("Unknown grid version.")]
        query = parse_query(params if isinstance(params, QueryDict) else QueryDict(""))
        if params.get("indicator") and (
            query.indicator is None or query.indicator.code != params["indicator"]
        ):
            errors["indicator"] = [_("Unknown indicator.")]
        if errors:
            raise serializers.ValidationError(errors)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(figure_rows(query), request, view=self)
        return paginator.get_paginated_response(FigureOutput(page, many=True).data)


class IndicatorSerializer(serializers.Serializer):
    compass = serializers.ChoiceField(choices=Compass.choices)
    code = serializers.SlugField(max_length=60)
    name = serializers.CharField(max_length=200)
    definition = serializers.CharField()
    unit = serializers.ChoiceField(choices=Unit.choices, default=Unit.SCALE)
    scale_min = serializers.IntegerField(min_value=0, max_value=100, default=0)
    scale_max = serializers.IntegerField(min_value=1, max_value=100, default=5)
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.UP)
    respondent = serializers.ChoiceField(choices=Respondent.choices, default=Respondent.PIONEER)
    source = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="",
        help_text=_("for a computed indicator: the registered source it is computed from"),
    )  # fmt: skip
    formula = serializers.CharField(required=False, allow_blank=True, default="")


class GridOutput(serializers.Serializer):
    number = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    note = serializers.CharField()
    indicators = IndicatorSerializer(many=True, source="indicators.all")


class GridListApi(APIView):
    """GET: every version of the indicator grid with its indicators, newest first.
    POST (coordinator): publish a new version; earlier ones and their answers stay."""

    pagination_class = PageNumberPagination

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000)
        indicators = IndicatorSerializer(many=True, allow_empty=False, max_length=60)

    def get_permissions(self):
        if self.request.method == "GET":
            return [AllowAny()]
        return [HasRule("observatory.publish_grid")()]

    @extend_schema(responses=GridOutput(many=True))
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.grid_versions_with_indicators(), request, view=self
        )
        return paginator.get_paginated_response(GridOutput(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: GridOutput},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return idempotent_response(
            request, scope="observatory.grid_publish", run=lambda: self._publish(request, data)
        )

    def _publish(self, request: Request, data: InputSerializer) -> Response:
        grid = services.grid_publish(
            actor=request.user,
            indicators=data.validated_data["indicators"],
            note=data.validated_data["note"],
        )
        grid = selectors.grid_versions_with_indicators().get(pk=grid.pk)
        return Response(GridOutput(grid).data, status=status.HTTP_201_CREATED)
