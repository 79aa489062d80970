from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


class TranslatedLabel(models.Model):
    """A label the coordinator edits in French, with its English translation."""

    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "fr").startswith("en") and self.label_en:
            return self.label_en
        return self.label_fr


class ThemeGroup(models.TextChoices):
    BOUNDARY = "boundary", _("Planetary boundary")
    RESILIENCE = "resilience", _("Resilience")


class Theme(TranslatedLabel):
    """What a solution acts on: a planetary boundary or a resilience theme (seed 002)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    group = models.CharField(_("group"), max_length=12, choices=ThemeGroup.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "slug"]


class Skill(models.Model):
    """A skill a person can share; a tag the marketplace reuses for its listings."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Visibility(models.IntegerChoices):
    """Who sees a field. Ordered: a viewer of level N sees every field of level ≤ N."""

    PUBLIC = 0, _("Everyone")
    MEMBERS = 1, _("Members of the cooperative")
    PRIVATE = 2, _("Only me and the coordinator")


def _visibility_field(default: int = Visibility.PUBLIC) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=default
    )


class Pioneer(TimeStampedModel):
    """A *fiche pionnier*: a person (or an imported initiative) and the solution they carry.

    ``updated_at`` is the freshness the "profile" duty checks. Fields come in groups whose
    visibility the owner chooses (``<group>_visibility``); ``pioneers.visibility`` is the one
    place that reads them.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pioneer",
        verbose_name=_("person"),
    )
    external_id = models.CharField(
        _("external id"),
        max_length=120,
        blank=True,
        help_text=_("Identifier in the catalogue it was imported from (re-imports match it)."),
    )
    display_name = models.CharField(_("display name"), max_length=150)
    solution_title = models.CharField(_("solution"), max_length=200)
    solution_description = models.TextField(_("description of the solution"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="pioneers/photos/", blank=True)
    video_url = models.URLField(_("video"), max_length=500, blank=True)
    website_url = models.URLField(_("website"), max_length=500, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    department = models.CharField(_("department"), max_length=3, blank=True, db_index=True)
    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commune (territory)"),
        help_text=_("Resolved from the commune and postcode by the services."),
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="pioneers")
    skills = models.ManyToManyField(Skill, blank=True, related_name="pioneers")
    # Kept by the services so that the SQL search needs no join.
    skills_text = models.CharField(max_length=1000, blank=True, editable=False)

    photo_visibility = _visibility_field()
    description_visibility = _visibility_field()
    links_visibility = _visibility_field()
    location_visibility = _visibility_field()
    position_visibility = _visibility_field()
    skills_visibility = _visibility_field()
    contact_visibility = _visibility_field(Visibility.MEMBERS)

    # Full-text documents on PostgreSQL (NULL elsewhere), one per viewer level so that a
    # search never matches a field the viewer may not see. Written by the services.
    search_public = SearchVectorField(null=True, editable=False)
    search_members = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("pioneer")
        verbose_name_plural = _("pioneers")
        ordering = ["display_name", "id"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="pioneer_position_idx"),
            models.Index(fields=["commune"], name="pioneer_commune_idx"),
            # The directory's order: a page is an index range, not a sort of every profile.
            models.Index(fields=["display_name", "id"], name="pioneer_directory_order_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="pioneer_unique_external_id",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90)
                    & Q(latitude__lte=90)
                    & Q(longitude__gte=-180)
                    & Q(longitude__lte=180)
                ),
                name="pioneer_position_in_range",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{group}_visibility__lte": Visibility.PRIVATE}),
                    name=f"pioneer_{group}_visibility_valid",
                )
                for group in (
                    "photo",
                    "description",
                    "links",
                    "location",
                    "position",
                    "skills",
                    "contact",
                )
            ],
        ]

    def __str__(self) -> str:
        return self.display_name


# ---------------------------------------------------------------- admission


class Criterion(TranslatedLabel):
    """One of the admission criteria of seed 002, scored on its own published scale."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("admission criterion")
        verbose_name_plural = _("admission criteria")
        ordering = ["position", "slug"]

    @property
    def description(self) -> str:
        if (get_language() or "fr").startswith("en") and self.description_en:
            return self.description_en
        return self.description_fr


class CriterionLevel(TranslatedLabel):
    """A step of a criterion's scale: its value (the score) and what it means."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField(_("value"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        ordering = ["criterion", "value"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "value"], name="criterion_level_unique")
        ]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    MORE_INFO = "more_info", _("More information needed")
    ADMITTED = "admitted", _("Admitted")
    DECLINED = "declined", _("Declined")


OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFO)


class Application(TimeStampedModel):
    """A person's application to join the pioneers, scored on the criteria."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pioneer_applications",
        verbose_name=_("candidate"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    display_name = models.CharField(_("display name"), max_length=150)
    solution_title = models.CharField(_("solution"), max_length=200)
    solution_description = models.TextField(_("description of the solution"))
    motivation = models.TextField(_("motivation"), blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    video_url = models.URLField(_("video"), max_length=500, blank=True)
    website_url = models.URLField(_("website"), max_length=500, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="applications")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pioneer application")
        verbose_name_plural = _("pioneer applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["submitted", "more_info"]),
                name="one_open_application_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} — {self.solution_title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ApplicationScore(TimeStampedModel):
    """One juror's score of one application on one criterion (a juror may revise it)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("mark"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("scores")
        ordering = ["criterion__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion", "scorer"], name="one_score_per_juror"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class ApplicationDecision(models.Model):
    """A decision on an application, with its reason (append-only history)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(
        _("decision"),
        max_length=12,
        choices=[(s.value, s.label) for s in ApplicationStatus if s != "submitted"],
    )
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.outcome}"


# ---------------------------------------------------------------- import


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(TimeStampedModel):
    """An uploaded catalogue imported by a Celery task; its progress is shown on a page."""

    file = models.FileField(_("file"), upload_to="pioneers/imports/")
    original_name = models.CharField(_("file name"), max_length=255)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    rejected = models.JSONField(_("rejected rows"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="import_progress_within_total",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
