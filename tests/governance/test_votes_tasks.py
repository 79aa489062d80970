"""The scheduler: votes open and close on time, the electorate is mailed once, in its language."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from governance.models import Vote, VoteNotice, VoteResult
from governance.votes import services
from governance.votes.tasks import votes_schedule_tick
from tests.governance.votes_helpers import (  # noqa: F401  (fast_passwords: autouse)
    DAY,
    fast_passwords,
    make_vote,
    option_ids,
)

HOUR = datetime.timedelta(hours=1)


def _due_now(vote: Vote) -> None:
    """Time travel: the vote's opening time has just passed."""
    Vote.objects.filter(pk=vote.pk).update(opens_at=timezone.now() - HOUR)


def test_celery_beat_runs_the_vote_scheduler_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["governance-votes-schedule"]
    assert entry["task"] == votes_schedule_tick.name == "governance.votes.tasks.votes_schedule_tick"
    assert entry["schedule"] <= 60


@pytest.mark.django_db
def test_the_tick_opens_a_due_vote_and_mails_each_voter_in_their_language(
    coordinator, colleges, membership_factory, django_capture_on_commit_callbacks
):
    # given
    french = membership_factory(college=colleges["fondateurs"], user__language="fr").user
    english = membership_factory(college=colleges["fondateurs"], user__language="en").user
    membership_factory(college=colleges["salaries"])  # not in this vote's electorate
    vote = make_vote(
        coordinator, opens_in=DAY, closes_in=5 * DAY, colleges=[colleges["fondateurs"]]
    )
    _due_now(vote)
    mail.outbox.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        done = votes_schedule_tick.delay().get()
    # then
    assert done == {"opened": 1, "closed": 0, "reminded": 0}
    vote.refresh_from_db()
    assert vote.status == "open"
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {french.email, english.email}
    assert by_person[french.email].subject == f"[Terreau] Scrutin ouvert : {vote.title}"
    assert by_person[english.email].subject == f"[Terreau] Vote open: {vote.title}"
    assert f"/membres/votes/{vote.pk}/bulletin/" in by_person[french.email].body
    assert "Jardin" in by_person[french.email].body
    # and a second run sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        assert votes_schedule_tick.delay().get() == {"opened": 0, "closed": 0, "reminded": 0}
    assert len(mail.outbox) == 2
    assert VoteNotice.objects.get(vote=vote, kind="opening").recipient_count == 2


@pytest.mark.django_db
def test_the_reminder_goes_once_to_those_who_have_not_voted_on_the_last_day(
    coordinator, colleges, membership_factory, member, django_capture_on_commit_callbacks
):
    waiting = membership_factory(college=colleges["fondateurs"]).user
    vote = make_vote(coordinator, closes_in=5 * DAY)
    services.vote_cast(user=member, vote=vote, grades=dict.fromkeys(option_ids(vote), 4))
    mail.outbox.clear()
    # not yet the last day
    with django_capture_on_commit_callbacks(execute=True):
        assert votes_schedule_tick.delay().get()["reminded"] == 0
    # when: the vote closes in 12 hours
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() + 12 * HOUR)
    with django_capture_on_commit_callbacks(execute=True):
        assert votes_schedule_tick.delay().get()["reminded"] == 1
        assert votes_schedule_tick.delay().get()["reminded"] == 0
    # then
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert "Dernier jour pour voter" in mail.outbox[0].subject


@pytest.mark.django_db
def test_a_vote_shorter_than_a_day_gets_no_reminder(
    coordinator, colleges, member, django_capture_on_commit_callbacks
):
    make_vote(coordinator, opens_in=-HOUR, closes_in=12 * HOUR)
    with django_capture_on_commit_callbacks(execute=True):
        assert votes_schedule_tick.delay().get()["reminded"] == 0
    assert not VoteNotice.objects.filter(kind="closing_soon").exists()


@pytest.mark.django_db
def test_the_tick_closes_an_expired_vote_and_counts_it(coordinator, colleges, member):
    vote = make_vote(coordinator)
    services.vote_cast(user=member, vote=vote, grades=dict.fromkeys(option_ids(vote), 2))
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() - 3 * DAY, closes_at=timezone.now() - HOUR
    )
    assert votes_schedule_tick.delay().get()["closed"] == 1
    assert VoteResult.objects.get(vote=vote).ballot_count == 1
    assert votes_schedule_tick.delay().get()["closed"] == 0


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_scheduler_runs_through_a_real_worker(coordinator, colleges, member):
    from celery.contrib.testing.worker import start_worker

    from backend.celery import app

    vote = make_vote(coordinator)
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() - 3 * DAY, closes_at=timezone.now() - HOUR
    )
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        done = votes_schedule_tick.delay().get(timeout=30)
    assert done["closed"] == 1
    vote.refresh_from_db()
    assert vote.status == "closed"
    assert VoteResult.objects.filter(vote=vote).exists()
