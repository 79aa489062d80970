"""What a closed vote decides (issue 15 §1): its result applied in the owning app.

When a vote's options stand for subjects of a kind whose provider has an
``outcome_apply`` (``governance/votes/subjects.py``: the projects app's ``"project"``),
the close calls it in the same transaction as the count: the winner is chosen, the
other options' subjects are not. A tie the method cannot break decides nothing: the
tied subjects stay as they are and the provider tells the coordinators. Where the
provider allows it, the coordinator may then (or later) choose another option, only
with a public written reason.
"""

import datetime

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.locks import lock_row
from backend.core.services import audit_record
from governance.errors import GovernanceError
from governance.votes.models import Vote, VoteOption, VoteStatus
from governance.votes.subjects import OptionProvider, option_provider

OVERRIDE_REASON_MIN_LENGTH = 20


def _deciding_kind(options: list[VoteOption]) -> tuple[str, OptionProvider] | None:
    """The one subject kind of the options whose provider applies outcomes, if any."""
    kinds = {o.subject_kind for o in options if o.subject_kind}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    provider = option_provider(kind)
    if provider is None or provider.outcome_apply is None:
        return None
    return kind, provider


def vote_outcome_apply(
    *, actor: User | None, vote: Vote, winners: list[int], now: datetime.datetime
) -> None:
    """Apply a just-counted vote's result (called by ``vote_close`` under its lock).

    ``winners`` are the option ids ranked first: one is a decision, several a tie.
    """
    options = list(vote.options.order_by("position", "id"))
    found = _deciding_kind(options)
    if found is None:
        return
    kind, provider = found
    refs = {o.pk: o.subject_id for o in options if o.subject_kind == kind}
    tie = len(winners) != 1
    winner = None if tie else refs.get(winners[0])
    tied = [refs[o] for o in winners if o in refs] if tie else []
    others = [ref for ref in refs.values() if ref != winner and ref not in tied]
    provider.outcome_apply(
        vote=vote, actor=actor, winner=winner, tied=tied, others=others, reason=""
    )
    vote.outcome_subject_kind = kind
    vote.outcome_subject_id = winner
    vote.outcome_tie = tie
    vote.outcome_applied_at = now
    vote.save(
        update_fields=[
            "outcome_subject_kind",
            "outcome_subject_id",
            "outcome_tie",
            "outcome_applied_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="vote.outcome_apply",
        target=vote,
        data={"kind": kind, "winner": winner, "tied": tied, "others": others},
    )


def _refuse(message: str, code: str, field: str, status_code: int = 400) -> GovernanceError:
    return GovernanceError(message, code=code, status_code=status_code, errors={field: [message]})


@transaction.atomic
def vote_outcome_override(
    *,
    actor: User,
    vote: Vote,
    reason: str,
    option_id: int | None = None,
    subject_id: int | None = None,
) -> Vote:
    """The coordinator chooses another option's subject (by option, or by the subject's id)
    than the count did, with a public written reason: the transitions are made again,
    audited; nothing is written on a refusal."""
    if not rules.has_perm("governance.override_vote_outcome", actor):
        raise GovernanceError(
            _("Only the coordinator can override a vote's result."),
            code="forbidden",
            status_code=403,
        )
    reason = (reason or "").strip()
    if len(reason) < OVERRIDE_REASON_MIN_LENGTH:
        raise _refuse(
            _("Give a public written reason of at least %(n)d characters.")
            % {"n": OVERRIDE_REASON_MIN_LENGTH},
            "reason_too_short",
            "reason",
        )
    vote = lock_row(Vote, vote.pk)
    if vote.status != VoteStatus.CLOSED or vote.outcome_applied_at is None:
        raise GovernanceError(
            _("Only the result of a closed vote on projects can be overridden."),
            code="no_outcome",
            status_code=409,
        )
    options = list(vote.options.order_by("position", "id"))
    found = _deciding_kind(options)
    chosen = next(
        (
            o
            for o in options
            if (option_id is not None and o.pk == option_id)
            or (subject_id is not None and o.subject_id == subject_id)
        ),
        None,
    )
    if found is None or chosen is None or chosen.subject_kind != found[0]:
        raise _refuse(_("Choose one of this vote's projects."), "invalid_option", "option")
    kind, provider = found
    if not provider.overridable:
        raise GovernanceError(
            _("The result of this vote cannot be overridden."),
            code="not_overridable",
            status_code=409,
        )
    if chosen.subject_id == vote.outcome_subject_id:
        raise _refuse(
            _("This project is already the vote's outcome."), "outcome_unchanged", "option"
        )
    others = [o.subject_id for o in options if o.subject_kind == kind and o.pk != chosen.pk]
    before = vote.outcome_subject_id
    provider.outcome_apply(
        vote=vote, actor=actor, winner=chosen.subject_id, tied=[], others=others, reason=reason
    )
    vote.outcome_subject_kind = kind
    vote.outcome_subject_id = chosen.subject_id
    vote.outcome_override_reason = reason
    vote.outcome_overridden_by = actor
    vote.outcome_overridden_at = timezone.now()
    vote.save(
        update_fields=[
            "outcome_subject_kind",
            "outcome_subject_id",
            "outcome_override_reason",
            "outcome_overridden_by",
            "outcome_overridden_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="vote.outcome_override",
        target=vote,
        data={"kind": kind, "from": before, "to": chosen.subject_id, "reason": reason},
    )
    return vote
