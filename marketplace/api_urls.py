"""The marketplace's routes under /api/v1/ (included from backend/api/urls.py)."""

from django.urls import path

from marketplace.api.contributions import (
    ContributionCreateApi,
    ContributionDetailApi,
    FundAllocationsApi,
    FundsSummaryApi,
)

urlpatterns = [
    path("contributions/", ContributionCreateApi.as_view(), name="contribution-create"),
    path("contributions/<int:pk>/", ContributionDetailApi.as_view(), name="contribution-detail"),
    path("funds/", FundsSummaryApi.as_view(), name="funds"),
    path("funds/allocations/", FundAllocationsApi.as_view(), name="fund-allocations"),
]
