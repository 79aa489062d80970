"""The commons: the resource centre (with its editorial committee) and « Place à l'acte ».

Resources are *proposed* by anyone signed in and stay invisible to visitors until the
committee decides (``ResourceStatus``); the directory's entries are public at once and
moderated after the fact (reports hide an entry at a threshold). Counters shown often
(reads, feedback, reports) live on the rows and move with ``F()`` under the services.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


class Labelled(models.Model):
    """A vocabulary word edited in French with its English translation."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "fr").startswith("en") and self.label_en:
            return self.label_en
        return self.label_fr


class Axis(Labelled):
    """One of the five axes of the *fiches actions pour la résilience locale* (seed 001)."""

    class Meta(Labelled.Meta):
        verbose_name = _("resilience axis")
        verbose_name_plural = _("resilience axes")


class Audience(Labelled):
    """Who a resource is written for (elected officials, citizen groups…)."""

    class Meta(Labelled.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")


class ResourceKind(models.TextChoices):
    TOOL = "tool", _("Tool")
    METHOD = "method", _("Working method")
    ACTION_SHEET = "action_sheet", _("Action sheet")
    EXPERIENCE = "experience", _("Experience report")
    RECOMMENDATION = "recommendation", _("Recommendation")
    TRAINING = "training", _("Training")
    MEDIA = "media", _("Podcast or video")
    BIBLIOGRAPHY = "bibliography", _("Bibliography entry")


class TerritoryType(models.TextChoices):
    ANY = "any", _("Any territory")
    RURAL = "rural", _("Rural")
    PERIURBAN = "periurban", _("Peri-urban")
    URBAN = "urban", _("Urban")
    MOUNTAIN = "mountain", _("Mountain")
    COASTAL = "coastal", _("Coastal")


class Licence(models.TextChoices):
    """SPDX identifiers. The open ones allow the full text in the open-data export."""

    CC_BY_SA_4 = "CC-BY-SA-4.0", "CC BY-SA 4.0"
    CC_BY_4 = "CC-BY-4.0", "CC BY 4.0"
    CC0 = "CC0-1.0", "CC0 1.0"
    CC_BY_NC_SA_4 = "CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0"
    CC_BY_ND_4 = "CC-BY-ND-4.0", "CC BY-ND 4.0"
    ETALAB_2 = "etalab-2.0", "Licence Ouverte 2.0 (Etalab)"
    RESERVED = "LicenseRef-All-Rights-Reserved", _("All rights reserved")


# Licences that let anyone copy the whole text: the export carries the body only for these.
OPEN_LICENCES = frozenset({"CC-BY-SA-4.0", "CC-BY-4.0", "CC0-1.0", "etalab-2.0"})
LICENCE_URLS = {
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC-BY-NC-SA-4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "CC-BY-ND-4.0": "https://creativecommons.org/licenses/by-nd/4.0/",
    "etalab-2.0": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


class ResourceStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting review")
    TO_REVISE = "to_revise", _("To revise")
    PUBLISHED = "published", _("Published")
    REFUSED = "refused", _("Refused")


class Resource(TimeStampedModel):
    """A shared resource of the centre: visible to visitors only once published."""

    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(_("content (Markdown)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ResourceStatus.choices,
        default=ResourceStatus.PROPOSED,
        db_index=True,
    )
    themes = models.ManyToManyField(
        "pioneers.Theme", blank=True, related_name="resources", verbose_name=_("themes")
    )
    axes = models.ManyToManyField(
        Axis, blank=True, related_name="resources", verbose_name=_("resilience axes")
    )
    audiences = models.ManyToManyField(
        Audience, blank=True, related_name="resources", verbose_name=_("audiences")
    )
    territory = models.CharField(
        _("territory type"),
        max_length=12,
        choices=TerritoryType.choices,
        default=TerritoryType.ANY,
    )
    licence = models.CharField(
        _("licence"), max_length=40, choices=Licence.choices, default=Licence.CC_BY_SA_4
    )
    authors = models.CharField(
        _("authors and organisations"),
        max_length=500,
        help_text=_("Names of the people and organisations who made it, separated by commas."),
    )
    easy_read = models.BooleanField(_("easy to read (facile à lire)"), default=False)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("fr", "Français"), ("en", "English"), ("other", _("Other"))],
        default="fr",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggested_resources",
        verbose_name=_("suggested by"),
    )
    session = models.ForeignKey(
        "CommitteeSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda",
        verbose_name=_("committee session"),
    )
    # Each resubmission after « to revise » opens a new review round; only the current
    # round's reviews count towards a decision.
    review_round = models.PositiveSmallIntegerField(_("review round"), default=1)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    read_count = models.PositiveIntegerField(_("reads"), default=0)
    feedback_count = models.PositiveIntegerField(_("feedback"), default=0)
    used_count = models.PositiveIntegerField(_("used it"), default=0)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    rating_sum = models.PositiveIntegerField(_("sum of ratings"), default=0)
    # Accent-folded, lower-case words of the searchable fields, kept by the services:
    # the search fallback where PostgreSQL full-text search is not available.
    search_text = models.TextField(editable=False, blank=True)
    # PostgreSQL only (NULL elsewhere): unaccent + the french configuration.
    search_document = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"], name="resource_public_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ResourceStatus.values), name="resource_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(used_count__lte=F("feedback_count"))
                & Q(rating_count__lte=F("feedback_count")),
                name="resource_feedback_counts_consistent",
            ),
            models.CheckConstraint(
                condition=Q(rating_sum__lte=F("rating_count") * 5)
                & Q(rating_sum__gte=F("rating_count")),
                name="resource_rating_sum_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ResourceStatus.PUBLISHED

    @property
    def is_open_licence(self) -> bool:
        return self.licence in OPEN_LICENCES

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None

    @property
    def author_list(self) -> list[str]:
        return [a.strip() for a in self.authors.split(",") if a.strip()]


class ResourceLink(models.Model):
    """A link of a resource (a website, a podcast or a video: never an embedded player)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("address"), max_length=500)
    label = models.CharField(_("label"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label or self.url


class ResourceFile(models.Model):
    """A file of a resource, checked by its content (backend/core/uploads.py)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="commons/files/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ResourceFeedback(TimeStampedModel):
    """What a user says of a resource: a comment and a self-assessment (one per person)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resource_feedback"
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    used = models.BooleanField(_("I used it"), default=False)
    rating = models.PositiveSmallIntegerField(
        _("how well it worked (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "user"], name="one_feedback_per_person"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="feedback_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.rating}"


# ---------------------------------------------------------------- editorial committee


class CommitteeMember(models.Model):
    """A seat on the editorial committee, appointed by the coordinator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee_seats"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointed_at = models.DateTimeField(_("appointed at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["appointed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(ended_at__isnull=True), name="one_active_seat"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class CommitteeSession(TimeStampedModel):
    """A meeting of the committee (quarterly by default) whose agenda is proposed resources."""

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("committee session")
        verbose_name_plural = _("committee sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ReviewCriterion(Labelled):
    """A line of the published review grid; a ``required`` one must reach ``pass_value``."""

    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    required = models.BooleanField(_("must pass"), default=False)
    pass_value = models.PositiveSmallIntegerField(_("value needed to pass"), default=2)

    class Meta(Labelled.Meta):
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")

    @property
    def description(self) -> str:
        if (get_language() or "fr").startswith("en") and self.description_en:
            return self.description_en
        return self.description_fr


class ReviewLevel(models.Model):
    """A step of a criterion's scale (0 = absent … 3 = excellent) and what it means."""

    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField(_("value"), validators=[MaxValueValidator(10)])
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("grid level")
        verbose_name_plural = _("grid levels")
        ordering = ["criterion", "value"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "value"], name="review_level_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "fr").startswith("en") and self.label_en:
            return self.label_en
        return self.label_fr


class Recommendation(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    REVISE = "revise", _("Revise")
    REFUSE = "refuse", _("Refuse")


class Review(TimeStampedModel):
    """One committee member's review of one round of a resource, on the grid."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="resource_reviews"
    )
    review_round = models.PositiveSmallIntegerField(_("review round"))
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices
    )
    comment = models.TextField(_("comment for the authors"), blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "reviewer", "review_round"], name="one_review_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_id}/{self.review_round}: {self.recommendation}"


class ReviewMark(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("mark"))

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        ordering = ["criterion__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_mark_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class ResourceDecision(models.Model):
    """The committee's decision on a round, with its reasons: published, append-only."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="decisions")
    review_round = models.PositiveSmallIntegerField(_("review round"))
    outcome = models.CharField(
        _("decision"),
        max_length=12,
        choices=[(s.value, s.label) for s in ResourceStatus if s != ResourceStatus.PROPOSED],
    )
    reasons = models.TextField(_("reasons"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.outcome}"


# ---------------------------------------------------------------- Place à l'acte


class EntryKind(models.TextChoices):
    TOOL = "tool", _("Tool")
    INITIATIVE = "initiative", _("Initiative")
    ACTION = "action", _("Action")
    IDEA = "idea", _("Idea")
    EVENT = "event", _("Event")


class EntryStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden pending review")
    REMOVED = "removed", _("Removed")


class Entry(TimeStampedModel):
    """An entry of the participatory directory « Place à l'acte »."""

    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    website_url = models.URLField(_("website"), max_length=500, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
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
    # An event is self-contained (dates and place) until the events app can be linked:
    # ``event_ref`` is kept for that link (the id of an event there), unused for now.
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    event_ref = models.PositiveIntegerField(null=True, blank=True, editable=False)
    pioneers = models.ManyToManyField(
        "pioneers.Pioneer", blank=True, related_name="directory_entries"
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="directory_entries"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EntryStatus.choices,
        default=EntryStatus.VISIBLE,
        db_index=True,
    )
    # Reports since the last moderation decision; a restore starts a new count.
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    moderation_round = models.PositiveIntegerField(default=1, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    external_id = models.CharField(_("external id"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_entries",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        ordering = ["title", "id"]
        indexes = [
            models.Index(fields=["status", "title", "id"], name="entry_list_idx"),
            models.Index(fields=["latitude", "longitude"], name="entry_position_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="entry_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values), name="entry_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90)
                    & Q(latitude__lte=90)
                    & Q(longitude__gte=-180)
                    & Q(longitude__lte=180)
                ),
                name="entry_position_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EntryRevision(models.Model):
    """A version of an entry as saved by someone: the history, append-only."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(_("content"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("entry revision")
        verbose_name_plural = _("entry revisions")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "version"], name="entry_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.version}"


class ReportReason(models.TextChoices):
    WRONG = "wrong", _("Wrong or outdated information")
    SPAM = "spam", _("Advertising or spam")
    OFFENSIVE = "offensive", _("Offensive or illegal content")
    DUPLICATE = "duplicate", _("Duplicate")
    OTHER = "other", _("Other")


class EntryReport(models.Model):
    """A reader's report on an entry (one per person per moderation round)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_reports"
    )
    moderation_round = models.PositiveIntegerField()
    reason = models.CharField(_("reason"), max_length=12, choices=ReportReason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "reporter", "moderation_round"], name="one_report_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.reason}"


class ModerationAction(models.TextChoices):
    HIDDEN = "hidden", _("Hidden by reports")
    RESTORED = "restored", _("Restored")
    REMOVED = "removed", _("Removed")


class EntryModeration(models.Model):
    """What moderation did to an entry and why (append-only)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="moderations")
    action = models.CharField(_("action"), max_length=10, choices=ModerationAction.choices)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation")
        verbose_name_plural = _("moderations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.action}"
