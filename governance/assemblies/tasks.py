from celery import shared_task
from django.db import IntegrityError, transaction

from governance.assemblies.models import Assembly, AssemblyStatus, ConvocationNotice
from governance.models import Membership, MembershipStatus


@shared_task(acks_late=True)
def assembly_convocations_send(assembly_id: int) -> int:
    """E-mail the convocation to every member not yet convened: safe to run twice."""
    from governance.assemblies.notifications import convocation_email

    assembly = Assembly.objects.get(pk=assembly_id)
    if assembly.status == AssemblyStatus.DRAFT:
        return 0
    sent = 0
    pending = (
        Membership.objects.filter(status=MembershipStatus.MEMBER)
        .exclude(pk__in=assembly.notices.values("membership_id"))
        .select_related("user")
    )
    for membership in pending.iterator(chunk_size=200):
        try:
            with transaction.atomic():
                ConvocationNotice.objects.create(assembly=assembly, membership=membership)
                convocation_email(assembly=assembly, membership=membership).send()
        except IntegrityError:
            continue  # another run convened this member meanwhile
        sent += 1
    return sent
