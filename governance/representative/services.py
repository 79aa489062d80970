"""Every write of the representative election: elections, candidacies, the mandate."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.roles import coordinators
from backend.core.locks import lock_row
from backend.core.outbox import email_user
from backend.core.services import audit_record
from governance.errors import GovernanceError
from governance.models import College, Membership, MembershipStatus
from governance.representative.dates import add_months
from governance.representative.models import (
    Candidacy,
    ElectionOutcome,
    Mandate,
    RepresentativeElection,
)
from governance.representative.selectors import candidacies_standing, electing_college
from governance.votes.models import Vote, VoteMethod, VoteResult

KIND = "representative"  # the vote option subject kind (governance/votes/subjects.py)
STATEMENT_MIN = 50
STATEMENT_MAX = 5000
TITLE_MAX = 200
MANDATE_MONTHS_MAX = 72


def _field_error(field: str, message: str, code: str, status_code: int = 400) -> GovernanceError:
    return GovernanceError(message, code=code, status_code=status_code, errors={field: [message]})


@transaction.atomic
def election_create(
    *,
    actor: User,
    title: str,
    college: College | None = None,
    method: str = VoteMethod.MAJORITY_JUDGMENT,
    mandate_months: int | None = None,
) -> RepresentativeElection:
    """Open the candidacies of a new election (the coordinator)."""
    title = (title or "").strip()
    if not title:
        raise _field_error("title", _("An election needs a title."), "invalid_title")
    college = college or electing_college()
    if college is None:
        raise _field_error(
            "college", _("There is no college to elect the representative."), "no_college"
        )
    if method not in VoteMethod.values:
        raise _field_error("method", _("Unknown counting method."), "invalid_method")
    months = mandate_months or settings.REPRESENTATIVE_MANDATE_MONTHS
    if not 1 <= months <= MANDATE_MONTHS_MAX:
        raise _field_error(
            "mandate_months",
            _("A mandate lasts between 1 and %(max)d months.") % {"max": MANDATE_MONTHS_MAX},
            "invalid_mandate_months",
        )
    election = RepresentativeElection.objects.create(
        title=title[:TITLE_MAX],
        college=college,
        method=method,
        mandate_months=months,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="representative.election_create",
        target=election,
        data={"college": college.slug, "method": method, "mandate_months": months},
    )
    return election


def _candidacies_closed() -> GovernanceError:
    return GovernanceError(
        _("Candidacies are closed: this election has been put to the vote."),
        code="candidacies_closed",
        status_code=409,
    )


@transaction.atomic
def candidacy_stand(*, user: User, election: RepresentativeElection, statement: str) -> Candidacy:
    """Stand in an election: an active member of its college, with a statement."""
    statement = (statement or "").strip()
    if len(statement) < STATEMENT_MIN:
        raise _field_error(
            "statement",
            _(
                "Your statement is too short: write at least %(min)d characters "
                "(you wrote %(count)d)."
            )
            % {"min": STATEMENT_MIN, "count": len(statement)},
            "statement_too_short",
        )
    if len(statement) > STATEMENT_MAX:
        raise _field_error(
            "statement",
            _("Your statement is too long: %(max)d characters at most.") % {"max": STATEMENT_MAX},
            "statement_too_long",
        )
    election = lock_row(RepresentativeElection, election.pk)
    if not election.candidacies_open:
        raise _candidacies_closed()
    membership = Membership.objects.filter(
        user=user, status=MembershipStatus.MEMBER, college_id=election.college_id
    ).first()
    if membership is None:
        raise GovernanceError(
            _("Only active members of the electing college can stand."),
            code="not_in_college",
            status_code=403,
        )
    if Candidacy.objects.filter(
        election=election, membership=membership, withdrawn_at__isnull=True
    ).exists():
        raise GovernanceError(
            _("You are already standing in this election."),
            code="already_standing",
            status_code=409,
        )
    try:
        with transaction.atomic():
            candidacy = Candidacy.objects.create(
                election=election, membership=membership, statement=statement
            )
    except IntegrityError as exc:
        raise GovernanceError(
            _("You are already standing in this election."),
            code="already_standing",
            status_code=409,
        ) from exc
    audit_record(
        actor=user,
        action="representative.stand",
        target=candidacy,
        data={"election": election.pk, "membership": membership.pk},
    )
    return candidacy


@transaction.atomic
def candidacy_withdraw(*, user: User, candidacy: Candidacy) -> Candidacy:
    """Withdraw one's own candidacy while candidacies are open (before the vote)."""
    election = lock_row(RepresentativeElection, candidacy.election_id)
    candidacy = Candidacy.objects.select_related("membership").get(pk=candidacy.pk)
    if candidacy.membership.user_id != user.pk:
        raise GovernanceError(
            _("This is not your candidacy."), code="not_your_candidacy", status_code=403
        )
    if candidacy.withdrawn_at is not None:
        return candidacy
    if not election.candidacies_open:
        raise _candidacies_closed()
    candidacy.withdrawn_at = timezone.now()
    candidacy.save(update_fields=["withdrawn_at"])
    audit_record(actor=user, action="representative.withdraw", target=candidacy)
    return candidacy


@transaction.atomic
def election_put_to_vote(
    *,
    actor: User,
    election: RepresentativeElection,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    method: str | None = None,
) -> Vote:
    """Close the candidacies and create the election's vote: one option per candidate,
    only the electing college votes, secret ballot, the chosen method."""
    from governance.votes.services import OptionInput, vote_create

    election = lock_row(RepresentativeElection, election.pk)
    if not election.candidacies_open:
        raise GovernanceError(
            _("This election has already been put to the vote."),
            code="already_put_to_vote",
            status_code=409,
        )
    method = method or election.method
    candidacies = list(candidacies_standing(election))
    if len(candidacies) < 2:
        raise GovernanceError(
            _("At least two candidates are needed to put the election to the vote."),
            code="too_few_candidates",
            status_code=409,
        )
    vote = vote_create(
        actor=actor,
        title=election.title,
        method=method,
        options=[
            OptionInput(label=c.membership.display_name, ref=c.pk, kind=KIND) for c in candidacies
        ],
        opens_at=opens_at,
        closes_at=closes_at,
        description=_("Election of the representative of the community."),
        secret=True,
        colleges=[election.college],
    )
    election.vote = vote
    election.method = method
    election.save(update_fields=["vote", "method", "updated_at"])
    audit_record(
        actor=actor,
        action="representative.put_to_vote",
        target=election,
        data={"vote": vote.pk, "method": method, "candidates": [c.pk for c in candidacies]},
    )
    return vote


def election_outcome_apply(
    *,
    vote: Vote,
    actor: User | None,
    winner: int | None,
    tied: list[int],
    others: list[int],
    reason: str = "",
) -> None:
    """The ``representative`` kind's ``outcome_apply`` (governance/votes/subjects.py), called
    by ``vote_close`` in the count's transaction: the single winner (a candidacy) gets a
    mandate; a tie, or a vote nobody took part in, gives none and the coordinators are
    told. The pioneers elect: no override (the provider says so)."""
    election = RepresentativeElection.objects.filter(vote=vote).first()
    if election is None or election.outcome:
        return
    ballots = (
        VoteResult.objects.filter(vote=vote)
        .order_by("-computed_at", "-id")
        .values_list("ballot_count", flat=True)
        .first()
    )
    if not ballots or winner is None:
        election.outcome = ElectionOutcome.NO_BALLOT if not ballots else ElectionOutcome.TIE
        election.save(update_fields=["outcome", "updated_at"])
        audit_record(
            actor=actor,
            action=f"representative.{election.outcome}",
            target=election,
            data={"vote": vote.pk, "tied_candidacies": tied},
        )
        _coordinators_tell(election)
        return
    candidacy = Candidacy.objects.select_related("membership").get(pk=winner, election=election)
    starts_on = timezone.localdate(vote.closed_at)
    mandate = Mandate.objects.create(
        membership=candidacy.membership,
        election=election,
        candidacy=candidacy,
        starts_on=starts_on,
        ends_on=add_months(starts_on, election.mandate_months),
    )
    election.outcome = ElectionOutcome.ELECTED
    election.save(update_fields=["outcome", "updated_at"])
    audit_record(
        actor=actor,
        action="representative.elected",
        target=mandate,
        data={
            "election": election.pk,
            "vote": vote.pk,
            "membership": candidacy.membership_id,
            "starts_on": mandate.starts_on.isoformat(),
            "ends_on": mandate.ends_on.isoformat(),
        },
    )


def _coordinators_tell(election: RepresentativeElection) -> None:
    """The outbox is written in the count's transaction: sent once it commits."""
    for user in coordinators():
        email_user(
            user=user,
            template_prefix="governance/email/representative_undecided",
            context={"election": election, "tie": election.outcome == ElectionOutcome.TIE},
            key=f"representative-undecided-{election.pk}-to-{user.pk}",
        )
