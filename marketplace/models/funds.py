"""Free-price contributions (prix libre), the money they bring and where it goes.

Money is integer cents in euros. A ``Fund`` is one target (the cooperative or a
project) and keeps its running totals on its row; ``Payment`` and ``FundAllocation``
rows are its history, append-only (a PostgreSQL trigger refuses UPDATE and DELETE).
``python manage.py funds_check`` proves the totals equal the sums of the history.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel

CURRENCY = "EUR"
CURRENCY_CHOICES = [(CURRENCY, "EUR")]


class ContributionSettings(models.Model):
    """The cooperative's choices for the contribution pages (one row, pk=1)."""

    suggested_amounts_cents = models.JSONField(
        _("suggested amounts (cents)"),
        default=list,
        blank=True,
        help_text=_("A list of amounts in cents, e.g. [1000, 2000, 5000]."),
    )
    min_amount_cents = models.PositiveIntegerField(_("minimum amount (cents)"), default=100)
    max_amount_cents = models.PositiveIntegerField(_("maximum amount (cents)"), default=500_000)
    bank_transfer_instructions = models.TextField(
        _("bank transfer instructions"),
        blank=True,
        help_text=_("Account holder, IBAN and BIC shown to people who pay by transfer."),
    )

    class Meta:
        verbose_name = _("contribution settings")
        verbose_name_plural = _("contribution settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="contribution_settings_singleton"),
            models.CheckConstraint(
                condition=Q(min_amount_cents__gte=1)
                & Q(max_amount_cents__gte=F("min_amount_cents")),
                name="contribution_settings_limits_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Contribution settings"))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        amounts = self.suggested_amounts_cents
        if not isinstance(amounts, list) or not all(
            isinstance(a, int) and not isinstance(a, bool) for a in amounts
        ):
            raise ValidationError(
                {"suggested_amounts_cents": _("Give a list of whole amounts in cents.")}
            )
        outside = [a for a in amounts if not self.min_amount_cents <= a <= self.max_amount_cents]
        if outside:
            raise ValidationError(
                {"suggested_amounts_cents": _("Every suggested amount must be within the limits.")}
            )


class FundKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("The cooperative")
    PROJECT = "project", _("A project")


class Fund(models.Model):
    """The money of one target. Totals are maintained here by the services, under a
    row lock, so pages never sum the history."""

    kind = models.CharField(_("kind"), max_length=20, choices=FundKind.choices)
    project = models.OneToOneField(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund",
        verbose_name=_("project"),
    )
    received_cents = models.BigIntegerField(_("received (cents)"), default=0)
    allocated_cents = models.BigIntegerField(_("allocated (cents)"), default=0)
    # Refunding money already allocated can make this negative: a deficit shown as such.
    available_cents = models.GeneratedField(
        expression=F("received_cents") - F("allocated_cents"),
        output_field=models.BigIntegerField(),
        db_persist=True,
        verbose_name=_("available (cents)"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=FundKind.COOPERATIVE) & Q(project__isnull=True))
                | (Q(kind=FundKind.PROJECT) & Q(project__isnull=False)),
                name="fund_kind_matches_project",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind=FundKind.COOPERATIVE),
                name="fund_one_cooperative_fund",
            ),
            models.CheckConstraint(condition=Q(received_cents__gte=0), name="fund_received_gte_0"),
            models.CheckConstraint(
                condition=Q(allocated_cents__gte=0), name="fund_allocated_gte_0"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == FundKind.COOPERATIVE:
            return str(_("The cooperative"))
        return str(self.project)

    @property
    def target(self) -> dict:
        if self.kind == FundKind.COOPERATIVE:
            return {"type": FundKind.COOPERATIVE.value}
        return {"type": FundKind.PROJECT.value, "id": self.project_id}


class ContributionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    EXPIRED = "expired", _("Expired")
    PROCESSING = "processing", _("Payment processing")
    FAILED = "failed", _("Payment failed")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")


# Events arrive out of order (Stripe retries, parallel deliveries): a contribution only
# ever moves to a state of higher rank, so a late "expired" never undoes a payment and
# a late "completed" never undoes a refund.
STATUS_RANK: dict[str, int] = {
    ContributionStatus.PENDING: 0,
    ContributionStatus.EXPIRED: 1,
    ContributionStatus.PROCESSING: 2,
    ContributionStatus.FAILED: 3,
    ContributionStatus.PAID: 4,
    ContributionStatus.REFUNDED: 5,
}


class ContributionChannel(models.TextChoices):
    STRIPE = "stripe", _("Card (Stripe)")
    MANUAL = "manual", _("Bank transfer, cheque or cash")


class Contribution(TimeStampedModel):
    """A free-price contribution to a fund: pledged, then paid by card or by hand."""

    public_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("fund")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
        verbose_name=_("contributor account"),
    )
    # A contribution to the commons for a resource of the centre: the money goes to the
    # cooperative's fund, earmarked for the resource's authors and upkeep.
    resource = models.ForeignKey(
        "commons.Resource",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("resource"),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    public = models.BooleanField(
        _("listed publicly"),
        default=False,
        help_text=_("Show the name and message on the public funds page."),
    )
    language = models.CharField(_("language"), max_length=8, default="fr")
    amount_cents = models.PositiveIntegerField(_("pledged amount (cents)"))
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default=CURRENCY
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ContributionChannel.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ContributionStatus.choices,
        default=ContributionStatus.PENDING,
        db_index=True,
    )
    amount_received_cents = models.PositiveIntegerField(_("received (cents)"), default=0)
    amount_refunded_cents = models.PositiveIntegerField(_("refunded (cents)"), default=0)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    stripe_session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    receipt_number = models.CharField(
        _("receipt number"), max_length=20, null=True, blank=True, unique=True
    )

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(currency=CURRENCY), name="contribution_in_euros"),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="contribution_amount_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContributionStatus.values), name="contribution_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded_cents__lte=F("amount_received_cents")),
                name="contribution_refund_within_received",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "public", "-created_at"], name="contribution_listing_idx"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount_cents / 100:.2f} {self.currency} → {self.fund}"

    @property
    def public_name(self) -> str:
        if self.public and self.name:
            return self.name
        return str(_("Anonymous contributor"))


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card (Stripe)")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CHEQUE = "cheque", _("Cheque")
    CASH = "cash", _("Cash")


MANUAL_METHODS = [PaymentMethod.BANK_TRANSFER, PaymentMethod.CHEQUE, PaymentMethod.CASH]


class Payment(models.Model):
    """Money that came in (payment) or went back (refund) for a contribution.

    Append-only: a correction is a new row, never an edit."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.PROTECT, related_name="payments"
    )
    # Copied from the contribution so a fund's history is one indexed query.
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("kind"), max_length=10, choices=PaymentKind.choices)
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default=CURRENCY
    )
    reference = models.CharField(_("reference"), max_length=255, blank=True)
    stripe_event_id = models.CharField(max_length=255, blank=True)
    received_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_amount_gt_0"),
            models.CheckConstraint(condition=Q(currency=CURRENCY), name="payment_in_euros"),
            # A contribution is paid once: a retried webhook or a double click on the
            # coordinator's form cannot count the same money twice.
            models.UniqueConstraint(
                fields=["contribution"],
                condition=Q(kind=PaymentKind.PAYMENT),
                name="payment_one_per_contribution",
            ),
            models.UniqueConstraint(
                fields=["method", "reference"],
                condition=Q(kind=PaymentKind.PAYMENT) & ~Q(reference=""),
                name="payment_reference_unique_per_method",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_cents / 100:.2f} {self.currency}"

    @property
    def signed_cents(self) -> int:
        return self.amount_cents if self.kind == PaymentKind.PAYMENT else -self.amount_cents


class FundAllocation(models.Model):
    """Money a coordinator assigned from a fund to a project. Append-only."""

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("from fund")
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="fund_allocations",
        verbose_name=_("project"),
    )
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default=CURRENCY
    )
    allocated_on = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("fund allocation")
        verbose_name_plural = _("fund allocations")
        ordering = ["-allocated_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="allocation_amount_gt_0"),
            models.CheckConstraint(condition=Q(currency=CURRENCY), name="allocation_in_euros"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_cents / 100:.2f} {self.currency} {self.fund} → {self.project}"


class ReceiptCounter(models.Model):
    """The last receipt number given in a year; locked to hand out the next one."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class StripeEvent(models.Model):
    """Each Stripe event id we accepted, inserted in the transaction that applied it:
    the unique id makes a replay (or a parallel delivery) a no-op."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        NO_CHANGE = "no_change", _("No change (stale or duplicate state)")
        IGNORED = "ignored", _("Ignored (type not handled)")
        UNMATCHED = "unmatched", _("No matching contribution")

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    contribution = models.ForeignKey(
        Contribution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stripe_events",
    )
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"
