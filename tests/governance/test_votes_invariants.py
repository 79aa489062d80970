"""One ballot per member and none after the close, for any sequence of casts, re-casts
(with or without the receipt) and a close (hypothesis), and for many members voting at
once, each sending their ballot twice (PostgreSQL)."""

from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.errors import GovernanceError
from governance.models import Ballot, BallotEntry, Participation, Vote, VoteResult
from governance.votes import services
from governance.votes.services import CastReceipt
from tests.concurrency import run_concurrently
from tests.governance.votes_helpers import (  # noqa: F401  (fast_passwords: autouse)
    fast_passwords,
    make_vote,
    many_members,
    option_ids,
)
from tests.locking import own_transaction

VOTERS = 4

operations = st.lists(
    st.one_of(
        st.tuples(st.just("cast"), st.integers(0, VOTERS - 1), st.integers(0, 2), st.booleans()),
        st.just(("close",)),
    ),
    min_size=1,
    max_size=15,
)


def ballots_per_option(vote: Vote) -> Counter:
    return Counter(
        dict(
            BallotEntry.objects.filter(vote=vote).values_list("option").annotate(n=Count("ballot"))
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("secret", [True, False])
@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_one_ballot_per_member_and_none_after_the_close(coordinator, colleges, secret, ops):
    with own_transaction():
        vote = make_vote(coordinator, method="plurality", secret=secret)
        ids = option_ids(vote)
        voters = many_members(VOTERS, colleges["salaries"])
        choices: dict[int, int] = {}  # voter → the option their ballot now holds
        receipts: dict[int, str] = {}
        closed = False
        for op in ops:
            if op[0] == "close":
                services.vote_close(actor=coordinator, vote=Vote.objects.get(pk=vote.pk))
                closed = True
                continue
            _kind, who, option, with_receipt = op
            outcome = None
            try:
                cast = services.vote_cast(
                    user=voters[who].user,
                    vote=Vote.objects.get(pk=vote.pk),
                    choice=ids[option],
                    receipt=receipts.get(who, "") if with_receipt else "",
                )
            except GovernanceError as error:
                outcome = error.code
            if closed:
                assert outcome == "vote_closed"
            elif who in choices and secret and not with_receipt:
                assert outcome == "already_voted"  # a secret ballot is replaced by receipt only
            else:
                assert outcome is None
                assert cast.replaced == (who in choices)
                choices[who] = ids[option]
                receipts[who] = cast.code or receipts.get(who, "")
            # one participation and one ballot per member who voted, holding their last choice
            assert Participation.objects.filter(vote=vote).count() == len(choices)
            assert Ballot.objects.filter(vote=vote).count() == len(choices)
            assert ballots_per_option(vote) == Counter(choices.values())
        if closed:
            result = VoteResult.objects.get(vote=vote)
            assert result.ballot_count == len(choices)
            counted = {row["option"]: row["count"] for row in result.data["ranking"]}
            assert {o: n for o, n in counted.items() if n} == dict(Counter(choices.values()))
        transaction.set_rollback(True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", [True, False])
def test_many_members_voting_at_once_twice_each_leave_one_ballot_each(
    coordinator, colleges, secret
):
    # given an open plurality vote and 12 members
    vote = make_vote(coordinator, method="plurality", secret=secret)
    ids = option_ids(vote)
    voters = many_members(12, colleges["salaries"], start=50_000)
    # when each member sends a ballot twice, all 24 at the same instant
    workers = [
        lambda m=m, choice=ids[(i + attempt) % 3]: services.vote_cast(
            user=m.user, vote=Vote.objects.get(pk=vote.pk), choice=choice
        )
        for i, m in enumerate(voters)
        for attempt in range(2)
    ]
    results = run_concurrently(workers)
    # then every member has exactly one ballot, whatever the interleaving
    casts = [r for r in results if isinstance(r, CastReceipt)]
    refused = [r for r in results if not isinstance(r, CastReceipt)]
    assert all(isinstance(r, GovernanceError) and r.code == "already_voted" for r in refused)
    assert len([c for c in casts if not c.replaced]) == 12
    assert Participation.objects.filter(vote=vote).count() == 12
    assert Ballot.objects.filter(vote=vote).count() == 12
    assert BallotEntry.objects.filter(vote=vote).count() == 12
    # and the close counts each of them once
    services.vote_close(actor=coordinator, vote=Vote.objects.get(pk=vote.pk))
    assert VoteResult.objects.get(vote=vote).ballot_count == 12
