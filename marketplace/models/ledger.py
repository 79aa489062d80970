"""The time ledger: one account per member, per project and for the cooperative, and the
append-only transfers that move minutes between them.

The balance lives on the account row (read in O(1)) and only
``marketplace.services.ledger`` changes it, in the same transaction that appends the
transfer; the database refuses a balance below the account's credit limit.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel

# A member may owe up to 20 hours to the community; projects and the cooperative
# start at 0 (a coordinator may configure another limit per account).
MEMBER_CREDIT_LIMIT_MINUTES = 20 * 60


class TimeAccountKind(models.TextChoices):
    MEMBER = "member", _("Member")
    PROJECT = "project", _("Project")
    COOPERATIVE = "cooperative", _("Cooperative")


class TimeAccount(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=12, choices=TimeAccountKind.choices)
    owner_member = models.OneToOneField(
        "governance.Membership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="time_account",
        verbose_name=_("member"),
    )
    project = models.OneToOneField(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="time_account",
        verbose_name=_("project"),
    )
    balance_minutes = models.IntegerField(_("balance (minutes)"), default=0)
    credit_limit_minutes = models.PositiveIntegerField(_("credit limit (minutes)"), default=0)

    class Meta:
        verbose_name = _("time account")
        verbose_name_plural = _("time accounts")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_minutes__gte=-F("credit_limit_minutes")),
                name="time_account_within_credit_limit",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="member", owner_member__isnull=False, project__isnull=True)
                    | Q(kind="project", owner_member__isnull=True, project__isnull=False)
                    | Q(kind="cooperative", owner_member__isnull=True, project__isnull=True)
                ),
                name="time_account_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="cooperative"),
                name="time_account_one_cooperative",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == TimeAccountKind.MEMBER and self.owner_member_id:
            return self.owner_member.display_name
        if self.kind == TimeAccountKind.PROJECT and self.project_id:
            return str(self.project)
        return str(_("The cooperative"))

    @property
    def available_minutes(self) -> int:
        """Minutes the account can still pay before reaching its credit limit."""
        return self.balance_minutes + self.credit_limit_minutes


class TimeTransfer(models.Model):
    """Minutes moved from ``payer`` to ``payee``; never updated nor deleted (a trigger
    refuses it on PostgreSQL): a correction is a new transfer that ``reverses`` it."""

    payer = models.ForeignKey(
        TimeAccount, on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("from")
    )
    payee = models.ForeignKey(
        TimeAccount, on_delete=models.PROTECT, related_name="transfers_in", verbose_name=_("to")
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    # Balances right after this transfer, written under the accounts' locks: a
    # statement shows its running balance without summing the history.
    payer_balance_after = models.IntegerField()
    payee_balance_after = models.IntegerField()
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
        verbose_name=_("reverses"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    exchange = models.ForeignKey(
        "marketplace.Exchange",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name=_("exchange"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("time transfer")
        verbose_name_plural = _("time transfers")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="time_transfer_positive"),
            models.CheckConstraint(
                condition=~Q(payer=F("payee")), name="time_transfer_distinct_accounts"
            ),
            # An exchange is paid once, however many confirmations race.
            models.UniqueConstraint(
                fields=["exchange"],
                condition=Q(exchange__isnull=False),
                name="time_transfer_one_per_exchange",
            ),
        ]
        indexes = [
            models.Index(fields=["payer", "-id"], name="time_transfer_payer_idx"),
            models.Index(fields=["payee", "-id"], name="time_transfer_payee_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.minutes} min {self.payer_id} → {self.payee_id}"


class ProjectTimeGiver(models.Model):
    """Minutes an account gave to a project's account, net of reversals: kept by the
    ledger's ``_post`` under both accounts' locks, so a project page reads who gave
    what without summing the transfers."""

    account = models.ForeignKey(
        TimeAccount,
        on_delete=models.PROTECT,
        related_name="givers",
        verbose_name=_("project account"),
    )
    giver = models.ForeignKey(
        TimeAccount, on_delete=models.PROTECT, related_name="gifts", verbose_name=_("giver")
    )
    minutes = models.IntegerField(_("minutes given"), default=0)

    class Meta:
        verbose_name = _("time given to a project")
        verbose_name_plural = _("time given to projects")
        constraints = [
            models.UniqueConstraint(fields=["account", "giver"], name="project_time_giver_once"),
            models.CheckConstraint(
                condition=Q(minutes__gte=0), name="project_time_giver_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver_id} → {self.account_id}: {self.minutes} min"
