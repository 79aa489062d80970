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
from marketplace.api.listings import (
    ExchangeDetailApi,
    ExchangeListApi,
    ExchangeMessageCreateApi,
    ListingListApi,
    ListingRespondApi,
    transition_api,
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
    path("listings/", ListingListApi.as_view(), name="listing-list"),
    path("listings/<int:pk>/respond/", ListingRespondApi.as_view(), name="listing-respond"),
    path("exchanges/", ExchangeListApi.as_view(), name="exchange-list"),
    path("exchanges/<int:pk>/", ExchangeDetailApi.as_view(), name="exchange-detail"),
    path(
        "exchanges/<int:pk>/messages/",
        ExchangeMessageCreateApi.as_view(),
        name="exchange-messages",
    ),
    *(
        path(
            f"exchanges/<int:pk>/{action}/",
            transition_api(action).as_view(),
            name=f"exchange-{action}",
        )
        for action in ("accept", "done", "confirm", "cancel", "dispute")
    ),
]
