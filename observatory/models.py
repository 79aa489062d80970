"""The three compasses of societal impact and the resilience observatory.

A ``GridVersion`` holds the indicators of the three compasses (individual, synergy,
societal). A new version is a new set of ``Indicator`` rows: answers given under an
older version keep pointing to its rows, so a grid change never rewrites them.
Pioneers fill a yearly ``Assessment`` of their solution or of a project; the coordinator
validates it (or returns it with a comment). ``Aggregate`` rows are what the observatory
shows: computed by a Celery task, never on a page view.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


class Compass(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual compass")
    SYNERGY = "synergy", _("Synergy compass")
    SOCIETAL = "societal", _("Societal compass")


class Respondent(models.TextChoices):
    PIONEER = "pioneer", _("The pioneer")
    COORDINATOR = "coordinator", _("The coordinator")
    COMPUTED = "computed", _("Computed by Terreau")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Unit(models.TextChoices):
    SCALE = "scale", _("Score on a scale")
    COUNT = "count", _("A number")
    MINUTES = "minutes", _("Time")
    CENTS = "cents", _("Money")


class GridVersion(models.Model):
    number = models.PositiveIntegerField(_("version"), unique=True)
    note = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("indicator grid version")
        verbose_name_plural = _("indicator grid versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return _("Grid version %(number)d") % {"number": self.number}


class Indicator(models.Model):
    grid = models.ForeignKey(
        GridVersion, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("grid")
    )
    compass = models.CharField(_("compass"), max_length=12, choices=Compass.choices)
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"))
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.SCALE)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    respondent = models.CharField(
        _("answered by"), max_length=12, choices=Respondent.choices, default=Respondent.PIONEER
    )
    # For computed indicators: the registered source and the formula shown to everyone.
    source = models.CharField(_("computed from"), max_length=60, blank=True)
    formula = models.TextField(_("formula"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["grid", "compass", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "code"], name="indicator_code_per_grid"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="indicator_scale_order"
            ),
            models.CheckConstraint(
                condition=~Q(respondent="computed") | ~Q(source=""),
                name="indicator_computed_has_source",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return self.respondent == Respondent.COMPUTED


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for validation")
    VALIDATED = "validated", _("Validated")
    RETURNED = "returned", _("Returned with a comment")


class Assessment(TimeStampedModel):
    """One year's self-assessment of a pioneer's solution or of a project."""

    grid = models.ForeignKey(
        GridVersion, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("grid")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    pioneer = models.ForeignKey(
        "pioneers.Pioneer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("pioneer (their solution)"),
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("project"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    comment = models.TextField(_("coordinator's comment"), blank=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(pioneer__isnull=False) & Q(project__isnull=True))
                | (Q(pioneer__isnull=True) & Q(project__isnull=False)),
                name="assessment_one_subject",
            ),
            models.UniqueConstraint(
                fields=["pioneer", "year"],
                condition=Q(pioneer__isnull=False),
                name="assessment_pioneer_year",
            ),
            models.UniqueConstraint(
                fields=["project", "year"],
                condition=Q(project__isnull=False),
                name="assessment_project_year",
            ),
        ]

    def __str__(self) -> str:
        subject = self.pioneer or self.project
        return f"{subject} — {self.year}"


class Answer(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="answers", verbose_name=_("indicator")
    )
    value = models.PositiveIntegerField(_("value"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="answer_once_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class Scale(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunality (EPCI)")
    DEPARTMENT = "department", _("Département")
    REGION = "region", _("Région")
    COUNTRY = "country", _("France")


class Period(models.TextChoices):
    YEAR = "year", _("This year")
    THREE_YEARS = "3y", _("The last 3 years")
    ALL = "all", _("Since the start")


class Aggregate(models.Model):
    """One figure of the observatory: an indicator in a territory over a period.

    ``total`` is the sum of what it is computed from and ``sources`` how many rows that
    is; ``value`` is the total for counted indicators and ``total / sources`` (the mean
    score) for answered ones, so a roll-up is the sum of its parts' totals and sources.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="aggregates", verbose_name=_("indicator")
    )
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territory"),
    )
    scale = models.CharField(_("scale"), max_length=12, choices=Scale.choices)
    period = models.CharField(_("period"), max_length=4, choices=Period.choices)
    total = models.FloatField(_("total"))
    sources = models.PositiveIntegerField(_("sources"))
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("aggregate")
        verbose_name_plural = _("aggregates")
        ordering = ["indicator", "scale", "period", "territory"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory", "period"], name="aggregate_unique"
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "scale", "period"], name="aggregate_lookup_idx")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.territory_id} — {self.period}"


class ObservatoryState(models.Model):
    """One row: when the aggregates were last computed."""

    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("figures"), default=0)

    class Meta:
        verbose_name = _("observatory state")
        verbose_name_plural = _("observatory state")

    def __str__(self) -> str:
        return str(self.refreshed_at)
