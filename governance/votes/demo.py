"""Demo votes: a closed majority-judgment vote with its result, and an open ranked vote."""

import datetime

from django.utils import timezone

from backend.accounts.models import User
from governance.models import Membership, MembershipStatus
from governance.votes import services
from governance.votes.models import Vote, VoteMethod

CLOSED_TITLE = "Choix du projet commun de l'année"
CLOSED_OPTIONS = [
    "Réseau d'entraide face aux crises",
    "Jardin partagé et grainothèque de Briançon",
    "Atelier vélo solidaire",
    "Récupération de l'eau de pluie dans les écoles",
]
# One ballot per demo member, in membership-number order: a grade per option (0 = À rejeter).
CLOSED_BALLOTS = [
    [6, 4, 3, 2],
    [5, 5, 2, 3],
    [4, 6, 3, 1],
    [5, 3, 4, 2],
    [3, 4, 5, 4],
    [6, 2, 3, 5],
    [4, 5, 1, 3],
]

OPEN_TITLE = "Priorités du prochain chantier collectif"
OPEN_OPTIONS = [
    "Isoler la salle commune",
    "Construire un four à pain partagé",
    "Aménager un local de réparation",
]


def seed(*, stdout) -> None:
    coordinator = User.objects.filter(email="jardinier@terreau.coop").first()
    members = list(
        Membership.objects.filter(status=MembershipStatus.MEMBER)
        .select_related("user")
        .order_by("number")
    )
    if coordinator is None or not members:
        stdout.write("Votes: no coordinator or members, nothing to do.")
        return
    now = timezone.now()
    if not Vote.objects.filter(title=CLOSED_TITLE).exists():
        vote = services.vote_create(
            actor=coordinator,
            title=CLOSED_TITLE,
            description="Chaque sociétaire attribue une mention à chaque projet proposé.",
            method=VoteMethod.MAJORITY_JUDGMENT,
            options=[services.OptionInput(label=label) for label in CLOSED_OPTIONS],
            opens_at=now - datetime.timedelta(days=14),
            closes_at=now + datetime.timedelta(minutes=5),
            secret=True,
        )
        options = list(vote.options.order_by("position"))
        for membership, grades in zip(members, CLOSED_BALLOTS, strict=False):
            services.vote_cast(
                user=membership.user,
                vote=vote,
                grades={option.pk: grade for option, grade in zip(options, grades, strict=True)},
            )
        services.vote_close(actor=coordinator, vote=vote)
    if not Vote.objects.filter(title=OPEN_TITLE).exists():
        vote = services.vote_create(
            actor=coordinator,
            title=OPEN_TITLE,
            description="Classez les chantiers du plus au moins prioritaire.",
            method=VoteMethod.SCHULZE,
            options=[services.OptionInput(label=label) for label in OPEN_OPTIONS],
            opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(days=10),
            secret=False,
        )
        options = list(vote.options.order_by("position"))
        for membership, order in zip(members[:3], [(0, 2, 1), (2, 0), (1, 0, 2)], strict=False):
            services.vote_cast(
                user=membership.user, vote=vote, ranking=[options[i].pk for i in order]
            )
    stdout.write(f"Votes: {Vote.objects.count()} votes.")
