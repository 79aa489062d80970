"""The marketplace's models, one module per domain (contributions and funds here)."""

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

__all__ = [
    "Contribution",
    "ContributionChannel",
    "ContributionSettings",
    "ContributionStatus",
    "Fund",
    "FundAllocation",
    "FundKind",
    "Payment",
    "PaymentKind",
    "PaymentMethod",
    "ReceiptCounter",
    "StripeEvent",
]
