from celery import shared_task

from governance.assemblies.tasks import assembly_convocations_send  # noqa: F401  (autodiscovery)
from governance.reminders import duty_reminders_send


@shared_task(acks_late=True)
def duty_reminders() -> int:
    return duty_reminders_send()


from governance.votes import tasks as _votes_tasks  # noqa: E402,F401  (Celery autodiscovery)
