from celery import shared_task

from governance.assemblies.notifications import assembly_convocations_queue


@shared_task(acks_late=True)
def assembly_convocations_send(assembly_id: int) -> int:
    """E-mail the convocation to every member not yet convened: safe to run twice."""
    return assembly_convocations_queue(assembly_id=assembly_id)
