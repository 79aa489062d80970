"""Duty 3's second half: voting in the last election of the representative."""

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone

from governance.representative.selectors import last_counted_election
from governance.votes.models import Participation


def took_part_in_last_election(_coop) -> object:
    """NULL when no election has been counted, for members outside its college and for
    those who joined after it closed; else whether they cast a ballot in it."""
    election = last_counted_election()
    if election is None:
        return Value(None, output_field=BooleanField())
    vote = election.vote
    voted = Exists(Participation.objects.filter(vote=vote, membership=OuterRef("pk")))
    return Case(
        When(~Q(college_id=election.college_id), then=Value(None)),
        When(Q(joined_on__gt=timezone.localtime(vote.closed_at).date()), then=Value(None)),
        When(voted, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
