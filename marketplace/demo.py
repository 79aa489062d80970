"""Demo contributions and an allocation, so the open funds page tells a story.

Idempotent: contributions are found again by their receipt number or transfer
reference, the allocation by its project and note."""

from datetime import timedelta

from django.utils import timezone

from backend.accounts.models import User
from governance.models import Membership
from marketplace.models import (
    Contribution,
    ContributionChannel,
    ContributionSettings,
    FundAllocation,
    TimeTransfer,
)
from marketplace.selectors.funds import DEFAULT_SUGGESTED_AMOUNTS_CENTS
from marketplace.services.contributions import (
    contribution_create,
    contribution_manual_create,
)
from marketplace.services.funds import fund_allocation_create
from marketplace.services.ledger import (
    time_account_for_member,
    time_account_for_project,
    time_transfer_create,
)
from projects.models import Project, ProjectStatus

BANK_DETAILS = (
    "Titulaire : SCIC Terreau\n"
    "IBAN : FR76 0000 0000 0000 0000 0000 000 (compte de démonstration)\n"
    "BIC : TERRFRPPXXX"
)

# (project?, amount, method, reference, name, public, message)
DEMO_RECEIVED = [
    (
        False,
        5000,
        "bank_transfer",
        "DEMO-VIR-001",
        "Association Les Localos",
        True,
        "Pour que les outils communs restent ouverts à tous.",
    ),
    (False, 2000, "cash", "DEMO-ESP-001", "", False, ""),
    (
        True,
        12000,
        "cheque",
        "DEMO-CHQ-001",
        "Mairie de Saillans",
        True,
        "Bravo pour l'atelier, nous suivrons le projet.",
    ),
    (True, 3000, "bank_transfer", "DEMO-VIR-002", "Inès Moreau", True, ""),
]


def _demo_project() -> Project:
    project = (
        Project.objects.filter(status__in=[ProjectStatus.SELECTED, ProjectStatus.IN_PROGRESS])
        .order_by("pk")
        .first()
    )
    if project is None:
        project, _created = Project.objects.get_or_create(
            slug="atelier-reparation-partage",
            defaults={
                "title": "Atelier de réparation partagé",
                "summary": "Un atelier mobile où chacun répare ses objets avec l'aide des pionniers.",
                "status": ProjectStatus.SELECTED,
                "estimated_cost_cents": 800_000,
            },
        )
    return project


# (payer index, payee index, minutes, memo) between the first admitted demo members.
DEMO_TRANSFERS = [
    (0, 1, 90, "Aide au montage du poulailler partagé."),
    (1, 2, 60, "Cours de réparation de vélo."),
    (2, 0, 120, "Taille des arbres fruitiers du verger."),
    (1, 0, 45, "Relecture du dossier de subvention."),
]


def _seed_ledger(*, stdout) -> None:
    """Time accounts for the admitted members and a few transfers (each one found
    again by its accounts and memo, so a second run writes nothing)."""
    memberships = list(
        Membership.objects.active().select_related("user").order_by("number", "pk")[:10]
    )
    accounts = [time_account_for_member(membership=m) for m in memberships]
    if len(accounts) < 3:
        stdout.write("Time ledger: fewer than three admitted members, no transfer.")
        return
    project_account = time_account_for_project(project=_demo_project())
    transfers = [
        (memberships[payer].user, accounts[payer], accounts[payee], minutes, memo)
        for payer, payee, minutes, memo in DEMO_TRANSFERS
    ]
    transfers.append(
        (memberships[0].user, accounts[0], project_account, 30, "Préparation de l'atelier.")
    )
    for actor, payer, payee, minutes, memo in transfers:
        if not TimeTransfer.objects.filter(payer=payer, payee=payee, memo=memo).exists():
            time_transfer_create(actor=actor, payer=payer, payee=payee, minutes=minutes, memo=memo)
    stdout.write(f"Time ledger: {len(accounts)} member accounts, demo transfers ready.")


# (owner index, kind, title, tags, minutes, place or "" for remote, linked to the project?)
# A place names a commune of the territories' file; a homonym (two Saillans) takes its
# postcode, as a member would write it, so that every demo listing is located.
DEMO_LISTINGS = [
    (0, "offer", "Réparation de vélos", ["Vélo", "Mécanique"], 90, "Die", False),
    (1, "request", "Aide pour tailler le verger", ["Jardinage"], 180, "Crest", True),
    (2, "offer", "Relecture de dossiers de subvention", ["Rédaction"], 60, "", False),
    (0, "request", "Cours de couture pour débutants", ["Couture"], 120, "Saillans (26340)", False),
]
# (listing index, responder index, final state)
DEMO_EXCHANGES = [
    (0, 1, "confirmed"),
    (1, 2, "done"),
    (2, 0, "accepted"),
    (3, 2, "proposed"),
]
_STEPS = ["accept", "done", "confirm"]
_REACHED_BY = {"proposed": 0, "accepted": 1, "done": 2, "confirmed": 3}


def _seed_listings(*, stdout) -> None:
    """Listings and exchanges in several states, found again by title and responder."""
    from marketplace.models import Exchange, Listing
    from marketplace.services.exchanges import exchange_create, exchange_transition
    from marketplace.services.listings import listing_create

    memberships = list(
        Membership.objects.active().select_related("user").order_by("number", "pk")[:3]
    )
    if len(memberships) < 3:
        stdout.write("Marketplace: fewer than three admitted members, no listing.")
        return
    project = _demo_project()
    listings = []
    for owner, kind, title, tags, minutes, place, for_project in DEMO_LISTINGS:
        listing = Listing.objects.filter(title=title, owner=memberships[owner]).first()
        if listing is None:
            listing = listing_create(
                actor=memberships[owner].user,
                kind=kind,
                title=title,
                description="Annonce de démonstration.",
                tags=tags,
                estimated_minutes=minutes,
                place=place,
                remote=not place,
                project=project if for_project else None,
            )
        listings.append(listing)
    for listing_index, responder, state in DEMO_EXCHANGES:
        listing = listings[listing_index]
        responder_user = memberships[responder].user
        if Exchange.objects.filter(listing=listing, responder=memberships[responder]).exists():
            continue
        exchange = exchange_create(
            actor=responder_user, listing=listing, message="Bonjour, je suis disponible."
        )
        for action in _STEPS[: _REACHED_BY[state]]:
            actor = {
                "accept": listing.owner.user,
                "done": exchange.giver.user,
                "confirm": exchange.receiver.user,
            }[action]
            exchange_transition(actor=actor, exchange=exchange, action=action)
    stdout.write(f"Marketplace: {len(listings)} listings, demo exchanges ready.")


def seed(*, stdout) -> None:
    _seed_ledger(stdout=stdout)
    _seed_listings(stdout=stdout)
    ContributionSettings.objects.get_or_create(
        pk=1,
        defaults={
            "suggested_amounts_cents": list(DEFAULT_SUGGESTED_AMOUNTS_CENTS),
            "bank_transfer_instructions": BANK_DETAILS,
        },
    )
    coordinator = User.objects.filter(email="jardinier@terreau.coop").first()
    if coordinator is None:
        stdout.write("Contributions: no demo coordinator, skipped.")
        return
    project = _demo_project()
    today = timezone.localdate()
    created = 0
    for index, (for_project, amount, method, reference, name, public, message) in enumerate(
        DEMO_RECEIVED
    ):
        if Contribution.objects.filter(payments__reference=reference).exists():
            continue
        contribution_manual_create(
            actor=coordinator,
            project=project if for_project else None,
            method=method,
            amount_cents=amount,
            received_on=today - timedelta(days=30 - index * 5),
            reference=reference,
            name=name,
            public=public,
            message=message,
        )
        created += 1
    # A pledge by bank transfer still awaited, for the coordinator's page.
    member = User.objects.filter(email="lea.associee@terreau.coop").first()
    pledge_message = "Merci pour la place des marchés !"
    if (
        member is not None
        and not Contribution.objects.filter(user=member, message=pledge_message).exists()
    ):
        contribution_create(
            actor=member,
            project=None,
            amount_cents=1500,
            channel=ContributionChannel.MANUAL,
            name="Léa Girard",
            public=True,
            message=pledge_message,
        )
    allocation_note = "Achat d'outillage pour l'atelier."
    if not FundAllocation.objects.filter(project=project, note=allocation_note).exists():
        fund_allocation_create(
            actor=coordinator,
            project=project,
            amount_cents=4000,
            allocated_on=today - timedelta(days=3),
            note=allocation_note,
        )
    stdout.write(f"Contributions: {created} created, allocations ready.")
