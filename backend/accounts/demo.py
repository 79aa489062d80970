"""Demo people: the coordinator and a few members. Password for all: ``terreau-demo``."""

from allauth.account.models import EmailAddress

from backend.accounts.models import User
from backend.accounts.roles import coordinator_grant

DEMO_PASSWORD = "terreau-demo"  # noqa: S105 — printed by `make run`, demo data only

DEMO_PEOPLE = [
    ("jardinier@terreau.coop", "Camille", "Jardin", "coordinator"),
    ("admin@terreau.coop", "Alex", "Admin", "superuser"),
    ("ines.pionniere@terreau.coop", "Inès", "Moreau", ""),
    ("hugo.pionnier@terreau.coop", "Hugo", "Lefebvre", ""),
    ("lea.associee@terreau.coop", "Léa", "Girard", ""),
    ("malik.associe@terreau.coop", "Malik", "Benali", ""),
    ("sophie.fondatrice@terreau.coop", "Sophie", "Bernard", ""),
    ("yann.fournisseur@terreau.coop", "Yann", "Le Goff", ""),
]


def seed(*, stdout) -> None:
    created = 0
    for email, first, last, role in DEMO_PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, first_name=first, last_name=last)
            user.set_password(DEMO_PASSWORD)
            if role == "superuser":
                user.is_staff = user.is_superuser = True
            user.save()
            created += 1
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role == "coordinator":
            coordinator_grant(user=user)
    stdout.write(f"Accounts: {created} created, {len(DEMO_PEOPLE) - created} already there.")
