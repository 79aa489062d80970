import datetime

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from backend.core.outbox import email_user, outbox_keys_with_prefix
from governance.assemblies.models import Assembly, AssemblyStatus
from governance.models import Membership, MembershipStatus


def assembly_icalendar(*, assembly: Assembly) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Terreau//Assemblees generales//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"assembly-{assembly.pk}@terreau")
    event.add("summary", assembly.title)
    event.add("dtstart", assembly.date)
    event.add("dtend", assembly.date + datetime.timedelta(hours=3))
    event.add("dtstamp", assembly.created_at)
    event.add("location", assembly.place or assembly.online_url)
    url = settings.SITE_URL + reverse("governance:assembly_detail", args=[assembly.pk])
    event.add("url", url)
    event.add(
        "description", "\n".join(f"{r.position}. {r.title}" for r in assembly.resolutions.all())
    )
    calendar.add_component(event)
    return calendar.to_ical()


def convocation_key(*, assembly_id: int, membership_id: int) -> str:
    return f"convocation:{assembly_id}:{membership_id}"


def convened_membership_ids(*, assembly_id: int) -> set[int]:
    """The members whose convocation is queued or sent, read from the outbox keys."""
    prefix = convocation_key(assembly_id=assembly_id, membership_id=0)[:-1]
    return {int(key.rsplit(":", 1)[1]) for key in outbox_keys_with_prefix(prefix)}


def assembly_convocations_queue(*, assembly_id: int) -> int:
    """Queue the convocation of every member not yet convened, with the iCalendar
    invitation; returns how many were queued. Safe to run twice, or twice at once: each
    e-mail's outbox key (``convocation:<assembly>:<membership>``) is queued once, and each
    one commits on its own, so a run killed midway is completed by the next."""
    assembly = Assembly.objects.prefetch_related("resolutions").get(pk=assembly_id)
    if assembly.status == AssemblyStatus.DRAFT:
        return 0
    convened = convened_membership_ids(assembly_id=assembly.pk)
    pending = (
        Membership.objects.filter(status=MembershipStatus.MEMBER)
        .exclude(pk__in=convened)
        .select_related("user")
        .order_by("pk")
    )
    invitation = assembly_icalendar(assembly=assembly)
    context = {
        "assembly": assembly,
        "resolutions": list(assembly.resolutions.all()),
        "url": settings.SITE_URL + reverse("governance:assembly_detail", args=[assembly.pk]),
    }
    queued = 0
    for membership in pending.iterator(chunk_size=200):
        email = email_user(
            user=membership.user,
            template_prefix="governance/assemblies/email/convocation",
            context=context,
            key=convocation_key(assembly_id=assembly.pk, membership_id=membership.pk),
            attachments=[("assemblee.ics", invitation, "text/calendar")],
        )
        queued += email is not None
    return queued
