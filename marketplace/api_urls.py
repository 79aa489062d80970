"""The marketplace's routes under /api/v1/ (included from backend/api/urls.py)."""

from django.urls import path

from marketplace.api.contributions import (
    ContributionCreateApi,
    ContributionDetailApi,
    FundAllocationsApi,
    FundsSummaryApi,
)
from marketplace.api.ledger import (
    AccountListApi,
    AccountMeApi,
    AccountTransfersApi,
    TransferCreateApi,
    TransferReverseApi,
)

urlpatterns = [
    path("contributions/", ContributionCreateApi.as_view(), name="contribution-create"),
    path("contributions/<int:pk>/", ContributionDetailApi.as_view(), name="contribution-detail"),
    path("funds/", FundsSummaryApi.as_view(), name="funds"),
    path("funds/allocations/", FundAllocationsApi.as_view(), name="fund-allocations"),
    path("accounts/", AccountListApi.as_view(), name="account-list"),
    path("accounts/me/", AccountMeApi.as_view(), name="account-me"),
    path("accounts/<int:pk>/transfers/", AccountTransfersApi.as_view(), name="account-transfers"),
    path("transfers/", TransferCreateApi.as_view(), name="transfer-create"),
    path("transfers/<int:pk>/reverse/", TransferReverseApi.as_view(), name="transfer-reverse"),
]
