from celery import shared_task

from marketplace.services.project_needs import project_need_alerts_send


@shared_task
def project_need_alerts() -> int:
    """Tell pioneers of the project needs matching their skills (safe to run twice)."""
    return project_need_alerts_send()
