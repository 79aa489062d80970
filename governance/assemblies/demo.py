"""Demo assemblies: last spring's, recorded after the fact, and the next one, convened."""

import datetime

from django.utils import timezone

from backend.accounts.models import User
from governance.assemblies import services
from governance.assemblies.models import Assembly, ResolutionStatus
from governance.models import Membership, MembershipStatus


def seed(*, stdout) -> None:
    coordinator = User.objects.filter(email="jardinier@terreau.coop").first()
    if coordinator is None or Assembly.objects.exists():
        stdout.write("Assemblies: already there.")
        return
    members = list(Membership.objects.filter(status=MembershipStatus.MEMBER).order_by("number"))
    past_date = timezone.now() - datetime.timedelta(days=180)
    past = services.assembly_create(
        actor=coordinator,
        title="Assemblée générale ordinaire de printemps",
        date=past_date,
        place="Salle des fêtes de Briançon",
        convened_on=timezone.localtime(past_date).date() - datetime.timedelta(days=20),
    )
    for resolution in (
        (
            "Approbation des comptes",
            "L'assemblée approuve les comptes de l'exercice écoulé.",
            "simple",
        ),
        (
            "Modification des statuts",
            "L'assemblée adopte la nouvelle rédaction de l'article 12.",
            "two_thirds",
        ),
    ):
        services.resolution_create(
            actor=coordinator,
            assembly=past,
            title=resolution[0],
            text=resolution[1],
            majority=resolution[2],
        )
    present = members[:5]
    for m in present:
        services.attendance_mark_present(actor=coordinator, assembly=past, membership=m)
    if len(members) > 6:
        services.proxy_give(actor=coordinator, assembly=past, giver=members[6], holder=members[0])
    choices = [["yes", "yes", "yes", "no", "abstain"], ["yes", "no", "yes", "no", "yes"]]
    for resolution, row in zip(past.resolutions.order_by("position"), choices, strict=True):
        services.resolution_open(actor=coordinator, resolution=resolution)
        for m, choice in zip(present, row, strict=False):
            services.resolution_vote_cast(user=m.user, resolution=resolution, choice=choice)
        if len(members) > 6:
            services.resolution_vote_cast(
                user=members[0].user, resolution=resolution, choice="yes", on_behalf_of=members[6]
            )
        resolution.refresh_from_db()
        if resolution.status == ResolutionStatus.OPEN:
            services.resolution_close(actor=coordinator, resolution=resolution)
    services.assembly_close(actor=coordinator, assembly=past)

    upcoming = services.assembly_create(
        actor=coordinator,
        title="Assemblée générale ordinaire d'automne",
        date=timezone.now() + datetime.timedelta(days=30),
        place="Tiers-lieu de Limoges",
        online_url="https://visio.terreau.coop/ag",
    )
    services.resolution_create(
        actor=coordinator,
        assembly=upcoming,
        title="Choix du projet commun",
        text="L'assemblée ratifie le projet commun choisi par les pionniers.",
    )
    services.assembly_convene(actor=coordinator, assembly=upcoming)
    stdout.write("Assemblies: one held (recorded after the fact), one convened.")
