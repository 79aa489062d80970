from rest_framework.throttling import SimpleRateThrottle


class ContributionRateThrottle(SimpleRateThrottle):
    """Starting a contribution opens a Stripe session: limited per account or per IP
    address (``contributions`` in DEFAULT_THROTTLE_RATES). The API view and the HTML
    form share the same counter."""

    scope = "contributions"

    def get_cache_key(self, request, view) -> str:
        user = getattr(request, "user", None)
        ident = (
            f"user-{user.pk}"
            if user is not None and user.is_authenticated
            else self.get_ident(request)
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}
