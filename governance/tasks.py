from celery import shared_task

from governance import services
from governance.assemblies.tasks import assembly_convocations_send  # noqa: F401  (autodiscovery)


@shared_task(acks_late=True)
def duty_reminders() -> int:
    return services.duty_reminders_send()


from governance.votes import tasks as _votes_tasks  # noqa: E402,F401  (Celery autodiscovery)
