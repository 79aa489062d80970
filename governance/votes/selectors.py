"""Reads of the votes: electorate, lists, one vote with its options, ballots at close."""

import hashlib
import hmac

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from governance.models import Membership, MembershipStatus
from governance.votes.models import (
    Ballot,
    BallotEntry,
    Participation,
    Vote,
    VoteOption,
    VoteStatus,
)
from governance.votes.subjects import subjects_attach

_VoteColleges = Vote.colleges.through


# ---------------------------------------------------------------- electorate


def vote_electorate(*, vote: Vote) -> QuerySet[Membership]:
    """The members who may vote: active, in the chosen colleges (every college when none
    is chosen), in the pioneers' college when the vote is for pioneers only. One query."""
    chosen = _VoteColleges.objects.filter(vote_id=vote.pk)
    qs = Membership.objects.filter(status=MembershipStatus.MEMBER).filter(
        ~Exists(chosen) | Q(college_id__in=chosen.values("college_id"))
    )
    if vote.pioneers_only:
        qs = qs.filter(college__is_pioneers=True)
    return qs


def vote_electorate_contains(*, vote: Vote, user) -> bool:
    """Whether this person may cast a ballot in this vote (the `governance.cast_ballot` rule)."""
    if user is None or not user.is_authenticated:
        return False
    return vote_electorate(vote=vote).filter(user_id=user.pk).exists()


def voter_membership(*, vote: Vote, user) -> Membership | None:
    """The person's membership if they belong to the vote's electorate."""
    if user is None or not user.is_authenticated:
        return None
    return vote_electorate(vote=vote).filter(user_id=user.pk).first()


def _in_electorate_expression(membership: Membership | None) -> object:
    """`vote_electorate`'s rule read from the vote's side, for one member and many votes
    (a list annotation: no query per vote). Tests check both forms agree."""
    if membership is None or membership.status != MembershipStatus.MEMBER:
        return Value(False, output_field=BooleanField())
    chosen = _VoteColleges.objects.filter(vote_id=OuterRef("pk"))
    condition = ~Exists(chosen) | Exists(chosen.filter(college_id=membership.college_id))
    if not membership.college.is_pioneers:
        condition &= Q(pioneers_only=False)
    return ExpressionWrapper(condition, output_field=BooleanField())


def _membership_of(user) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.select_related("college").filter(user_id=user.pk).first()


# ---------------------------------------------------------------- lists and one vote


def vote_list_for(*, user, status: str | None = None) -> QuerySet[Vote]:
    """Votes with, for this person, whether they may vote and whether they have voted."""
    membership = _membership_of(user)
    qs = (
        Vote.objects.select_related("result")
        .prefetch_related("colleges", "options")
        .annotate(
            option_count=Count("options"),
            in_electorate=_in_electorate_expression(membership),
            has_voted=Exists(
                Participation.objects.filter(vote_id=OuterRef("pk"), membership=membership)
            )
            if membership is not None
            else Value(False, output_field=BooleanField()),
        )
    )
    if status:
        qs = qs.filter(status=status)
    if status == VoteStatus.CLOSED:
        return qs.order_by("-closed_at", "-id")
    return qs.order_by("closes_at", "id")


def vote_get(*, vote_id: int) -> Vote:
    """One vote with its options (each with its ``subject``: a project...), colleges and
    result: one query more per kind of subject among the options."""
    vote = (
        Vote.objects.select_related("result")
        .prefetch_related(Prefetch("options", queryset=VoteOption.objects.all()), "colleges")
        .get(pk=vote_id)
    )
    subjects_attach(vote.options.all())
    return vote


def vote_has_voted(*, vote: Vote, membership: Membership | None) -> bool:
    return (
        membership is not None
        and Participation.objects.filter(vote=vote, membership=membership).exists()
    )


def votes_due(*, now) -> list[tuple[int, str]]:
    """(id, "open" or "close") for each vote whose opening or closing time has passed."""
    rows = Vote.objects.filter(
        Q(status=VoteStatus.SCHEDULED, opens_at__lte=now)
        | Q(status__in=[VoteStatus.SCHEDULED, VoteStatus.OPEN], closes_at__lte=now)
    ).values_list("pk", "closes_at")
    return [(pk, "close" if closes_at <= now else "open") for pk, closes_at in rows]


# ---------------------------------------------------------------- ballots


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def receipt_id_of(code: str) -> str:
    return code.strip().split("-", 1)[0].upper()


def ballot_find_by_receipt(*, vote: Vote, code: str) -> Ballot | None:
    """The ballot this receipt code was given for, or None (wrong or unknown code)."""
    if not code or "-" not in code:
        return None
    qs = Ballot.objects.filter(vote=vote, receipt_id=receipt_id_of(code))
    ballot = qs.first()
    if ballot is None or not hmac.compare_digest(ballot.receipt_hash, receipt_hash(code)):
        return None
    return ballot


def ballot_entries(*, ballot: Ballot) -> dict[int, int]:
    return dict(BallotEntry.objects.filter(ballot=ballot).values_list("option_id", "value"))


def vote_ballots(*, vote: Vote) -> QuerySet[Ballot]:
    """Every ballot of a vote with its entries, in receipt order (random, so the order
    says nothing of when each was cast); public votes add the voter."""
    return (
        Ballot.objects.filter(vote=vote)
        .select_related("voter__user")
        .prefetch_related(Prefetch("entries", queryset=BallotEntry.objects.order_by("value")))
        .order_by("receipt_id")
    )


def vote_list_awaiting_ballot(*, user) -> QuerySet[Vote]:
    """Open votes the person may still vote in (in the electorate, no ballot yet, not
    past their closing time even if the scheduler has not closed them yet)."""
    return vote_list_for(user=user, status=VoteStatus.OPEN).filter(
        in_electorate=True, has_voted=False, closes_at__gt=timezone.now()
    )
