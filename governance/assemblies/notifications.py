import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar, Event

from governance.assemblies.models import Assembly
from governance.models import Membership


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


def convocation_email(*, assembly: Assembly, membership: Membership) -> EmailMultiAlternatives:
    user = membership.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "assembly": assembly,
            "user": user,
            "site_url": settings.SITE_URL,
            "resolutions": list(assembly.resolutions.all()),
            "url": settings.SITE_URL + reverse("governance:assembly_detail", args=[assembly.pk]),
        }
        subject = render_to_string("governance/assemblies/email/convocation_subject.txt", context)
        body = render_to_string("governance/assemblies/email/convocation_message.txt", context)
    message = EmailMultiAlternatives(
        subject=f"[Terreau] {subject.strip()}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach("assemblee.ics", assembly_icalendar(assembly=assembly), "text/calendar")
    return message
