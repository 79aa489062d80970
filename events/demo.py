"""Demo calendar: past events closed with their minutes, upcoming ones with registrations."""

import datetime

from django.utils import timezone

from backend.accounts.models import User
from events import services
from events.models import Event, Registration
from governance.models import Assembly
from projects.models import Project

_PEOPLE = ["ines.pionniere", "hugo.pionnier", "lea.associee", "malik.associe", "sophie.fondatrice"]


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed(*, stdout) -> None:
    coordinator = User.objects.filter(email="jardinier@terreau.coop").first()
    if coordinator is None or Event.objects.exists():
        return
    people = [u for e in _PEOPLE if (u := User.objects.filter(email=f"{e}@terreau.coop").first())]
    running = Project.objects.filter(status="in_progress").order_by("pk").first()
    selected = Project.objects.filter(status="selected").order_by("pk").first()
    assembly = Assembly.objects.filter(status="convened").order_by("pk").first()
    specs = [
        # (days from today, hours, kind, title, commune, visibility, capacity, project, extra)
        (-120, 18, "convivial", "Fête des pionniers de l'été", "Briançon", "public", 80, None, {}),
        (-75, 14, "network_meeting", "Réunion du réseau — trimestre", "Gap", "members", None, None, {}),
        (-20, 10, "work_meeting", "Réunion de chantier", "Embrun", "members", 12, running, {}),
        (12, 18, "convivial", "Soupe partagée de l'hiver", "Briançon", "public", 40, None, {}),
        (5, 18, "work_meeting", "Atelier : organiser les permanences", "Briançon", "members", 8, selected, {}),
        (25, 9, "seminar", "Séminaire de préparation de l'assemblée", "Gap", "members", 30, None,
         {"assembly": assembly}),
        (40, 20, "training", "Formation : animer une réunion coopérative", "", "public", 15, None,
         {"online_url": "https://visio.terreau.coop/formation"}),
    ]  # fmt: skip
    for days, hour, kind, title, commune, visibility, capacity, project, extra in specs:
        if kind == "work_meeting" and project is None:
            continue
        event = services.event_create(
            actor=coordinator, kind=kind, title=title, commune=commune,
            address="Maison des associations" if commune else "",
            starts_at=_at(days, hour), ends_at=_at(days, hour) + datetime.timedelta(hours=2),
            visibility=visibility, capacity=capacity, project=project,
            description=f"**{title}** — ouvert à toutes et à tous les concernés.", **extra,
        )  # fmt: skip
        if days < 0:
            for person in people[:4]:
                Registration.objects.create(event=event, user=person, status="registered")
            services.event_close(
                actor=coordinator, event=event,
                minutes="Tour de table, bilan des derniers mois et questions ouvertes.",
                decisions="Les prochaines dates sont fixées ensemble.",
                next_steps="Le jardinier envoie le calendrier.",
                attendee_ids=[p.pk for p in people[:3]],
            )  # fmt: skip
        else:
            # Rows, not the service: the demo's made-up addresses get no e-mail in the outbox.
            for person in people[:3]:
                Registration.objects.create(event=event, user=person, status="registered")
    stdout.write(f"  events: {Event.objects.count()}")
