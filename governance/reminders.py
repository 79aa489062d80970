import datetime

from django.db import transaction
from django.utils import timezone

from backend.core.locks import lock_rows
from governance.duties import duty_states
from governance.models import DutyReminder, Membership, MembershipStatus
from governance.selectors import member_list_with_standing

REMINDER_INTERVAL = datetime.timedelta(days=30)


def duty_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail each member the duties they have not met, at most once per duty every 30 days.

    Safe to run twice, or twice at once: each member is locked while their reminders are
    recorded, and a duty reminded within the interval is skipped. Returns the number of
    e-mails sent.
    """
    from governance.services import _notify

    now = now or timezone.now()
    since = now - REMINDER_INTERVAL
    recent = set(
        DutyReminder.objects.filter(sent_at__gt=since).values_list("membership_id", "duty")
    )
    sent = 0
    for membership in member_list_with_standing(status=MembershipStatus.MEMBER, standing=False):
        unmet = [
            status.duty
            for status in duty_states(membership)
            if status.state == "unmet" and (membership.pk, status.duty.code) not in recent
        ]
        if not unmet:
            continue
        with transaction.atomic():
            lock_rows(Membership, [membership.pk])
            already = set(
                DutyReminder.objects.filter(
                    membership=membership, sent_at__gt=since, duty__in=[d.code for d in unmet]
                ).values_list("duty", flat=True)
            )
            due = [duty for duty in unmet if duty.code not in already]
            if not due:
                continue
            DutyReminder.objects.bulk_create(
                [DutyReminder(membership=membership, duty=d.code, sent_at=now) for d in due]
            )
            _notify(
                membership.user,
                "governance/email/duty_reminder",
                {"membership": membership, "duties": due},
            )
        sent += 1
    return sent
