"""Rate limits of the commons (one counter for the page and the API)."""

from backend.core.throttles import AccountRateThrottle


class DirectoryReportRateThrottle(AccountRateThrottle):
    """Reports on directory entries: a person cannot hide entries in bulk."""

    scope = "directory_reports"
