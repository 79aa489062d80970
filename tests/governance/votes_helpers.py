"""Helpers shared by the votes' tests (plain functions: each test says what it builds)."""

import datetime
import random

import pytest
from django.utils import timezone

from backend.accounts.models import User
from governance.models import (
    Ballot,
    BallotEntry,
    Membership,
    Participation,
    Vote,
    VoteMethod,
)
from governance.votes import services

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hashing each test person's password with PBKDF2 would take most of the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def many_members(count: int, college, *, start: int = 10_000) -> list[Membership]:
    """Active members in bulk (no password, no e-mail address records)."""
    users = User.objects.bulk_create(
        User(email=f"votant{start + i}@example.org", first_name="Votant", last_name=str(i))
        for i in range(count)
    )
    return Membership.objects.bulk_create(
        Membership(user=u, college=college, status="member", number=start + i)
        for i, u in enumerate(users)
    )


def make_vote(
    actor,
    *,
    method: str = VoteMethod.MAJORITY_JUDGMENT,
    options=("Jardin", "Vélo", "Eau"),
    secret: bool = True,
    colleges=(),
    pioneers_only: bool = False,
    opens_in: datetime.timedelta = -DAY,
    closes_in: datetime.timedelta = 7 * DAY,
    grades=None,
) -> Vote:
    """A vote created through the service (open unless `opens_in` is in the future)."""
    now = timezone.now()
    return services.vote_create(
        actor=actor,
        title=f"Scrutin {method}",
        method=method,
        options=[services.OptionInput(label=label) for label in options],
        opens_at=now + opens_in,
        closes_at=now + closes_in,
        secret=secret,
        colleges=list(colleges),
        pioneers_only=pioneers_only,
        grades=grades,
    )


def option_ids(vote: Vote) -> list[int]:
    return list(vote.options.order_by("position").values_list("pk", flat=True))


def a_valid_ballot(vote: Vote, rng: random.Random | None = None) -> dict:
    """A random valid payload for the vote's method (the API's shape)."""
    rng = rng or random.Random(0)
    ids = option_ids(vote)
    if vote.method == VoteMethod.MAJORITY_JUDGMENT:
        return {"grades": {str(o): rng.randrange(len(vote.grades)) for o in ids}}
    if vote.method == VoteMethod.APPROVAL:
        return {"approved": [o for o in ids if rng.random() < 0.5]}
    if vote.method == VoteMethod.SCHULZE:
        ranked = ids[:]
        rng.shuffle(ranked)
        return {"ranking": ranked[: rng.randint(0, len(ranked))]}
    return {"choice": rng.choice(ids)}


def move_to_past(vote: Vote, *, closed_ago: datetime.timedelta = datetime.timedelta(minutes=1)):
    """Time travel: the vote's closing time passes (the rows are moved, not the clock)."""
    now = timezone.now()
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=now - 10 * DAY, closes_at=now - closed_ago, opened_at=now - 10 * DAY
    )
    vote.refresh_from_db()
    return vote


def bulk_ballots(vote: Vote, memberships, *, seed: int = 1) -> int:
    """Many ballots at once, written as the service writes them (for query-count tests)."""
    rng = random.Random(seed)
    Participation.objects.bulk_create(Participation(vote=vote, membership=m) for m in memberships)
    ballots, entries = [], []
    for index, membership in enumerate(memberships):
        ballot = Ballot(
            vote=vote,
            voter=None if vote.secret else membership,
            receipt_id=f"R{index:09d}",
            receipt_hash="0" * 64,
        )
        ballots.append(ballot)
        payload = a_valid_ballot(vote, rng)
        if vote.method == VoteMethod.MAJORITY_JUDGMENT:
            values = {int(o): g for o, g in payload["grades"].items()}
        elif vote.method == VoteMethod.SCHULZE:
            values = {o: place for place, o in enumerate(payload["ranking"])}
        elif vote.method == VoteMethod.APPROVAL:
            values = dict.fromkeys(payload["approved"], 1)
        else:
            values = {payload["choice"]: 1}
        entries += [
            BallotEntry(ballot=ballot, vote=vote, option_id=o, value=v) for o, v in values.items()
        ]
    Ballot.objects.bulk_create(ballots)
    BallotEntry.objects.bulk_create(entries)
    return len(ballots)
