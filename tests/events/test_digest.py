import datetime

import pytest
from django.utils import timezone

from backend.core.digest import period_key, unsubscribe_token
from backend.core.models import DigestPreference, OutboxEmail
from backend.core.services import digest_send
from backend.core.tasks import digests_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_digest_lists_new_events_and_is_sent_once_per_period(event_factory, member):
    # given: a public event announced today
    event = event_factory(title="Fête de la coopérative", visibility="public")
    now = timezone.now()
    # when: the weekly digest runs twice in the same week
    assert digest_send(user=member, frequency="weekly", now=now) is True
    assert (
        digest_send(user=member, frequency="weekly", now=now + datetime.timedelta(hours=2)) is False
    )
    # then: one e-mail, keyed by person and period, with the event and a one-click unsubscribe
    emails = list(OutboxEmail.objects.all())
    assert len(emails) == 1
    email = emails[0]
    assert email.key == f"digest:{member.pk}:{period_key('weekly', now)}"
    assert event.title in email.body
    assert email.to == [member.email]
    assert email.headers["List-Unsubscribe"].startswith("<http")
    assert "/resumes/desabonnement/" in email.headers["List-Unsubscribe"]
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_empty_digest_is_not_sent(member):
    assert digest_send(user=member, frequency="daily", now=timezone.now()) is False
    assert not OutboxEmail.objects.exists()


def test_the_digest_is_in_the_persons_language(event_factory):
    english = UserFactory(language="en")
    event_factory(title="Picnic", visibility="public")
    digest_send(user=english, frequency="weekly", now=timezone.now())
    body = OutboxEmail.objects.get().body
    assert "Events coming" in body


def test_the_task_sends_to_the_people_of_that_frequency(event_factory, coordinator):
    event_factory(title="Fête", visibility="public")
    weekly_by_default, daily, none = UserFactory(), UserFactory(), UserFactory()
    DigestPreference.objects.create(user=daily, frequency="daily")
    DigestPreference.objects.create(user=none, frequency="none")
    digests_send("weekly")
    digests_send("weekly")  # a redelivered beat tick sends nothing more
    # (the coordinator who made the event has no preference either: weekly)
    weekly = sorted(e.to[0] for e in OutboxEmail.objects.all())
    assert weekly == sorted([weekly_by_default.email, coordinator.email])
    digests_send("daily")
    assert OutboxEmail.objects.count() == 3
    assert OutboxEmail.objects.filter(to=[daily.email]).exists()


def test_one_click_unsubscribe(client, member):
    token = unsubscribe_token(member)
    # a link scanner's GET only shows the confirmation
    page = client.get(f"/resumes/desabonnement/{token}/")
    assert page.status_code == 200
    assert 'method="post"' in page.text
    assert not DigestPreference.objects.filter(user=member, frequency="none").exists()
    response = client.post(f"/resumes/desabonnement/{token}/")
    assert response.status_code == 200
    assert DigestPreference.objects.get(user=member).frequency == "none"
    assert client.get("/resumes/desabonnement/forged/").status_code == 404


def test_the_preference_page(client, member):
    client.force_login(member)
    assert client.get("/resumes/").status_code == 200
    client.post("/resumes/", {"frequency": "daily"})
    assert DigestPreference.objects.get(user=member).frequency == "daily"
    client.post("/resumes/", {"frequency": "hourly"})
    assert DigestPreference.objects.get(user=member).frequency == "daily"


def test_personal_data_holds_registrations_and_erasure_removes_the_secrets(event_factory, member):
    from backend.accounts.privacy import personal_data_collect
    from events import services
    from events.privacy import events_erase

    event = event_factory(title="Fête")
    services.registration_create(actor=member, event=event)
    services.calendar_token_regenerate(user=member)
    DigestPreference.objects.create(user=member, frequency="daily")
    data = personal_data_collect(user=member)["events"]
    assert [r["event"] for r in data["event_registrations"]] == ["Fête"]
    assert data["digest_preference"][0]["frequency"] == "daily"
    assert events_erase(member) == {"calendar_tokens": 1, "digest_preferences": 1}


def test_composing_a_digest_costs_the_same_whatever_the_data(event_factory, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from backend.core.digest import digest_compose
    from tests.factories import ProjectFactory

    now = timezone.now() + datetime.timedelta(minutes=5)  # after the rows made below
    since = now - datetime.timedelta(days=7)
    event_factory(title="Une")
    fresh = type(member).objects.get  # each digest reads a person fresh from the database
    with CaptureQueriesContext(connection) as few:
        digest_compose(user=fresh(pk=member.pk), since=since, until=now)
    for i in range(15):
        event_factory(title=f"Fête {i}")
        ProjectFactory()
    with CaptureQueriesContext(connection) as many:
        sections = digest_compose(user=fresh(pk=member.pk), since=since, until=now)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(next(s for s in sections if s.code == "events").items) == 10  # SECTION_LIMIT


def test_the_sections_of_votes_and_exchanges(member):
    from backend.core.digest import digest_compose
    from governance.models import Membership
    from tests.factories import ExchangeFactory, ListingFactory, VoteFactory

    membership = Membership.objects.get(user=member)
    vote = VoteFactory(title="Choix du prochain projet")
    vote.colleges.add(membership.college)
    listing = ListingFactory(owner=membership, title="Cours de greffe")
    ExchangeFactory(listing=listing)
    now = timezone.now()
    sections = {
        s.code: s
        for s in digest_compose(user=member, since=now - datetime.timedelta(days=7), until=now)
    }
    assert [i.title for i in sections["votes"].items] == ["Choix du prochain projet"]
    assert [i.title for i in sections["exchanges"].items] == ["Cours de greffe"]
