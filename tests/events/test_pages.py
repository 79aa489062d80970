import datetime

import pytest
from django.utils import timezone

from events.dashboard_panels import rhythm_warnings
from events.models import Event, Registration
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_list_page_upcoming_past_and_empty(
    client, event_factory, django_assert_max_num_queries
):
    now = timezone.now()
    for i in range(25):
        event_factory(title=f"À venir {i}", commune="Gap" if i % 2 else "Briançon")
    event_factory(title="Passé", starts_at=now - datetime.timedelta(days=30))
    with django_assert_max_num_queries(12):
        page = client.get("/evenements/")
    assert page.status_code == 200
    assert "À venir 0" in page.content.decode()
    assert ">Passé</a>" not in page.content.decode()
    past = client.get("/evenements/?when=past").content.decode()
    assert ">Passé</a>" in past
    assert "À venir 0" not in past
    gap = client.get("/evenements/?commune=Gap").content.decode()
    assert "À venir 1<" in gap
    assert "À venir 2<" not in gap
    assert "Aucun" in client.get("/evenements/?kind=training").content.decode()


def test_a_member_registers_from_the_project_page(client, event_factory, member):
    project = ProjectFactory(status="in_progress")
    meeting = event_factory(title="Réunion de chantier", kind="work_meeting", project=project,
                            visibility="members", capacity=4)  # fmt: skip
    client.force_login(member)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Réunion de chantier" in page
    client.post(f"/evenements/{meeting.pk}/inscription/", {"next": project.get_absolute_url()})
    assert Registration.objects.get(event=meeting, user=member).status == "registered"
    detail = client.get(f"/evenements/{meeting.pk}/").content.decode()
    assert 'id="registration-status"' in detail
    client.post(f"/evenements/{meeting.pk}/desinscription/")
    assert Registration.objects.get(event=meeting, user=member).status == "cancelled"


def test_the_coordinator_creates_and_closes_with_minutes(coordinator_client, member):
    project = ProjectFactory(status="selected")
    start = timezone.localtime() + datetime.timedelta(days=2)
    response = coordinator_client.post("/evenements/nouveau/", {
        "kind": "work_meeting", "title": "Atelier budget", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "visibility": "members", "project": project.pk, "capacity": 10,
    })  # fmt: skip
    event = Event.objects.get(title="Atelier budget")
    assert response.status_code == 302
    Registration.objects.create(event=event, user=member, status="registered")
    # no minutes: refused, nothing changes
    refused = coordinator_client.post(f"/evenements/{event.pk}/cloturer/", {"minutes": ""})
    assert refused.status_code == 400
    event.refresh_from_db()
    assert event.status == "scheduled"
    coordinator_client.post(f"/evenements/{event.pk}/cloturer/", {
        "minutes": "Budget validé.", "decisions": "Acheter du bois.", "next_steps": "Devis",
        "attendees": [str(member.pk)],
    })  # fmt: skip
    event.refresh_from_db()
    assert event.status == "closed"
    project_page = coordinator_client.get(project.get_absolute_url()).content.decode()
    assert "Atelier budget" in project_page
    assert f"/evenements/{event.pk}/#h-minutes" in project_page


def test_forms_are_for_the_coordinator(member_client, event_factory):
    event = event_factory()
    assert member_client.get("/evenements/nouveau/").status_code == 403
    assert member_client.get(f"/evenements/{event.pk}/cloturer/").status_code == 403


def test_rhythm_warnings(event_factory):
    project = ProjectFactory(status="in_progress", title="Jardin partagé")
    codes = {w["code"] for w in rhythm_warnings()}
    assert codes == {"convivial", "network", "work_meeting"}
    now = timezone.now()
    event_factory(kind="convivial", starts_at=now + datetime.timedelta(days=100))
    event_factory(kind="work_meeting", project=project, starts_at=now - datetime.timedelta(days=5))
    quarter_ago = now - datetime.timedelta(days=92)
    event_factory(kind="network_meeting", starts_at=quarter_ago)
    remaining = {w["code"] for w in rhythm_warnings()}
    assert "convivial" not in remaining
    assert "work_meeting" not in remaining


def test_the_dashboard_shows_the_warnings_to_the_coordinator(client, coordinator, member):
    client.force_login(coordinator)
    assert "data-rhythm=" in client.get("/tableau-de-bord/").content.decode()
    client.force_login(member)
    assert "data-rhythm=" not in client.get("/tableau-de-bord/").content.decode()


def test_the_detail_page_of_a_hidden_event_is_404(client, event_factory):
    event = event_factory(visibility="members")
    assert client.get(f"/evenements/{event.pk}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/evenements/{event.pk}/").status_code == 404


def test_the_project_page_costs_the_same_whatever_its_meetings(
    client, event_factory, member, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = ProjectFactory(status="in_progress")
    client.force_login(member)
    event_factory(kind="work_meeting", project=project, visibility="members")
    with CaptureQueriesContext(connection) as few:
        client.get(project.get_absolute_url())
    for i in range(12):
        event_factory(kind="work_meeting", project=project, visibility="members", title=f"R{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_rhythm_panel_costs_the_same_whatever_the_projects(event_factory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ProjectFactory(status="in_progress")
    with CaptureQueriesContext(connection) as few:
        rhythm_warnings()
    for _ in range(10):
        ProjectFactory(status="in_progress")
    with CaptureQueriesContext(connection) as many:
        warnings = rhythm_warnings()
    assert len(many.captured_queries) == len(few.captured_queries) == 3
    assert len([w for w in warnings if w["code"] == "work_meeting"]) == 5  # PANEL_LIMIT
