"""The ceiling: what Django alone, and DRF listing 20 rows of one table, serve on the
same server in the same run. Every scenario is compared with them."""

from django.http import HttpRequest, JsonResponse
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny

from marketplace.models import TimeAccount


def ceiling_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "service": "terreau"})


class CeilingDrfApi(ListAPIView):
    """20 rows of one table, paginated like every list of the API (count + page)."""

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = TimeAccount
            fields = ["id", "kind", "balance_minutes", "credit_limit_minutes", "created_at"]

    permission_classes = [AllowAny]
    serializer_class = OutputSerializer
    queryset = TimeAccount.objects.order_by("id")
