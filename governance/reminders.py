import datetime

from django.db import transaction
from django.utils import timezone

from governance.duties import duty_states
from governance.models import DutyReminder, Membership, MembershipStatus
from governance.selectors import member_list_with_standing

REMINDER_INTERVAL = datetime.timedelta(days=30)


def duty_reminder_key(*, membership_id: int, duties: list[str], on: datetime.date) -> str:
    """The outbox key of one reminder e-mail: who, about which duties, which day."""
    return f"duty-reminder:{membership_id}:{'+'.join(sorted(duties))}:{on.isoformat()}"


def duty_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail each member the duties they have not met, at most once per duty every 30 days.

    ``DutyReminder`` records which duty was reminded when (the 30-day rule reads it); the
    e-mail goes through the outbox under ``duty-reminder:<membership>:<duties>:<day>``, so
    it is sent at most once whoever runs this, and each member is locked while their
    reminders are recorded. Returns the number of e-mails queued.
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
            Membership.objects.select_for_update().filter(pk=membership.pk).first()
            already = set(
                DutyReminder.objects.filter(
                    membership=membership, sent_at__gt=since, duty__in=[d.code for d in unmet]
                ).values_list("duty", flat=True)
            )
            due = [duty for duty in unmet if duty.code not in already]
            if not due:
                continue
            email = _notify(
                membership.user,
                "governance/email/duty_reminder",
                {"membership": membership, "duties": due},
                key=duty_reminder_key(
                    membership_id=membership.pk, duties=[d.code for d in due], on=now.date()
                ),
            )
            if email is None:
                continue  # this very reminder is queued already: nothing more to record
            DutyReminder.objects.bulk_create(
                [DutyReminder(membership=membership, duty=d.code, sent_at=now) for d in due]
            )
        sent += 1
    return sent
