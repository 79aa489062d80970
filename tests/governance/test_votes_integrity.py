"""On PostgreSQL the database itself keeps a closed vote's ballots append-only."""

import pytest
from django.db import DatabaseError, connection, transaction

from governance.models import (
    Ballot,
    BallotEntry,
    Participation,
    Vote,
    VoteOption,
    VoteResult,
)
from governance.votes import services
from tests.governance.votes_helpers import (  # noqa: F401  (fast_passwords: autouse)
    fast_passwords,
    make_vote,
    option_ids,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def closed_vote(coordinator, colleges, member, membership_factory):
    vote = make_vote(coordinator)
    services.vote_cast(user=member, vote=vote, grades=dict.fromkeys(option_ids(vote), 4))
    return services.vote_close(actor=coordinator, vote=vote)


def refused(write) -> str:
    with pytest.raises(DatabaseError) as err, transaction.atomic():
        write()
    return str(err.value)


WRITES = {
    "update a ballot": lambda v: Ballot.objects.filter(vote=v).update(receipt_id="AUTRE"),
    "delete a ballot": lambda v: Ballot.objects.filter(vote=v).delete(),
    "update an entry": lambda v: BallotEntry.objects.filter(vote=v).update(value=0),
    "delete an entry": lambda v: BallotEntry.objects.filter(vote=v).delete(),
    "add an entry": lambda v: BallotEntry.objects.create(
        ballot=Ballot.objects.get(vote=v),
        vote=v,
        option=VoteOption.objects.create(vote_id=v.pk, label="Tardive", position=99),
        value=1,
    ),
    "add a ballot": lambda v: Ballot.objects.create(vote=v, receipt_id="TARDIF", receipt_hash="0"),
    "delete a participation": lambda v: Participation.objects.filter(vote=v).delete(),
    "rename an option": lambda v: VoteOption.objects.filter(vote=v).update(label="Autre"),
    "change the result": lambda v: VoteResult.objects.filter(vote=v).update(ballot_count=99),
    "delete the result": lambda v: VoteResult.objects.filter(vote=v).delete(),
    "reopen the vote": lambda v: Vote.objects.filter(pk=v.pk).update(status="open"),
    "change the grades": lambda v: Vote.objects.filter(pk=v.pk).update(grades=["Non", "Oui"]),
}


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_the_database_refuses_to_change_a_closed_vote(closed_vote, write):
    message = refused(lambda: WRITES[write](closed_vote))
    assert "governance" in message
    assert closed_vote.result.ballot_count == 1
    assert BallotEntry.objects.filter(vote=closed_vote).count() == 3


def test_the_database_refuses_to_delete_a_closed_vote(closed_vote):
    def delete():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM governance_vote WHERE id = %s", [closed_vote.pk])

    assert "closed vote" in refused(delete)
    assert Vote.objects.filter(pk=closed_vote.pk).exists()


def test_an_open_vote_can_still_be_corrected_and_described(coordinator, colleges, member):
    vote = make_vote(coordinator)
    cast = services.vote_cast(user=member, vote=vote, grades=dict.fromkeys(option_ids(vote), 1))
    # replacing a ballot before the close deletes and rewrites its entries: allowed
    services.vote_cast(
        user=member, vote=vote, grades=dict.fromkeys(option_ids(vote), 6), receipt=cast.code
    )
    services.vote_close(actor=coordinator, vote=vote)
    # a closed vote's description may still be corrected (its count may not)
    Vote.objects.filter(pk=vote.pk).update(description="Résultat commenté")
    assert set(BallotEntry.objects.filter(vote=vote).values_list("value", flat=True)) == {6}
