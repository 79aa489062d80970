"""The marketplace's models, one module per domain (contributions and funds, the time
ledger, listings and exchanges)."""

from marketplace.models.funds import (
    Contribution,
    ContributionChannel,
    ContributionSettings,
    ContributionStatus,
    Fund,
    FundAllocation,
    FundKind,
    Payment,
    PaymentKind,
    PaymentMethod,
    ReceiptCounter,
    StripeEvent,
)
from marketplace.models.ledger import (
    MEMBER_CREDIT_LIMIT_MINUTES,
    ProjectTimeGiver,
    TimeAccount,
    TimeAccountKind,
    TimeTransfer,
)
from marketplace.models.listings import (
    Exchange,
    ExchangeMessage,
    ExchangeStatus,
    Listing,
    ListingKind,
    ListingStatus,
    NeedAlert,
)

__all__ = [
    "MEMBER_CREDIT_LIMIT_MINUTES",
    "Contribution",
    "ContributionChannel",
    "ContributionSettings",
    "ContributionStatus",
    "Exchange",
    "ExchangeMessage",
    "ExchangeStatus",
    "Fund",
    "FundAllocation",
    "FundKind",
    "Listing",
    "ListingKind",
    "ListingStatus",
    "NeedAlert",
    "Payment",
    "PaymentKind",
    "PaymentMethod",
    "ProjectTimeGiver",
    "ReceiptCounter",
    "StripeEvent",
    "TimeAccount",
    "TimeAccountKind",
    "TimeTransfer",
]
