from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


class AssemblyKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    EXTRAORDINARY = "extraordinary", _("Extraordinary")


class AssemblyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONVENED = "convened", _("Convened")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Assembly(TimeStampedModel):
    """A general assembly of the cooperative."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=14, choices=AssemblyKind.choices, default=AssemblyKind.ORDINARY
    )
    convocation = models.PositiveSmallIntegerField(
        _("convocation"),
        choices=[(1, _("First convocation")), (2, _("Second convocation"))],
        default=1,
    )
    date = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    description = models.TextField(_("presentation"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssemblyStatus.choices,
        default=AssemblyStatus.DRAFT,
        db_index=True,
    )
    convened_on = models.DateField(_("convened on"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Frozen when the assembly opens: the denominator of the quorum.
    members_with_voting_rights = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("general assembly")
        verbose_name_plural = _("general assemblies")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(convocation__in=[1, 2]), name="assembly_convocation_1_or_2"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"


class AssemblyDocument(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to="assemblies/%Y/",
        validators=[FileExtensionValidator(["pdf", "odt", "docx", "txt", "md"])],
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assembly document")
        verbose_name_plural = _("assembly documents")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """A member present at the assembly (in person, online, or checked in by the coordinator)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="attendances")
    membership = models.ForeignKey(
        "governance.Membership", on_delete=models.PROTECT, related_name="attendances"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance sheet")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "membership"], name="attend_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}@{self.assembly_id}"


class Proxy(models.Model):
    """A member (giver) asks another (holder) to vote for them at one assembly."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="proxies")
    giver = models.ForeignKey(
        "governance.Membership",
        on_delete=models.PROTECT,
        related_name="proxies_given",
        verbose_name=_("member represented"),
    )
    holder = models.ForeignKey(
        "governance.Membership",
        on_delete=models.PROTECT,
        related_name="proxies_held",
        verbose_name=_("proxy holder"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "giver"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_proxy_per_giver",
            ),
            models.CheckConstraint(
                condition=~Q(giver=models.F("holder")), name="proxy_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver_id} → {self.holder_id}"


class Majority(models.TextChoices):
    SIMPLE = "simple", _("Simple majority (more than half)")
    TWO_THIRDS = "two_thirds", _("Two-thirds majority")


class ResolutionStatus(models.TextChoices):
    DRAFT = "draft", _("Not yet voted")
    OPEN = "open", _("Vote open")
    CLOSED = "closed", _("Vote closed")


class Resolution(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="resolutions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    majority = models.CharField(
        _("required majority"), max_length=10, choices=Majority.choices, default=Majority.SIMPLE
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ResolutionStatus.choices, default=ResolutionStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    quorum_reached = models.BooleanField(null=True)
    quorum_ratio = models.FloatField(null=True, blank=True)
    # Stored at close: never recounted on reads.
    adopted = models.BooleanField(null=True)
    weighted_yes = models.FloatField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["assembly", "position", "id"]

    def __str__(self) -> str:
        return self.title


class VoteChoice(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")


class ResolutionVote(models.Model):
    """One member's vote on a resolution, cast by themselves or by their proxy holder."""

    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(
        "governance.Membership", on_delete=models.PROTECT, related_name="resolution_votes"
    )
    cast_by = models.ForeignKey("governance.Membership", on_delete=models.PROTECT, related_name="+")
    # The member's college when they voted: the counting weighs by it.
    college = models.ForeignKey("governance.College", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=VoteChoice.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("resolution vote")
        verbose_name_plural = _("resolution votes")
        constraints = [
            models.UniqueConstraint(fields=["resolution", "member"], name="one_vote_per_member"),
        ]
        indexes = [models.Index(fields=["resolution", "college", "choice"])]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.choice}"
