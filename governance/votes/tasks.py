"""Thin Celery tasks of the votes: each calls a service that is safe to run twice."""

from celery import shared_task

from governance.votes import services


@shared_task(acks_late=True)
def votes_schedule_tick() -> dict[str, int]:
    """Every minute (beat): open and close the votes whose time has come, and send the
    24-hour reminders."""
    done = services.votes_sync_due()
    done["reminded"] = services.votes_remind_closing()
    return done


@shared_task(acks_late=True)
def vote_notice_send_task(*, vote_id: int, kind: str) -> int:
    return services.vote_notice_send(vote_id=vote_id, kind=kind)
