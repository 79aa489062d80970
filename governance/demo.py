"""The demo cooperative: its settings, six colleges, a charter, members with shares."""

import datetime
from decimal import Decimal

from django.utils import timezone

from backend.accounts.models import User
from governance import services
from governance.models import (
    Charter,
    CharterAcceptance,
    College,
    CooperativeSettings,
    Membership,
    MembershipStatus,
)

COLLEGES = [
    # slug, name, weight, pioneers?, description
    (
        "fondateurs",
        "Fondateurs",
        Decimal(20),
        False,
        "Les personnes et structures qui ont créé la coopérative.",
    ),
    (
        "partenaires-historiques",
        "Partenaires historiques",
        Decimal(15),
        False,
        "Les partenaires qui accompagnent le projet depuis ses débuts.",
    ),
    (
        "beneficiaires",
        "Bénéficiaires — les pionniers",
        Decimal(30),
        True,
        "Les pionniers, porteurs de solutions citoyennes de résilience.",
    ),
    (
        "fournisseurs",
        "Fournisseurs",
        Decimal(10),
        False,
        "Les prestataires et fournisseurs de la coopérative.",
    ),
    (
        "collectivites",
        "Collectivités",
        Decimal(15),
        False,
        "Les collectivités territoriales associées.",
    ),
    ("salaries", "Salariés", Decimal(10), False, "Les salariés de la coopérative."),
]

CHARTER_TEXT = """Nous, sociétaires de la coopérative, nous engageons à :

1. Agir pour la résilience de nos territoires, dans le respect du vivant.
2. Partager nos savoirs, nos compétences et notre temps : une heure donnée vaut une heure reçue.
3. Décider ensemble : chaque pionnier participe au choix du projet commun.
4. Rendre compte de l'usage de l'argent reçu, en toute transparence.
5. Accueillir chacune et chacun sans discrimination."""

MEMBERS = [
    # e-mail, college slug, paid shares, accepts the charter
    ("sophie.fondatrice@terreau.coop", "fondateurs", 10, True),
    ("ines.pionniere@terreau.coop", "beneficiaires", 1, True),
    ("hugo.pionnier@terreau.coop", "beneficiaires", 1, False),
    ("lea.associee@terreau.coop", "partenaires-historiques", 4, True),
    ("malik.associe@terreau.coop", "collectivites", 0, True),
    ("yann.fournisseur@terreau.coop", "fournisseurs", 2, True),
    ("jardinier@terreau.coop", "salaries", 1, True),
]


def seed(*, stdout) -> None:
    coop = CooperativeSettings.load()
    if coop.name == "Terreau" and coop.legal_form == "scic_sas":
        coop.name = "SCIC Terreau"
        coop.save(update_fields=["name"])
    coordinator = User.objects.filter(email="jardinier@terreau.coop").first()
    for position, (slug, name, weight, pioneers, description) in enumerate(COLLEGES):
        College.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "vote_weight": weight,
                "is_pioneers": pioneers,
                "description": description,
                "position": position,
            },
        )
    charter = Charter.objects.filter(published_at__isnull=False).order_by("-version").first()
    if charter is None:
        charter = services.charter_publish(
            actor=coordinator, title="Charte éthique de Terreau", text=CHARTER_TEXT
        )
    created = 0
    start = timezone.localdate() - datetime.timedelta(days=400)
    for email, slug, shares, accepts in MEMBERS:
        user = User.objects.filter(email=email).first()
        if user is None or Membership.objects.filter(user=user).exists():
            continue
        membership = services.membership_apply(
            user=user, college=College.objects.get(slug=slug), motivation="Membre de démonstration."
        )
        membership = services.membership_admit(actor=coordinator, membership=membership)
        if shares:
            services.shares_subscribe(
                actor=coordinator,
                membership=membership,
                quantity=shares,
                subscribed_on=start,
                paid_on=start,
                payment_reference=f"VIR-{membership.number:04d}",
            )
        if accepts:
            CharterAcceptance.objects.get_or_create(membership=membership, charter=charter)
        created += 1
    # One application waiting for the coordinator.
    candidate = User.objects.filter(email="malik.candidat@terreau.coop").first()
    if candidate is None:
        candidate = User.objects.create_user(
            email="malik.candidat@terreau.coop", first_name="Nora", last_name="Candidate"
        )
        services.membership_apply(
            user=candidate,
            college=College.objects.get(slug="beneficiaires"),
            motivation="Je porte un jardin partagé à Briançon.",
        )
    _seed_threads(coordinator)
    members = Membership.objects.filter(status=MembershipStatus.MEMBER).count()
    stdout.write(
        f"Governance: {members} members ({created} new), {College.objects.count()} colleges."
    )


def _seed_threads(coordinator) -> None:
    """Two conversations at the jardinier's door: one answered, one awaiting."""
    from governance.threads.models import CoordinatorThread
    from governance.threads.services import thread_open, thread_reply

    ines = User.objects.filter(email="ines.pionniere@terreau.coop").first()
    if ines is None or coordinator is None or CoordinatorThread.objects.exists():
        return
    answered = thread_open(
        author=ines,
        subject="Comment proposer mon atelier de réparation ?",
        body="Bonjour, je voudrais proposer un atelier vélo pour le quartier. Par où commencer ?",
    )
    thread_reply(
        actor=coordinator,
        thread=answered,
        body="Bonjour Inès, déposez-le depuis « Proposer un projet » : je le relis sous une semaine.",
    )
    thread_open(
        author=ines,
        subject="Payer ma part par virement",
        body="Quelle référence dois-je indiquer sur mon virement ?",
    )
