"""Casting a ballot: one per member, secret or public, replaceable until the close."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row
from backend.core.services import audit_record
from governance.errors import GovernanceError
from governance.models import Membership
from governance.votes import ballots
from governance.votes.models import Ballot, BallotEntry, Participation, Vote
from governance.votes.selectors import ballot_find_by_receipt, voter_membership
from governance.votes.services.lifecycle import (
    accepts_ballots,
    not_open_error,
    vote_lock_shared,
    vote_sync,
)


@dataclass(frozen=True)
class CastReceipt:
    """What the voter takes away: the receipt code (shown once, never stored)."""

    code: str
    receipt_id: str
    replaced: bool
    entries: dict[int, int]


def vote_cast(
    *,
    user: User,
    vote: Vote,
    grades: object = None,
    approved: object = None,
    ranking: object = None,
    choice: object = None,
    receipt: str = "",
) -> CastReceipt:
    """Cast (or, before the close, replace) a person's ballot; nothing is written on error.

    A secret ballot is replaced through its receipt code (the only link between the voter
    and the ballot); a public one through the voter.
    """
    vote = vote_sync(vote=vote)
    membership = voter_membership(vote=vote, user=user)
    if membership is None:
        raise GovernanceError(
            _("You are not in the electorate of this vote."),
            code="not_in_electorate",
            status_code=403,
        )
    now = timezone.now()
    if not accepts_ballots(vote, now):
        raise not_open_error(vote, now)
    option_ids = list(vote.options.order_by("position", "id").values_list("pk", flat=True))
    entries = ballots.ballot_entries_clean(
        vote=vote,
        option_ids=option_ids,
        grades=grades,
        approved=approved,
        ranking=ranking,
        choice=choice,
    )
    return _ballot_write(
        user=user, vote=vote, membership=membership, entries=entries, receipt=receipt
    )


@transaction.atomic
def _ballot_write(
    *, user: User, vote: Vote, membership: Membership, entries: dict[int, int], receipt: str
) -> CastReceipt:
    vote = vote_lock_shared(vote)
    now = timezone.now()
    if not accepts_ballots(vote, now):  # closed while we were checking the ballot
        raise not_open_error(vote, now)
    if Participation.objects.filter(vote=vote, membership=membership).exists():
        ballot, code = _ballot_to_replace(vote=vote, membership=membership, receipt=receipt)
        BallotEntry.objects.filter(ballot=ballot).delete()
        _entries_write(vote=vote, ballot=ballot, entries=entries)
        audit_record(actor=user, action="vote.ballot_replace", target=vote)
        return CastReceipt(code=code, receipt_id=ballot.receipt_id, replaced=True, entries=entries)
    if receipt.strip():
        raise GovernanceError(
            _("This receipt code does not match a ballot of yours."),
            code="invalid_receipt",
            errors={"receipt": [_("This receipt code does not match a ballot of yours.")]},
        )
    try:
        with transaction.atomic():
            # The unique constraint is what makes one ballot per member certain: of two
            # concurrent first ballots, the second waits here, then fails.
            Participation.objects.create(vote=vote, membership=membership)
    except IntegrityError:
        raise _already_voted(vote) from None
    code, receipt_id, digest = ballots.receipt_new()
    while Ballot.objects.filter(vote=vote, receipt_id=receipt_id).exists():
        code, receipt_id, digest = ballots.receipt_new()
    ballot = Ballot.objects.create(
        vote=vote,
        voter=None if vote.secret else membership,
        receipt_id=receipt_id,
        receipt_hash=digest,
    )
    _entries_write(vote=vote, ballot=ballot, entries=entries)
    audit_record(actor=user, action="vote.ballot_cast", target=vote)
    return CastReceipt(code=code, receipt_id=receipt_id, replaced=False, entries=entries)


def _already_voted(vote: Vote) -> GovernanceError:
    if vote.secret:
        message = _(
            "You have already voted. To change your ballot, give the receipt code you received."
        )
    else:
        message = _("You have already voted.")
    return GovernanceError(message, code="already_voted", status_code=409)


def _ballot_to_replace(*, vote: Vote, membership: Membership, receipt: str) -> tuple[Ballot, str]:
    if not vote.secret:
        ballot = lock_row(Ballot, vote=vote, voter=membership)
        return ballot, ""
    if not receipt.strip():
        raise _already_voted(vote)
    ballot = ballot_find_by_receipt(vote=vote, code=receipt)
    if ballot is not None:  # the code matched: hold the ballot until it is replaced
        ballot = lock_row(Ballot, ballot.pk)
    if ballot is None:
        message = _("This receipt code does not match a ballot of yours.")
        raise GovernanceError(message, code="invalid_receipt", errors={"receipt": [message]})
    return ballot, receipt.strip()


def _entries_write(*, vote: Vote, ballot: Ballot, entries: dict[int, int]) -> None:
    BallotEntry.objects.bulk_create(
        [
            BallotEntry(ballot=ballot, vote=vote, option_id=option, value=value)
            for option, value in entries.items()
        ]
    )
