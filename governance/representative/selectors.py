"""Reads of the representative election: elections, candidacies, the live mandate."""

import datetime

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from governance.models import College, Membership, MembershipStatus
from governance.representative.models import Candidacy, Mandate, RepresentativeElection
from governance.votes.models import VoteStatus


def electing_college() -> College | None:
    """The college that elects the representative: ``REPRESENTATIVE_COLLEGE`` (a slug)
    or, by default, the pioneers' college (the beneficiaries)."""
    slug = getattr(settings, "REPRESENTATIVE_COLLEGE", "")
    qs = College.objects.filter(is_active=True)
    return qs.filter(slug=slug).first() if slug else qs.filter(is_pioneers=True).first()


def election_list() -> QuerySet[RepresentativeElection]:
    return (
        RepresentativeElection.objects.select_related(
            "college", "vote", "mandate__membership__user"
        )
        .annotate(
            candidate_count=Count("candidacies", filter=Q(candidacies__withdrawn_at__isnull=True))
        )
        .order_by("-created_at", "-id")
    )  # an aggregate query does not take Meta.ordering


def election_get(pk: int) -> RepresentativeElection | None:
    return election_list().filter(pk=pk).first()


def candidacies_standing(election: RepresentativeElection) -> QuerySet[Candidacy]:
    return (
        Candidacy.objects.filter(election=election, withdrawn_at__isnull=True)
        .select_related("membership__user")
        .order_by("created_at", "id")
    )


def candidacy_list(
    *, election: RepresentativeElection | None = None, standing_only: bool = True
) -> QuerySet[Candidacy]:
    qs = Candidacy.objects.select_related("membership__user", "election").order_by(
        "-election__created_at", "created_at", "id"
    )
    if election is not None:
        qs = qs.filter(election=election)
    if standing_only:
        qs = qs.filter(withdrawn_at__isnull=True)
    return qs


def my_candidacy(*, election: RepresentativeElection, user) -> Candidacy | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Candidacy.objects.filter(
            election=election, membership__user=user, withdrawn_at__isnull=True
        )
        .select_related("membership__user")
        .first()
    )


def may_stand(*, election: RepresentativeElection, user) -> bool:
    """An active member of the electing college, while candidacies are open."""
    if user is None or not user.is_authenticated or not election.candidacies_open:
        return False
    return Membership.objects.filter(
        user=user, status=MembershipStatus.MEMBER, college_id=election.college_id
    ).exists()


def mandate_current(*, today: datetime.date | None = None) -> Mandate | None:
    """The representative now: the latest mandate running today."""
    today = today or timezone.localdate()
    return (
        Mandate.objects.filter(starts_on__lte=today, ends_on__gt=today)
        .select_related("membership__user", "membership__college", "election")
        .order_by("-starts_on", "-id")
        .first()
    )


def mandate_data(mandate: Mandate | None) -> dict | None:
    """The representative as JSON-ready data (the federation page and API)."""
    if mandate is None:
        return None
    return {
        "name": mandate.membership.display_name,
        "member": mandate.membership_id,
        "college": mandate.membership.college.slug,
        "starts_on": mandate.starts_on.isoformat(),
        "ends_on": mandate.ends_on.isoformat(),
        "election": mandate.election_id,
    }


def last_counted_election() -> RepresentativeElection | None:
    """The latest election whose vote is closed (duty 3's second half reads it)."""
    return (
        RepresentativeElection.objects.filter(vote__status=VoteStatus.CLOSED)
        .select_related("vote")
        .order_by("-vote__closed_at", "-id")
        .first()
    )


def elections_with_candidacies() -> list[RepresentativeElection]:
    """The elections, newest first, each with its standing candidacies (two queries)."""
    return list(
        election_list().prefetch_related(
            Prefetch(
                "candidacies",
                queryset=Candidacy.objects.filter(withdrawn_at__isnull=True)
                .select_related("membership__user")
                .order_by("created_at", "id"),
                to_attr="standing",
            )
        )[:20]
    )
