from backend.core.throttles import AccountRateThrottle


class ContributionRateThrottle(AccountRateThrottle):
    """Starting a contribution opens a Stripe session: limited per account or per IP
    address (``contributions`` in DEFAULT_THROTTLE_RATES). The API view and the HTML
    form share the same counter."""

    scope = "contributions"
