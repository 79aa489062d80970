"""Listings (offers and requests of skills and time) and the exchanges that answer them.

An exchange moves through ``EXCHANGE_TRANSITIONS`` (services.exchanges); its
confirmation posts one time transfer from the receiver to the giver, in the same
transaction (a unique constraint on ``TimeTransfer.exchange`` makes it at most one).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel

MAX_LISTING_MINUTES = 100_000


class ListingKind(models.TextChoices):
    OFFER = "offer", _("Offer")
    REQUEST = "request", _("Request")


class ListingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class Listing(TimeStampedModel):
    owner = models.ForeignKey(
        "governance.Membership",
        on_delete=models.PROTECT,
        related_name="listings",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ListingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    tags = models.ManyToManyField(
        "pioneers.Skill", blank=True, related_name="listings", verbose_name=_("skills")
    )
    estimated_minutes = models.PositiveIntegerField(_("estimated time (minutes)"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commune (territory)"),
        help_text=_("Resolved from the place by the services."),
    )
    remote = models.BooleanField(_("remote"), default=False)
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="listings",
        verbose_name=_("project"),
    )
    # Set on the request the marketplace keeps for a project's need of this skill
    # (services.project_needs): one per project and skill, opened and closed with the
    # project's state and needs.
    need_skill = models.ForeignKey(
        "pioneers.Skill",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("project need's skill"),
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ListingStatus.choices,
        default=ListingStatus.OPEN,
        db_index=True,
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ListingKind.values), name="listing_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ListingStatus.values), name="listing_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(estimated_minutes__gt=0)
                & Q(estimated_minutes__lte=MAX_LISTING_MINUTES),
                name="listing_minutes_in_range",
            ),
            models.CheckConstraint(
                condition=Q(remote=True) | ~Q(place=""), name="listing_place_or_remote"
            ),
            models.UniqueConstraint(
                fields=["project", "need_skill"],
                condition=Q(need_skill__isnull=False),
                name="listing_one_per_project_need",
            ),
            models.CheckConstraint(
                condition=Q(need_skill__isnull=True) | Q(kind="request", project__isnull=False),
                name="listing_need_is_a_project_request",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "-created_at"], name="listing_search_idx")
        ]

    def __str__(self) -> str:
        return self.title


class ExchangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DONE = "done", _("Done, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    DISPUTED = "disputed", _("Disputed")


OPEN_EXCHANGE_STATUSES = (
    ExchangeStatus.PROPOSED,
    ExchangeStatus.ACCEPTED,
    ExchangeStatus.DONE,
    ExchangeStatus.DISPUTED,
)


class Exchange(TimeStampedModel):
    """A member's answer to a listing. ``giver`` gives the time (the offer's owner or
    the responder to a request), ``receiver`` receives it and confirms."""

    listing = models.ForeignKey(
        Listing, on_delete=models.PROTECT, related_name="exchanges", verbose_name=_("listing")
    )
    responder = models.ForeignKey(
        "governance.Membership",
        on_delete=models.PROTECT,
        related_name="exchanges_answered",
        verbose_name=_("responder"),
    )
    giver = models.ForeignKey(
        "governance.Membership",
        on_delete=models.PROTECT,
        related_name="exchanges_given",
        verbose_name=_("giver of time"),
    )
    receiver = models.ForeignKey(
        "governance.Membership",
        on_delete=models.PROTECT,
        related_name="exchanges_received",
        verbose_name=_("receiver of time"),
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExchangeStatus.choices,
        default=ExchangeStatus.PROPOSED,
        db_index=True,
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExchangeStatus.values), name="exchange_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gt=0) & Q(minutes__lte=MAX_LISTING_MINUTES),
                name="exchange_minutes_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(giver=F("receiver")), name="exchange_distinct_parties"
            ),
            # One open answer per member and listing: a double click makes one exchange.
            models.UniqueConstraint(
                fields=["listing", "responder"],
                condition=Q(status__in=OPEN_EXCHANGE_STATUSES),
                name="exchange_one_open_per_responder",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.listing} ({self.get_status_display()})"


class ExchangeMessage(models.Model):
    exchange = models.ForeignKey(
        Exchange, on_delete=models.CASCADE, related_name="messages", verbose_name=_("exchange")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange message")
        verbose_name_plural = _("exchange messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.pk} on exchange {self.exchange_id}"


class NeedAlert(models.Model):
    """A pioneer was told by e-mail of a project need's request (once per request; the
    alerts service sends at most one e-mail a week per person, several needs in it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="need_alerts", verbose_name=_("listing")
    )
    sent_at = models.DateTimeField(_("sent at"), db_index=True)

    class Meta:
        verbose_name = _("need alert")
        verbose_name_plural = _("need alerts")
        constraints = [
            models.UniqueConstraint(fields=["user", "listing"], name="need_alert_once_per_listing")
        ]
        indexes = [models.Index(fields=["user", "-sent_at"], name="need_alert_user_recent_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.listing_id}"
