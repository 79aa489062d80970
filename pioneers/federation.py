"""The admission criteria on the federation page (registered from PioneersConfig.ready)."""

from django.utils.translation import gettext_lazy

from governance.federation import FederationSection, federation_section_register
from pioneers.models import Criterion


def admission_criteria() -> list[dict]:
    return [
        {"slug": c.slug, "label": c.label, "description": c.description}
        for c in Criterion.objects.filter(is_active=True).order_by("position", "slug")
    ]


def register() -> None:
    federation_section_register(
        FederationSection(
            code="admission_criteria",
            title=gettext_lazy("Who is a pioneer: the admission criteria"),
            template="pioneers/federation/_criteria.html",
            data=admission_criteria,
            position=20,
        )
    )
