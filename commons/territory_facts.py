"""What the commons put in a territory's figures (registered in ``CommonsConfig.ready``):
the published resources, in the commune of the pioneer who suggested them."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from commons.models import Resource, ResourceStatus
from territories.registry import FactProvider, territory_facts_register


def published_resources():
    return Resource.objects.filter(status=ResourceStatus.PUBLISHED)


def register() -> None:
    territory_facts_register(
        FactProvider(
            key="resources_published",
            label=_("Resources published"),
            queryset=published_resources,
            territory_path="submitted_by__pioneer__territory",
            aggregate=lambda: Count("pk"),
            order=28,
            date_field="published_at",
        )
    )
