"""What projects put in a territory's figures (registered in ``ProjectsConfig.ready``)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from projects.lifecycle import PRIVATE_STATES
from projects.models import Project
from territories.registry import (
    FactProvider,
    LocatedModel,
    territory_facts_register,
    territory_located_register,
)


def public_projects():
    return Project.objects.exclude(status__in=PRIVATE_STATES)


def register() -> None:
    territory_facts_register(
        FactProvider(
            key="projects",
            label=_("Projects"),
            queryset=public_projects,
            territory_path="territory",
            aggregate=lambda: Count("pk"),
            order=20,
        )
    )
    territory_located_register(
        LocatedModel(
            label="projects.Project",
            unresolved=lambda: Project.objects.filter(territory__isnull=True).order_by("pk"),
            describe=lambda p: p.title,
        )
    )
