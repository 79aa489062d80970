"""One ballot per member and no ballot after the close, whatever the concurrency (PostgreSQL)."""

import pytest
from django.core import mail

from governance.errors import GovernanceError
from governance.models import Ballot, BallotEntry, Participation, Vote, VoteNotice, VoteResult
from governance.votes import services
from governance.votes.services import CastReceipt
from tests.concurrency import run_concurrently
from tests.governance.votes_helpers import (  # noqa: F401  (fast_passwords: autouse)
    DAY,
    fast_passwords,
    make_vote,
    many_members,
    option_ids,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("secret", [True, False])
def test_ten_concurrent_ballots_of_one_member_leave_one_ballot(
    coordinator, colleges, member, secret
):
    vote = make_vote(coordinator, method="plurality", secret=secret)
    ids = option_ids(vote)
    # when: the same member sends ten ballots at the same instant
    results = run_concurrently(
        [
            lambda i=i: services.vote_cast(
                user=member, vote=Vote.objects.get(pk=vote.pk), choice=ids[i % 3]
            )
            for i in range(10)
        ]
    )
    # then: one participation, one ballot, one choice on it
    casts = [r for r in results if isinstance(r, CastReceipt)]
    refused = [r for r in results if not isinstance(r, CastReceipt)]
    assert all(isinstance(r, GovernanceError) and r.code == "already_voted" for r in refused)
    assert len([c for c in casts if not c.replaced]) == 1
    if secret:  # without the receipt no one can replace it
        assert len(casts) == 1
    assert Participation.objects.filter(vote=vote).count() == 1
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert BallotEntry.objects.filter(vote=vote).count() == 1


def test_no_ballot_is_accepted_after_a_concurrent_close(coordinator, colleges):
    def close_after(vote: Vote, reads: int) -> Vote:
        for _ in range(reads):  # lets some ballots in first: a different race each round
            Vote.objects.filter(pk=vote.pk).exists()
        return services.vote_close(actor=coordinator, vote=vote)

    for round_, reads in enumerate([0, 0, 1, 1, 2, 3]):
        vote = make_vote(coordinator, method="approval")
        ids = option_ids(vote)
        voters = many_members(20, colleges["salaries"], start=1000 * (round_ + 1))
        workers = [
            lambda m=m, pk=vote.pk, approved=ids[:2]: services.vote_cast(
                user=m.user, vote=Vote.objects.get(pk=pk), approved=approved
            )
            for m in voters
        ]
        workers.insert(10, lambda v=vote, n=reads: close_after(v, n))
        # when: twenty members vote while the coordinator closes the vote
        results = run_concurrently(workers)
        # then: every accepted ballot is counted, every other one was refused as closed
        casts = [r for r in results if isinstance(r, CastReceipt)]
        refused = [r for r in results if isinstance(r, GovernanceError)]
        assert len(casts) + len(refused) == 20
        assert all(r.code == "vote_closed" for r in refused)
        result = VoteResult.objects.get(vote=vote)
        assert result.ballot_count == len(casts)
        assert Ballot.objects.filter(vote=vote).count() == len(casts)
        assert Participation.objects.filter(vote=vote).count() == len(casts)
        assert result.data["ranking"][0]["count"] == len(casts)


def test_concurrent_closes_count_once(coordinator, colleges, member):
    vote = make_vote(coordinator)
    services.vote_cast(user=member, vote=vote, grades=dict.fromkeys(option_ids(vote), 3))
    results = run_concurrently(
        [lambda: services.vote_close(actor=coordinator, vote=vote) for _ in range(6)]
    )
    assert all(isinstance(r, Vote) for r in results)
    assert VoteResult.objects.filter(vote=vote).count() == 1
    assert VoteResult.objects.get(vote=vote).ballot_count == 1


def test_concurrent_scheduler_runs_open_a_vote_and_mail_the_electorate_once(coordinator, colleges):
    many_members(5, colleges["salaries"])
    vote = make_vote(coordinator, opens_in=DAY, closes_in=3 * DAY)
    Vote.objects.filter(pk=vote.pk).update(opens_at=vote.opens_at - 2 * DAY)
    mail.outbox.clear()
    results = run_concurrently([services.votes_sync_due for _ in range(4)])
    assert sum(r["opened"] for r in results) >= 1
    vote.refresh_from_db()
    assert vote.status == "open"
    assert VoteNotice.objects.filter(vote=vote, kind="opening").count() == 1
    assert len(mail.outbox) == 5
