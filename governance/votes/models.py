"""Votes (scrutins): the vote and its options, the ballots, who took part, the result.

Secrecy: a secret vote's `Ballot` holds no link to the voter — no foreign key, no
timestamp, and a random primary key (sequential ids would let anyone reading the table
pair the k-th ballot with the k-th `Participation`). Its entries have a composite key
(ballot, option) for the same reason. The voter keeps a receipt code whose public part
(`receipt_id`) is printed in the published ballot list and whose hash lets them, and
only them, replace the ballot before the close.

Append-only: once a vote is closed its ballots, entries, participations and result never
change. The services never try; on PostgreSQL a trigger (migration 0002) refuses it too.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel

__all__ = [
    "Ballot",
    "BallotEntry",
    "Participation",
    "Vote",
    "VoteMethod",
    "VoteNotice",
    "VoteOption",
    "VoteResult",
    "VoteStatus",
]


class VoteMethod(models.TextChoices):
    MAJORITY_JUDGMENT = "majority_judgment", _("Majority judgment")
    APPROVAL = "approval", _("Approval voting")
    SCHULZE = "schulze", _("Ranked vote (Schulze method)")
    PLURALITY = "plurality", _("Single choice (plurality)")


class VoteStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Vote(TimeStampedModel):
    """A vote session (scrutin) over a few options, open between two instants."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    method = models.CharField(
        _("counting method"),
        max_length=20,
        choices=VoteMethod.choices,
        default=VoteMethod.MAJORITY_JUDGMENT,
    )
    # Majority judgment only: the grade names, worst first (a grade is its index).
    grades = models.JSONField(_("grades"), default=list, blank=True)
    secret = models.BooleanField(_("secret ballot"), default=True)
    # The electorate: active members, of these colleges only if any are chosen, of the
    # pioneers' college only if pioneers_only (see selectors.vote_electorate).
    colleges = models.ManyToManyField(
        "governance.College", blank=True, related_name="votes", verbose_name=_("colleges")
    )
    pioneers_only = models.BooleanField(_("pioneers only"), default=False)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=VoteStatus.choices,
        default=VoteStatus.SCHEDULED,
        db_index=True,
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    # What the close decided in the app owning the options' subjects (issue 15: the
    # selected project), by kind and id like the options: no foreign key to that app.
    # ``outcome_applied_at`` set and ``outcome_subject_id`` empty: a tie the method could
    # not break (``outcome_tie``), or a free-label option won.
    outcome_subject_kind = models.CharField(
        _("outcome subject kind"), max_length=30, null=True, blank=True
    )
    outcome_subject_id = models.PositiveBigIntegerField(
        _("outcome subject id"), null=True, blank=True
    )
    outcome_tie = models.BooleanField(_("tie"), default=False)
    outcome_applied_at = models.DateTimeField(_("outcome applied at"), null=True, blank=True)
    # The coordinator's override: a public written reason, who and when.
    outcome_override_reason = models.TextField(_("reason for overriding the result"), blank=True)
    outcome_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("result overridden by"),
    )
    outcome_overridden_at = models.DateTimeField(_("result overridden at"), null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-closes_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="vote_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(status__in=VoteStatus.values), name="vote_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=VoteMethod.values), name="vote_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="scheduled") | Q(opened_at__isnull=False),
                name="vote_opened_has_opened_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="vote_closed_has_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == VoteStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == VoteStatus.CLOSED


class VoteOption(models.Model):
    """One choice on the ballot: a free label, or a subject of another app (a project:
    its title as label), referred to by kind and id (``governance/votes/subjects.py``)."""

    # Which app the subject belongs to, and no foreign key: governance sits left of the
    # apps it votes on (backend/core/layers.py). Both set, or both empty.
    PROJECT = "project"  # the kind the projects app registers (the API's `project`)

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("label"), max_length=200)
    subject_kind = models.CharField(_("subject kind"), max_length=30, null=True, blank=True)
    subject_id = models.PositiveBigIntegerField(_("subject id"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("vote option")
        verbose_name_plural = _("vote options")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "position"], name="vote_option_position"),
            models.UniqueConstraint(fields=["vote", "label"], name="vote_option_label_once"),
            models.UniqueConstraint(
                fields=["vote", "subject_kind", "subject_id"],
                condition=Q(subject_id__isnull=False),
                name="vote_option_subject_once",
            ),
            models.CheckConstraint(
                condition=Q(subject_kind__isnull=True, subject_id__isnull=True)
                | Q(subject_kind__isnull=False, subject_id__isnull=False),
                name="vote_option_subject_whole",
            ),
        ]
        indexes = [
            models.Index(fields=["subject_kind", "subject_id"], name="vote_option_subject"),
        ]

    def __str__(self) -> str:
        return self.label

    def ref(self, kind: str) -> int | None:
        """The subject's id when it is of this kind (e.g. ``ref("project")``), else None."""
        return self.subject_id if self.subject_kind == kind else None

    @property
    def project_ref(self) -> int | None:
        return self.ref(self.PROJECT)


class Ballot(models.Model):
    """One voter's ballot. Secret votes: `voter` is NULL and nothing else points to them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    # Public votes only: who voted what is part of the result.
    voter = models.ForeignKey(
        "governance.Membership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_ballots",
        verbose_name=_("voter"),
    )
    receipt_id = models.CharField(_("receipt number"), max_length=16)
    receipt_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["receipt_id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "receipt_id"], name="ballot_receipt_unique"),
            models.UniqueConstraint(
                fields=["vote", "voter"],
                condition=Q(voter__isnull=False),
                name="ballot_one_per_public_voter",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_id


class BallotEntry(models.Model):
    """What a ballot says of one option. `value` by method: majority judgment, the grade
    (0 = worst); Schulze, the place (0 = best; unranked options have no entry); approval
    and plurality, 1 for each approved or chosen option (others have no entry)."""

    pk = models.CompositePrimaryKey("ballot", "option")
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="entries")
    option = models.ForeignKey(VoteOption, on_delete=models.PROTECT, related_name="+")
    # Copied from the ballot so that the count is one GROUP BY over one index.
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="+", db_index=False)
    value = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("ballot entry")
        verbose_name_plural = _("ballot entries")
        indexes = [models.Index(fields=["vote", "option", "value"], name="ballot_entry_count")]

    def __str__(self) -> str:
        return f"{self.option_id}={self.value}"


class Participation(models.Model):
    """That a member has voted (one per vote: the unique constraint is the guarantee)."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="participations")
    membership = models.ForeignKey(
        "governance.Membership", on_delete=models.PROTECT, related_name="vote_participations"
    )
    created_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["vote", "membership"], name="participation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}:{self.membership_id}"


class VoteResult(models.Model):
    """The count, made once at the close: the tally engine's `TallyResult.to_dict()`."""

    vote = models.OneToOneField(Vote, on_delete=models.PROTECT, related_name="result")
    data = models.JSONField(_("result"))
    ballot_count = models.PositiveIntegerField(_("ballots"))
    electorate_count = models.PositiveIntegerField(_("electorate"))
    computed_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("vote result")
        verbose_name_plural = _("vote results")

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.ballot_count}/{self.electorate_count}"

    @property
    def participation_rate(self) -> float:
        return self.ballot_count / self.electorate_count if self.electorate_count else 0.0


class VoteNotice(models.Model):
    """An e-mail round sent to the electorate: at most one of each kind per vote."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Vote opened")
        CLOSING_SOON = "closing_soon", _("Vote closes in 24 hours")

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("vote notice")
        verbose_name_plural = _("vote notices")
        constraints = [
            models.UniqueConstraint(fields=["vote", "kind"], name="vote_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}:{self.kind}"
