from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel
from backend.core.money import format_cents

WEIGHT_MIN = Decimal(10)
WEIGHT_MAX = Decimal(50)


class LegalForm(models.TextChoices):
    SCIC_SA = "scic_sa", _("SCIC SA")
    SCIC_SAS = "scic_sas", _("SCIC SAS")
    SCIC_SARL = "scic_sarl", _("SCIC SARL")


class CooperativeSettings(models.Model):
    """The cooperative's own parameters: one row (pk=1), edited in the admin."""

    name = models.CharField(_("name"), max_length=200, default="Terreau")
    legal_form = models.CharField(
        _("legal form"), max_length=12, choices=LegalForm.choices, default=LegalForm.SCIC_SAS
    )
    share_nominal_cents = models.PositiveIntegerField(
        _("nominal value of a share (cents)"),
        default=5000,
        validators=[MinValueValidator(1)],
    )
    min_shares = models.PositiveIntegerField(
        _("minimum shares per member"), default=1, validators=[MinValueValidator(1)]
    )
    max_shares = models.PositiveIntegerField(
        _("maximum shares per member (statutory cap)"),
        default=100,
        validators=[MinValueValidator(1)],
        help_text=_("A subscription online may not take a member above this number of shares."),
    )
    profile_freshness_months = models.PositiveSmallIntegerField(
        _("profile freshness period (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    assembly_notice_days = models.PositiveSmallIntegerField(
        _("assembly notice period (days)"), default=15, validators=[MaxValueValidator(365)]
    )
    max_proxies_per_holder = models.PositiveSmallIntegerField(
        _("maximum proxies per holder"), default=2, validators=[MaxValueValidator(100)]
    )
    # Quorum thresholds in percent of the members with voting rights (SCIC SA defaults).
    quorum_ordinary_first = models.DecimalField(
        _("quorum, ordinary assembly, first convocation (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    quorum_ordinary_second = models.DecimalField(
        _("quorum, ordinary assembly, second convocation (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    quorum_extraordinary_first = models.DecimalField(
        _("quorum, extraordinary assembly, first convocation (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(25),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    quorum_extraordinary_second = models.DecimalField(
        _("quorum, extraordinary assembly, second convocation (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    silent_college_counts_as_no = models.BooleanField(
        _("a college that casts no vote counts as 0 % yes"),
        default=False,
        help_text=_("Otherwise its weight is shared among the colleges that voted."),
    )
    # Issue 15 §2: projects are carried out one by one, in order of impact.
    max_projects_in_progress = models.PositiveSmallIntegerField(
        _("maximum projects in progress at a time"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Starting one more project than this is refused."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cooperative settings")
        verbose_name_plural = _("cooperative settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="cooperative_settings_singleton"),
            models.CheckConstraint(
                condition=Q(share_nominal_cents__gte=1), name="share_value_positive"
            ),
            models.CheckConstraint(condition=Q(min_shares__gte=1), name="min_shares_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_legal_form_display()})"

    @classmethod
    def load(cls) -> "CooperativeSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class College(TimeStampedModel):
    """A voting college of the SCIC; its weight counts whatever the number of its members."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    vote_weight = models.DecimalField(
        _("vote weight (%)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(WEIGHT_MIN), MaxValueValidator(WEIGHT_MAX)],
        help_text=_("Between 10 and 50. Active colleges must add up to 100."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_pioneers = models.BooleanField(
        _("pioneers' college"),
        default=False,
        help_text=_("Admitted pioneers join this college (the beneficiaries)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("college")
        verbose_name_plural = _("colleges")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(vote_weight__gte=WEIGHT_MIN) & Q(vote_weight__lte=WEIGHT_MAX),
                name="college_weight_between_10_and_50",
            ),
            models.UniqueConstraint(
                fields=["is_pioneers"],
                condition=Q(is_pioneers=True),
                name="one_pioneers_college",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    MEMBER = "member", _("Member")
    RESIGNED = "resigned", _("Resigned")
    EXCLUDED = "excluded", _("Excluded")
    DECLINED = "declined", _("Application declined")


class MembershipKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(status=MembershipStatus.MEMBER)


class Membership(TimeStampedModel):
    """A person, or an organisation represented by a person, in one college at a time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="membership",
        verbose_name=_("person"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=MembershipKind.choices, default=MembershipKind.PERSON
    )
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    college = models.ForeignKey(
        College, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("college")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MembershipStatus.choices,
        default=MembershipStatus.CANDIDATE,
        db_index=True,
    )
    number = models.PositiveIntegerField(_("membership number"), null=True, blank=True, unique=True)
    motivation = models.TextField(_("motivation"), blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # Maintained by the share services (never summed on reads): paid shares minus refunds.
    shares_held = models.IntegerField(_("shares held"), default=0)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shares_held__gte=0), name="shares_held_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind="organisation") | ~Q(organisation_name=""),
                name="organisation_has_a_name",
            ),
            models.CheckConstraint(
                condition=~Q(status="member") | Q(number__isnull=False),
                name="member_has_a_number",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        person = self.user.display_name
        if self.kind == MembershipKind.ORGANISATION:
            return f"{self.organisation_name} ({person})"
        return person


class MembershipEvent(models.Model):
    """Dated history of a membership: status and college changes (append-only)."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        COLLEGE = "college", _("College change")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    from_value = models.CharField(_("from"), max_length=120, blank=True)
    to_value = models.CharField(_("to"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership history")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.from_value} → {self.to_value}"


class SharePayment(models.TextChoices):
    RECORDED = "recorded", _("Recorded by the coordinator")
    STRIPE = "stripe", _("Card (Stripe Checkout)")
    TRANSFER = "transfer", _("Bank transfer")


class ShareSubscriptionStatus(models.TextChoices):
    SUBSCRIBED = "subscribed", _("Subscribed, payment due")
    PAID = "paid", _("Paid up")
    CANCELLED = "cancelled", _("Subscription cancelled")


class ShareSubscription(models.Model):
    """Capital shares subscribed by a member, at the nominal value of the day.

    Subscribed and paid are recorded separately: ``paid_on`` stays empty until the
    money arrives (Stripe's webhook, or the coordinator recording a bank transfer)."""

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="subscriptions"
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_value_cents = models.PositiveIntegerField(_("unit value (cents)"))
    subscribed_on = models.DateField(_("subscribed on"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=120, blank=True)
    payment_method = models.CharField(
        _("payment"), max_length=10, choices=SharePayment.choices, default=SharePayment.RECORDED
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    checkout_url = models.URLField(_("checkout URL"), max_length=1000, blank=True)
    stripe_session_id = models.CharField(
        _("Stripe Checkout Session"), max_length=255, blank=True, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("share subscription")
        verbose_name_plural = _("share subscriptions")
        ordering = ["subscribed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="subscription_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_value_cents__gte=1), name="subscription_value_positive"
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(paid_on__gte=F("subscribed_on")),
                name="subscription_paid_after_subscribed",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(cancelled_on__isnull=True),
                name="subscription_paid_or_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {format_cents(self.unit_value_cents)}"

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_value_cents

    @property
    def status(self) -> str:
        if self.paid_on is not None:
            return ShareSubscriptionStatus.PAID
        if self.cancelled_on is not None:
            return ShareSubscriptionStatus.CANCELLED
        return ShareSubscriptionStatus.SUBSCRIBED

    def get_status_display(self) -> str:
        return str(ShareSubscriptionStatus(self.status).label)


class ShareRefund(models.Model):
    """Shares paid back to a member (usually on departure)."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="refunds")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_value_cents = models.PositiveIntegerField(_("unit value (cents)"))
    refunded_on = models.DateField(_("refunded on"))
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("share refund")
        verbose_name_plural = _("share refunds")
        ordering = ["refunded_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="refund_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"-{self.quantity} × {format_cents(self.unit_value_cents)}"

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_value_cents


class Charter(models.Model):
    """A version of the ethical charter; the latest published one is current."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("charter")
        verbose_name_plural = _("charter versions")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class CharterAcceptance(models.Model):
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="charter_acceptances"
    )
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("charter acceptance")
        verbose_name_plural = _("charter acceptances")
        constraints = [
            models.UniqueConstraint(fields=["membership", "charter"], name="accept_charter_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} → v{self.charter_id}"


class DutyReminder(models.Model):
    """A reminder e-mail sent about one unmet duty (at most one per duty per 30 days)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reminders")
    duty = models.CharField(_("duty"), max_length=40)
    sent_at = models.DateTimeField(_("sent at"), db_index=True)

    class Meta:
        verbose_name = _("duty reminder")
        verbose_name_plural = _("duty reminders")
        indexes = [models.Index(fields=["membership", "duty", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.membership_id}:{self.duty}@{self.sent_at:%Y-%m-%d}"


# Django finds an app's models through this module.
from governance.assemblies.models import (  # noqa: E402, F401
    Assembly,
    AssemblyDocument,
    Attendance,
    Proxy,
    Resolution,
    ResolutionVote,
)
from governance.representative.models import (  # noqa: E402, F401
    Candidacy,
    Mandate,
    RepresentativeElection,
)
from governance.threads.models import CoordinatorThread, ThreadMessage  # noqa: E402, F401
from governance.votes.models import *  # noqa: E402,F403
