from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    ACCEPTED_FOR_VOTE = "accepted_for_vote", _("Accepted for a vote")
    DECLINED = "declined", _("Declined")
    RETURNED = "returned", _("Returned for changes")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    ABANDONED = "abandoned", _("Abandoned")


class Project(TimeStampedModel):
    """A common-good project proposed by pioneers (the lifecycle rules live in services)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProjectStatus.choices,
        default=ProjectStatus.DRAFT,
        db_index=True,
    )
    estimated_cost_cents = models.PositiveBigIntegerField(_("estimated cost (cents)"), default=0)
    self_financing_cents = models.PositiveBigIntegerField(
        _("possible self-financing (cents)"), default=0
    )
    self_financing_note = models.TextField(_("self-financing explanation"), blank=True)
    # What the needs (``ProjectNeed``: a skill and the hours wanted) do not say: free
    # text, and the names of skills the platform did not know when needs became tags.
    needs_note = models.CharField(
        _("note on the needs"),
        max_length=500,
        blank=True,
        help_text=_("What the needs listed above do not say."),
    )
    needed_minutes = models.PositiveIntegerField(_("needed time (minutes)"), default=0)
    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commune (territory)"),
        help_text=_("The commune of the pioneer who proposed it, resolved by the services."),
    )
    # Maintained by the concern services with F() updates (never counted on reads).
    concern_count = models.PositiveIntegerField(_("pioneers concerned"), default=0)
    concern_share = models.FloatField(_("share of active pioneers concerned"), default=0.0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    themes = models.ManyToManyField(
        "pioneers.Theme", related_name="projects", verbose_name=_("themes"), blank=True
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="authored_projects",
        verbose_name=_("authors"),
        blank=True,
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(self_financing_cents__lte=models.F("estimated_cost_cents"))
                | Q(estimated_cost_cents=0),
                name="project_self_financing_within_cost",
            ),
            models.CheckConstraint(
                condition=Q(concern_share__gte=0) & Q(concern_share__lte=1),
                name="project_concern_share_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        try:
            return reverse("projects:detail", kwargs={"slug": self.slug})
        except NoReverseMatch:  # the projects pages are not installed yet
            return ""

    @property
    def skills_list(self) -> list[str]:
        """The names of the needed skills (prefetch ``needs__skill`` to read it in a list)."""
        return [need.skill.name for need in self.needs.all()]


class ProjectNeed(TimeStampedModel):
    """A skill a project needs and the time it wants of it (integer minutes).

    ``given_minutes`` counts the minutes of confirmed exchanges on the need's request in
    the place des marchés; the marketplace's services raise it with F() (never summed on
    reads).
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="needs", verbose_name=_("project")
    )
    skill = models.ForeignKey(
        "pioneers.Skill",
        on_delete=models.PROTECT,
        related_name="project_needs",
        verbose_name=_("skill"),
    )
    minutes_wanted = models.PositiveIntegerField(_("time wanted (minutes)"))
    given_minutes = models.PositiveIntegerField(_("time given (minutes)"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("project need")
        verbose_name_plural = _("project needs")
        ordering = ["skill__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "skill"], name="project_need_one_per_skill"),
            models.CheckConstraint(
                condition=Q(minutes_wanted__gte=60), name="project_need_at_least_one_hour"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.skill_id} ({self.minutes_wanted} min)"


class ProjectTransition(models.Model):
    """One step of a project's lifecycle: who moved it, from where to where, when, why."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("project")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ProjectStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ProjectStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    # A start of a project that was not first of the published ranking (its reason public).
    out_of_order = models.BooleanField(_("started out of the ranking's order"), default=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("project transition")
        verbose_name_plural = _("project transitions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_status} → {self.to_status}"


ATTACHMENT_EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "webp", "odt", "ods", "txt", "md", "csv"]
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024


class ProjectAttachment(TimeStampedModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("project")
    )
    file = models.FileField(
        _("file"),
        upload_to="projects/%Y/%m/",
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size_bytes__lte=ATTACHMENT_MAX_BYTES), name="attachment_size_limit"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.file.name


class ConcernFlag(models.Model):
    """A pioneer said "this project concerns me" (revocable: the row is deleted)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="concern_flags")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_concerns"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("concern flag")
        verbose_name_plural = _("concern flags")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_concern_per_pioneer")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.project_id}"


class Comment(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=5000)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_person")
        ]

    def __str__(self) -> str:
        return self.reason[:60]


class ProjectUpdate(TimeStampedModel):
    """Follow-up news of a selected project, with its progress."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"), max_length=10000)
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="update_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["position", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class RankingSnapshot(models.Model):
    """A ranking the coordinator published: its weights, note and every entry, kept forever."""

    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True, db_index=True)
    weight_concern = models.PositiveSmallIntegerField(_("weight: pioneers concerned"))
    weight_cost = models.PositiveSmallIntegerField(_("weight: estimated cost"))
    weight_self_financing = models.PositiveSmallIntegerField(_("weight: self-financing"))
    active_pioneers = models.PositiveIntegerField(_("active pioneers"), default=0)
    note = models.TextField(_("note"), blank=True)
    # Weights of the optional published criteria (``projects.ranking_criteria``) that
    # were above 0; empty means the three main criteria only.
    extra_weights = models.JSONField(_("weights of optional criteria"), default=dict, blank=True)

    class Meta:
        verbose_name = _("published ranking")
        verbose_name_plural = _("published rankings")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_concern__gt=0)
                | Q(weight_cost__gt=0)
                | Q(weight_self_financing__gt=0),
                name="ranking_some_weight",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.published_at:%Y-%m-%d %H:%M}"


class RankingEntry(models.Model):
    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="ranking_entries")
    rank = models.PositiveIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    criteria = models.JSONField(_("criteria"), default=dict)
    moved = models.BooleanField(_("moved by the coordinator"), default=False)
    justification = models.TextField(_("justification"), blank=True)

    class Meta:
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        ordering = ["snapshot", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "project"], name="one_entry_per_project"),
            models.CheckConstraint(
                condition=~Q(moved=True) | ~Q(justification=""), name="move_needs_justification"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.project_id}"
