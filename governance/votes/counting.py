"""The count at the close: aggregate queries in, the tally engine's result out.

Majority judgment, approval and plurality need only how many ballots gave each option
each value: one GROUP BY over the (vote, option, value) index, whatever the number of
ballots. Schulze needs each ranking: one ordered scan of the entries.
"""

from django.db.models import Count

from governance.tally import TallyResult, approval, majority_judgment, plurality, schulze
from governance.votes.models import Ballot, BallotEntry, Vote, VoteMethod


def vote_count(*, vote: Vote, option_ids: list[int]) -> TallyResult:
    ballot_count = Ballot.objects.filter(vote=vote).count()
    entries = BallotEntry.objects.filter(vote=vote)
    if vote.method == VoteMethod.SCHULZE:
        return schulze(option_ids, _rankings(entries, ballot_count))
    if vote.method == VoteMethod.MAJORITY_JUDGMENT:
        grade_counts: dict[int, dict[int, int]] = {}
        for option, grade, n in (
            entries.values("option_id", "value")
            .annotate(n=Count("*"))
            .values_list("option_id", "value", "n")
            .order_by()
        ):
            grade_counts.setdefault(option, {})[grade] = n
        return majority_judgment(
            option_ids, grades=vote.grades, grade_counts=grade_counts, ballot_count=ballot_count
        )
    counts = dict(
        entries.values("option_id").annotate(n=Count("*")).values_list("option_id", "n").order_by()
    )
    if vote.method == VoteMethod.APPROVAL:
        return approval(option_ids, counts=counts, ballot_count=ballot_count)
    return plurality(option_ids, counts=counts)


def _rankings(entries, ballot_count: int) -> list[list[int]]:
    """Each ballot's ranking (option ids, best first); ballots that rank nothing count too."""
    rankings: list[list[int]] = []
    current = None
    for ballot, option in (
        entries.order_by("ballot_id", "value").values_list("ballot_id", "option_id").iterator()
    ):
        if ballot != current:
            rankings.append([])
            current = ballot
        rankings[-1].append(option)
    rankings.extend([] for _ in range(ballot_count - len(rankings)))
    return rankings
