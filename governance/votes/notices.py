"""E-mails to the electorate: when a vote opens and 24 hours before it closes.

Each e-mail goes through the outbox under the key ``vote-notice:<vote>:<user>:<kind>``:
whoever asks again, however often, a person hears of a round once. The round itself is
recorded (`VoteNotice`: when, and to how many) in the same transaction — the fact the
admin shows and the closing reminder's schedule reads.
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
        # The round's record and its e-mails in one transaction: the outbox sends them
        # when it commits, so a run killed midway leaves nothing queued and its retry
        # queues the whole round; the keys keep anyone from hearing of it twice.
        with transaction.atomic():
            notice = VoteNotice.objects.create(vote=vote, kind=kind, sent_at=now)
            queued = 0
            for membership in recipients:
                email = _notify(
                    membership.user,
                    _TEMPLATES[kind],
                    {"vote": vote, "membership": membership},
                    key=vote_notice_key(vote_id=vote.pk, user_id=membership.user_id, kind=kind),
                )
                queued += email is not None
            notice.recipient_count = queued
            notice.save(update_fields=["recipient_count"])
            audit_record(
                actor=None,
                action="vote.notice",
                target=vote,
                data={"kind": kind, "recipients": queued},
            )
    except IntegrityError:  # the round is recorded already (or by a concurrent run)
        return 0
    return queued


def vote_notice_key(*, vote_id: int, user_id: int, kind: str) -> str:
    return f"vote-notice:{vote_id}:{user_id}:{kind}"


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
