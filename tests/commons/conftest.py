import pytest

from commons.models import ResourceKind, ReviewCriterion
from commons.services.committee import committee_member_appoint, review_submit
from commons.services.resources import ResourceInput, resource_suggest


def resource_input(**overrides) -> ResourceInput:
    values = {
        "title": "Énergies renouvelables citoyennes",
        "summary": "Monter une centrale villageoise avec les habitants.",
        "kind": ResourceKind.METHOD,
        "authors": "La Traverse, Les Localos",
        "body": "## Étapes\n\nRéunir les habitants, créer la société, installer les panneaux.",
    }
    values.update(overrides)
    return ResourceInput(**values)


@pytest.fixture
def author(user_factory):
    return user_factory(email="autrice@example.org")


@pytest.fixture
def committee(coordinator, user_factory):
    """Three committee members appointed by the coordinator."""
    people = [user_factory(email=f"comite{i}@example.org") for i in range(3)]
    for person in people:
        committee_member_appoint(actor=coordinator, user=person)
    return people


@pytest.fixture
def suggest(author):
    def make(**overrides):
        return resource_suggest(actor=author, data=resource_input(**overrides))

    return make


def marks(*, science: int = 3, others: int = 2) -> dict[int, int]:
    return {
        c.pk: (science if c.slug == "robustesse-scientifique" else others)
        for c in ReviewCriterion.objects.all()
    }


def review(resource, reviewer, *, science: int = 3, recommendation: str = "publish"):
    return review_submit(
        actor=reviewer,
        resource=resource,
        marks=marks(science=science),
        recommendation=recommendation,
        comment="Relu.",
    )
