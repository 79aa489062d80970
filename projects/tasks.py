from celery import shared_task

from projects.services.concern import concern_shares_refresh


@shared_task(acks_late=True)
def concern_shares_daily_refresh() -> int:
    """Pioneers join and leave without touching projects: re-divide the shares daily."""
    return concern_shares_refresh()
