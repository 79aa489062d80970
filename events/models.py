"""The cooperative's calendar: events, registrations (with a waiting list), minutes,
and the secret token of each member's private iCalendar feed."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


class EventKind(models.TextChoices):
    CONVIVIAL = "convivial", _("Convivial gathering")
    WORK_MEETING = "work_meeting", _("Project work meeting")
    NETWORK_MEETING = "network_meeting", _("Network meeting")
    SEMINAR = "seminar", _("Seminar")
    TRAINING = "training", _("Training")


# Kinds that close only with their minutes.
KINDS_WITH_MINUTES = (EventKind.WORK_MEETING, EventKind.NETWORK_MEETING)


class EventVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members")
    PROJECT_TEAM = "project_team", _("Project team")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Planned")
    CLOSED = "closed", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Event(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True, db_index=True)
    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commune (territory)"),
        help_text=_("Resolved from the commune by the services."),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Empty: registrations close when the event starts."),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=20,
        choices=EventVisibility.choices,
        default=EventVisibility.MEMBERS,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EventStatus.choices,
        default=EventStatus.SCHEDULED,
        db_index=True,
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("project"),
    )
    assembly = models.ForeignKey(
        "governance.Assembly",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seminars",
        verbose_name=_("assembly"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Minutes, written when the event is closed.
    minutes = models.TextField(_("meeting minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    closed_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(kind="work_meeting") | Q(project__isnull=False),
                name="event_work_meeting_has_project",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=~Q(visibility="project_team") | Q(project__isnull=False),
                name="event_project_team_has_project",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        try:
            return reverse("events:detail", kwargs={"pk": self.pk})
        except NoReverseMatch:
            return ""

    @property
    def needs_minutes(self) -> bool:
        return self.kind in KINDS_WITH_MINUTES

    @property
    def has_minutes(self) -> bool:
        return self.status == EventStatus.CLOSED and bool(self.minutes)


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_REGISTRATION = Q(status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED])


class Registration(TimeStampedModel):
    """One person's place at an event. The waiting list is ordered by ``id``: rows are
    created under the event's row lock, so their ids follow the order of arrival."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, db_index=True
    )
    attended = models.BooleanField(_("attended"), default=False)
    promoted_at = models.DateTimeField(
        _("promoted from the waiting list at"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["registered", "waitlisted"]),
                name="registration_one_active_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.user_id} ({self.status})"


class CalendarToken(models.Model):
    """The secret of a member's private iCalendar feed; regenerating it revokes the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_token",
        verbose_name=_("person"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")

    def __str__(self) -> str:
        return f"{self.user_id}"
