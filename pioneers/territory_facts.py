"""What pioneers put in a territory's figures (registered in ``PioneersConfig.ready``)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from pioneers.models import Pioneer, Visibility
from territories.registry import (
    FactProvider,
    LocatedModel,
    territory_facts_register,
    territory_located_register,
)


def _located_pioneers():
    # Only profiles whose commune is public count: a territory's figures never reveal
    # where someone who hid their commune lives.
    return Pioneer.objects.filter(location_visibility=Visibility.PUBLIC)


def register() -> None:
    territory_facts_register(
        FactProvider(
            key="pioneers",
            label=_("Pioneers"),
            queryset=_located_pioneers,
            territory_path="territory",
            aggregate=lambda: Count("pk"),
            order=10,
        )
    )
    territory_located_register(
        LocatedModel(
            label="pioneers.Pioneer",
            unresolved=lambda: (
                Pioneer.objects.filter(territory__isnull=True)
                .exclude(commune="", postcode="")
                .order_by("pk")
            ),
            describe=lambda p: f"{p.display_name} — {p.commune} {p.postcode}".strip(),
        )
    )
