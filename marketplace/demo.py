"""Demo contributions and an allocation, so the open funds page tells a story.

Idempotent: contributions are found again by their receipt number or transfer
reference, the allocation by its idempotency key."""

from datetime import timedelta

from django.utils import timezone

from backend.accounts.models import User
from marketplace.models import (
    Contribution,
    ContributionChannel,
    ContributionSettings,
    FundAllocation,
)
from marketplace.selectors.funds import DEFAULT_SUGGESTED_AMOUNTS_CENTS
from marketplace.services.contributions import (
    contribution_create,
    contribution_manual_create,
)
from marketplace.services.funds import fund_allocation_create
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


def seed(*, stdout) -> None:
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
    if member is not None:
        contribution_create(
            actor=member,
            project=None,
            amount_cents=1500,
            channel=ContributionChannel.MANUAL,
            name="Léa Girard",
            public=True,
            message="Merci pour la place des marchés !",
            idempotency_key="demo-pledge-lea",
        )
    if not FundAllocation.objects.filter(idempotency_key="demo-allocation-1").exists():
        fund_allocation_create(
            actor=coordinator,
            project=project,
            amount_cents=4000,
            allocated_on=today - timedelta(days=3),
            note="Achat d'outillage pour l'atelier.",
            idempotency_key="demo-allocation-1",
        )
    stdout.write(f"Contributions: {created} created, allocations ready.")
