from celery import shared_task

from marketplace.services.exchanges import exchanges_auto_confirm_due


@shared_task
def exchanges_auto_confirm() -> int:
    """Confirm the exchanges done N days ago without dispute (safe to run twice)."""
    return exchanges_auto_confirm_due()
