"""The representative of the community (« choisir le représentant de la communauté »).

An election belongs to the electing college (the pioneers' by default, see
``TERREAU_REPRESENTATIVE_COLLEGE``). Members of that college stand (a candidacy with a
statement) while candidacies are open; the coordinator then puts the election to a vote
whose options are the candidacies (subject kind ``representative``). The close of that
vote gives the winner a mandate, in the same transaction as the count.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel
from governance.votes.models import VoteMethod


class ElectionOutcome(models.TextChoices):
    PENDING = "", _("Not decided yet")
    ELECTED = "elected", _("Representative elected")
    TIE = "tie", _("Tie: nobody elected")
    NO_BALLOT = "no_ballot", _("No ballot: nobody elected")


class RepresentativeElection(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    college = models.ForeignKey(
        "governance.College",
        on_delete=models.PROTECT,
        related_name="representative_elections",
        verbose_name=_("electing college"),
    )
    method = models.CharField(
        _("counting method"),
        max_length=20,
        choices=VoteMethod.choices,
        default=VoteMethod.MAJORITY_JUDGMENT,
    )
    mandate_months = models.PositiveSmallIntegerField(_("mandate length (months)"))
    vote = models.OneToOneField(
        "governance.Vote",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representative_election",
        verbose_name=_("vote"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ElectionOutcome.choices, blank=True, default=""
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("representative election")
        verbose_name_plural = _("representative elections")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mandate_months__gte=1), name="representative_mandate_months_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def candidacies_open(self) -> bool:
        return self.vote_id is None


class Candidacy(models.Model):
    """A member standing in an election, with their statement (« profession de foi »)."""

    election = models.ForeignKey(
        RepresentativeElection, on_delete=models.CASCADE, related_name="candidacies"
    )
    membership = models.ForeignKey(
        "governance.Membership",
        on_delete=models.PROTECT,
        related_name="candidacies",
        verbose_name=_("candidate"),
    )
    statement = models.TextField(_("statement"))
    created_at = models.DateTimeField(_("stood on"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "membership"],
                condition=Q(withdrawn_at__isnull=True),
                name="candidacy_standing_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.election_id}:{self.membership_id}"

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None


class Mandate(models.Model):
    """The representative's mandate, given by an election's count (one per election)."""

    membership = models.ForeignKey(
        "governance.Membership",
        on_delete=models.PROTECT,
        related_name="mandates",
        verbose_name=_("representative"),
    )
    election = models.OneToOneField(
        RepresentativeElection, on_delete=models.PROTECT, related_name="mandate"
    )
    candidacy = models.OneToOneField(Candidacy, on_delete=models.PROTECT, related_name="mandate")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="mandate_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.starts_on}→{self.ends_on}"
