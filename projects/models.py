from django.conf import settings
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
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        try:
            return reverse("projects:detail", kwargs={"slug": self.slug})
        except NoReverseMatch:  # the projects pages are not installed yet
            return ""
