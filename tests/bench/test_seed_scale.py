"""seed_scale (issue 11): an empty database filled in bulk with valid, consistent data."""

from collections import defaultdict
from io import StringIO

import pytest
from django.db.models import Count, Sum

from bench.scale import NotEmptyError, ScaleCounts, seed_scale
from bench.seed import main as seed_main
from governance.assemblies.models import Resolution, ResolutionStatus, ResolutionVote
from governance.models import Membership, ShareSubscription
from governance.votes.counting import vote_count
from governance.votes.models import Ballot, BallotEntry, Participation, Vote, VoteStatus
from marketplace.models import Listing, TimeAccount, TimeTransfer
from marketplace.selectors.ledger import ledger_integrity_problems
from pioneers.models import Pioneer
from projects.lifecycle import RANKED_STATES
from projects.models import Project, ProjectTransition, RankingSnapshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SMALL = {
    "members": 40,
    "pioneers": 12,
    "projects": 15,
    "ballots": 60,
    "transfers": 600,
    "listings": 25,
}


def _argv(counts: dict) -> list[str]:
    return [arg for name, n in counts.items() for arg in (f"--{name}", str(n))]


@pytest.fixture
def seeded():
    from territories.services import territories_load

    territories_load()  # loaded by the migration; again if a transactional test emptied it
    out = StringIO()
    assert seed_main(_argv(SMALL), stdout=out) == 0
    return out.getvalue()


def test_the_command_reports_what_it_wrote(seeded):
    assert "governance.BallotEntry: 600 rows" in seeded
    assert "marketplace.TimeTransfer: 600 rows" in seeded


def test_every_balance_equals_its_transfers_and_the_running_balances_follow(seeded):
    assert ledger_integrity_problems() == []
    assert TimeTransfer.objects.count() == SMALL["transfers"]
    last: dict[int, int] = {}
    balance: dict[int, int] = defaultdict(int)
    for t in TimeTransfer.objects.order_by("id"):
        balance[t.payer_id] -= t.minutes
        balance[t.payee_id] += t.minutes
        assert (t.payer_balance_after, t.payee_balance_after) == (
            balance[t.payer_id],
            balance[t.payee_id],
        )
        last[t.payer_id], last[t.payee_id] = t.payer_balance_after, t.payee_balance_after
    for account in TimeAccount.objects.all():
        assert account.balance_minutes == last.get(account.pk, 0)
        assert account.balance_minutes >= -account.credit_limit_minutes


def test_members_hold_the_shares_they_paid_for(seeded):
    # Each ballot of the secret vote needs a voter: max(members, ballots) members.
    assert Membership.objects.active().count() == SMALL["ballots"]
    paid = dict(
        ShareSubscription.objects.filter(paid_on__isnull=False)
        .values("membership")
        .annotate(n=Sum("quantity"))
        .values_list("membership", "n")
    )
    for membership in Membership.objects.all():
        assert membership.shares_held == paid[membership.pk] >= 1


def test_the_closed_vote_has_valid_ballots_and_its_published_count(seeded):
    vote = Vote.objects.get(status=VoteStatus.CLOSED)
    options = list(vote.options.order_by("position", "id").values_list("pk", flat=True))
    assert Ballot.objects.filter(vote=vote).count() == SMALL["ballots"]
    assert Participation.objects.filter(vote=vote).count() == SMALL["ballots"]
    # Majority judgment: every ballot grades every option once, with a known grade.
    per_ballot = BallotEntry.objects.filter(vote=vote).values("ballot").annotate(n=Count("*"))
    assert {row["n"] for row in per_ballot} == {len(options)}
    values = set(BallotEntry.objects.filter(vote=vote).values_list("value", flat=True))
    assert values <= set(range(len(vote.grades)))
    assert vote.result.ballot_count == SMALL["ballots"]
    assert vote.result.data == vote_count(vote=vote, option_ids=options).to_dict()


def test_the_resolution_is_counted_and_the_projects_counters_match_their_rows(seeded):
    resolution = Resolution.objects.get()
    assert resolution.status == ResolutionStatus.CLOSED
    assert resolution.adopted is not None
    assert ResolutionVote.objects.filter(resolution=resolution).count() == SMALL["ballots"]
    for project in Project.objects.annotate(flags=Count("concern_flags")):
        assert project.concern_count == project.flags
    snapshot = RankingSnapshot.objects.get()
    # The ranking was published before the closed vote, whose close decided its projects
    # (issue 15 §1): those it moved out of the ranked states were ranked too.
    ranked_now = Project.objects.filter(status__in=RANKED_STATES).count()
    moved_out = (
        ProjectTransition.objects.filter(from_status__in=RANKED_STATES)
        .exclude(to_status__in=RANKED_STATES)
        .values("project")
        .distinct()
        .count()
    )
    assert snapshot.entries.count() == ranked_now + moved_out
    assert Vote.objects.get(title="Choix des projets communs").outcome_applied_at is not None


def test_pioneers_and_listings_are_there_with_their_links(seeded):
    assert Pioneer.objects.count() == SMALL["pioneers"]
    assert Pioneer.objects.filter(user__isnull=False).exists()
    assert not Pioneer.objects.filter(themes__isnull=True).exists()
    assert Listing.objects.count() == SMALL["listings"]
    assert not Listing.objects.filter(tags__isnull=True).exists()


def test_the_observatory_has_validated_assessments_and_its_figures(seeded):
    from observatory.models import Aggregate, Assessment

    located = Pioneer.objects.filter(territory__isnull=False).count()
    assert located > 0
    assert Assessment.objects.filter(status="validated").count() == 2 * located
    assert Aggregate.objects.filter(scale="country", indicator__code="valeurs").exists()
    assert Listing.objects.filter(territory__isnull=False).exists()


def test_a_database_that_is_not_empty_is_refused_and_left_alone(capsys):
    UserFactory()
    with pytest.raises(NotEmptyError):
        seed_scale(counts=ScaleCounts(**SMALL))
    assert seed_main(_argv(SMALL), stdout=StringIO()) == 2
    assert "not empty" in capsys.readouterr().err
    assert not Membership.objects.exists()
    assert not TimeTransfer.objects.exists()


@pytest.mark.postgres
def test_on_postgresql_the_rows_arrive_by_copy_and_the_sequences_follow(seeded):
    # A row created after the bulk load gets a fresh id (the sequences were reset).
    user = UserFactory()
    assert user.pk > Membership.objects.order_by("-pk").first().user_id


def test_the_command_defaults_are_the_counts_of_issue_11():
    from bench.seed import DEFAULTS

    assert ScaleCounts() == ScaleCounts(**DEFAULTS)
