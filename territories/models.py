"""The French administrative territories: France → région → département → EPCI → commune.

Reference data loaded from ``territories/data/territories.csv.gz`` (built by
``scripts/build_territories.py`` from Etalab's ``@etalab/decoupage-administratif``). The
primary key is a namespaced code (``dep-69``, ``com-69123``) because codes collide across
kinds. A commune also points to its département and région directly, so that roll-ups
never go through an EPCI (a few span two départements).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Région")
    DEPARTMENT = "department", _("Département")
    EPCI = "epci", _("Intercommunality (EPCI)")
    COMMUNE = "commune", _("Commune")


# From the top down: the order rows are loaded in (a parent always exists first).
KIND_RANK = {kind: rank for rank, kind in enumerate(TerritoryKind.values)}


class Territory(models.Model):
    key = models.CharField(_("key"), max_length=20, primary_key=True)
    kind = models.CharField(_("kind"), max_length=12, choices=TerritoryKind.choices)
    code = models.CharField(_("official code"), max_length=12)
    name = models.CharField(_("name"), max_length=200)
    # Lower case, without accents, hyphens or apostrophes: what the resolver compares.
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    department = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("département"),
    )
    region = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("région"),
    )
    postcodes = models.CharField(_("postcodes"), max_length=300, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # False once a newer data file no longer lists it (kept: rows may point to it).
    active = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name", "key"]
        indexes = [models.Index(fields=["kind", "search_name"], name="territory_kind_name_idx")]

    def __str__(self) -> str:
        if self.kind == TerritoryKind.COMMUNE or self.kind == TerritoryKind.DEPARTMENT:
            return f"{self.name} ({self.code})"
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("territories:detail", args=[self.key])


class TerritoryDataset(models.Model):
    """The version of the data file loaded: reloading is skipped when it is unchanged."""

    package = models.CharField(max_length=120)
    version = models.CharField(max_length=40)
    built_on = models.CharField(max_length=20, blank=True)
    rows = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("territory data set")
        verbose_name_plural = _("territory data sets")

    def __str__(self) -> str:
        return f"{self.package} {self.version}"
