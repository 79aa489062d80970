"""E-mails to the electorate: when a vote opens and 24 hours before it closes.

Each round is recorded (`VoteNotice`, unique per vote and kind) in the transaction that
queues its e-mails, so a task that runs twice, or twice at once, sends each round once.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.core.services import audit_record
from governance.votes.models import Participation, Vote, VoteNotice, VoteStatus
from governance.votes.selectors import vote_electorate

CLOSING_REMINDER_BEFORE = datetime.timedelta(hours=24)

_TEMPLATES = {
    VoteNotice.Kind.OPENING: "governance/votes/email/opened",
    VoteNotice.Kind.CLOSING_SOON: "governance/votes/email/closing",
}


def closing_reminder_due(*, vote: Vote, now: datetime.datetime) -> bool:
    """Remind on the last day of a vote that lasts more than a day (a shorter vote's
    opening e-mail already says when it closes)."""
    return (
        vote.status == VoteStatus.OPEN
        and vote.closes_at - CLOSING_REMINDER_BEFORE <= now < vote.closes_at
        and vote.opens_at < vote.closes_at - CLOSING_REMINDER_BEFORE
    )


@transaction.atomic
def vote_notice_send(*, vote_id: int, kind: str, now: datetime.datetime | None = None) -> int:
    """Send one round of e-mails about a vote; returns how many were queued (0 when the
    round was already sent or is not due)."""
    from governance.services import _notify

    now = now or timezone.now()
    vote = Vote.objects.prefetch_related("options").get(pk=vote_id)
    if kind == VoteNotice.Kind.OPENING and vote.status != VoteStatus.OPEN:
        return 0
    if kind == VoteNotice.Kind.CLOSING_SOON and not closing_reminder_due(vote=vote, now=now):
        return 0
    recipients = vote_electorate(vote=vote).select_related("user")
    if kind == VoteNotice.Kind.CLOSING_SOON:
        # Those who already voted have nothing to do.
        recipients = recipients.exclude(
            pk__in=Participation.objects.filter(vote=vote).values("membership_id")
        )
    recipients = list(recipients)
    try:
        with transaction.atomic():
            VoteNotice.objects.create(
                vote=vote, kind=kind, recipient_count=len(recipients), sent_at=now
            )
    except IntegrityError:  # already sent (or being sent by a concurrent run)
        return 0
    for membership in recipients:
        _notify(membership.user, _TEMPLATES[kind], {"vote": vote, "membership": membership})
    audit_record(
        actor=None,
        action="vote.notice",
        target=vote,
        data={"kind": kind, "recipients": len(recipients)},
    )
    return len(recipients)


def votes_closing_soon(*, now: datetime.datetime) -> list[int]:
    """Open votes in their last 24 hours whose reminder has not been sent."""
    return [
        vote.pk
        for vote in Vote.objects.filter(
            status=VoteStatus.OPEN,
            closes_at__gt=now,
            closes_at__lte=now + CLOSING_REMINDER_BEFORE,
        ).exclude(notices__kind=VoteNotice.Kind.CLOSING_SOON)
        if closing_reminder_due(vote=vote, now=now)
    ]
