import pytest
from icalendar import Calendar

from events import services
from events.models import CalendarToken
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _uids(response) -> set[str]:
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar.get("version") == "2.0"
    timezones = list(calendar.walk("VTIMEZONE"))
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Paris"]
    events = calendar.walk("VEVENT")
    for vevent in events:
        assert vevent.get("dtstamp") is not None
        assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    return {str(vevent["UID"]) for vevent in events}


def test_the_public_feed_holds_the_public_events_only(client, event_factory):
    public = event_factory(title="Fête", visibility="public")
    event_factory(title="Réseau", kind="network_meeting", visibility="members")
    cancelled = event_factory(title="Annulé", visibility="public", status="cancelled")
    uids = _uids(client.get("/calendar/public.ics"))
    assert uids == {f"event-{public.pk}@terreau.coop"}
    assert f"event-{cancelled.pk}@terreau.coop" not in uids


def test_the_private_feed_holds_exactly_what_the_member_may_see(client, event_factory, member):
    project = ProjectFactory(status="in_progress")
    project.authors.add(member)
    other_project = ProjectFactory(status="in_progress")
    registered = event_factory(title="Fête", visibility="public")
    services.registration_create(actor=member, event=registered)
    team = event_factory(
        title="Équipe", kind="work_meeting", visibility="project_team", project=project
    )
    event_factory(title="Autre équipe", kind="work_meeting", visibility="project_team",
                  project=other_project)  # fmt: skip
    event_factory(title="Pas inscrit", visibility="public")
    token = services.calendar_token_regenerate(user=member)
    uids = _uids(client.get(f"/calendar/{token.token}.ics"))
    assert uids == {f"event-{registered.pk}@terreau.coop", f"event-{team.pk}@terreau.coop"}


def test_a_regenerated_token_revokes_the_old_address(client, member):
    old = services.calendar_token_regenerate(user=member)
    new = services.calendar_token_regenerate(user=member)
    assert client.get(f"/calendar/{old.token}.ics").status_code == 404
    assert client.get(f"/calendar/{new.token}.ics").status_code == 200
    services.calendar_token_revoke(user=member)
    assert client.get(f"/calendar/{new.token}.ics").status_code == 404


def test_the_uid_is_stable(client, event_factory, coordinator):
    event = event_factory(visibility="public")
    before = _uids(client.get("/calendar/public.ics"))
    services.event_update(actor=coordinator, event=event, title="Fête renommée")
    assert _uids(client.get("/calendar/public.ics")) == before


def test_the_calendar_page_creates_and_revokes(client, member):
    client.force_login(member)
    assert client.get("/evenements/calendrier/").status_code == 200
    client.post("/evenements/calendrier/", {"action": "regenerate"})
    assert member.calendar_token.token
    page = client.get("/evenements/calendrier/")
    assert member.calendar_token.token in page.content.decode()
    client.post("/evenements/calendrier/", {"action": "revoke"})
    assert not CalendarToken.objects.filter(user=member).exists()
