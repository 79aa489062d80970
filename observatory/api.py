"""``GET /api/v1/observatory/``: the observatory's figures, the same rows as its page."""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.pagination import PageNumberPagination
from observatory import selectors
from observatory.figures import figure_rows, parse_query
from observatory.models import Period, Scale


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
