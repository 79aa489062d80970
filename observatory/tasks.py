from celery import shared_task

from observatory.services import observatory_refresh


@shared_task(name="observatory.tasks.observatory_refresh_task", ignore_result=True)
def observatory_refresh_task() -> int:
    """Recompute the observatory's figures (after a validation, a grid change, and by beat)."""
    return observatory_refresh()
