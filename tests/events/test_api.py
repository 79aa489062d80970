import datetime

import pytest
from django.utils import timezone

from events.models import Registration
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_what_the_person_may_see_and_filters(api_client, event_factory, member):
    project = ProjectFactory(status="in_progress")
    public = event_factory(title="Fête", visibility="public")
    members_only = event_factory(title="Réseau", kind="network_meeting", visibility="members")
    team = event_factory(
        title="Équipe", kind="work_meeting", visibility="project_team", project=project
    )
    # a visitor sees the public event only
    body = api_client.get("/api/v1/events/").json()
    assert [e["id"] for e in body["results"]] == [public.pk]
    assert body["count"] == 1
    # a member sees members' events too, not the project team's
    api_client.force_authenticate(member)
    ids = {e["id"] for e in api_client.get("/api/v1/events/").json()["results"]}
    assert ids == {public.pk, members_only.pk}
    assert api_client.get(f"/api/v1/events/{team.pk}/").status_code == 404
    # an author of the project sees its team meeting
    project.authors.add(member)
    ids = {e["id"] for e in api_client.get("/api/v1/events/").json()["results"]}
    assert ids == {public.pk, members_only.pk, team.pk}
    # filters
    kinds = api_client.get("/api/v1/events/?kind=network_meeting").json()["results"]
    assert [e["id"] for e in kinds] == [members_only.pk]
    by_project = api_client.get(f"/api/v1/events/?project={project.pk}").json()["results"]
    assert [e["id"] for e in by_project] == [team.pk]
    assert api_client.get("/api/v1/events/?kind=party").status_code == 400


def test_after_and_before_filter_by_start(api_client, event_factory):
    now = timezone.now()
    soon = event_factory(title="Bientôt", starts_at=now + datetime.timedelta(days=2))
    later = event_factory(title="Plus tard", starts_at=now + datetime.timedelta(days=40))
    cut = (now + datetime.timedelta(days=10)).isoformat()
    after = api_client.get("/api/v1/events/", {"after": cut}).json()["results"]
    before = api_client.get("/api/v1/events/", {"before": cut}).json()["results"]
    assert [e["id"] for e in after] == [later.pk]
    assert [e["id"] for e in before] == [soon.pk]
    assert api_client.get("/api/v1/events/?after=demain").status_code == 400


def test_registration_contract(api_client, event_factory):
    event = event_factory(capacity=1)
    first, second = UserFactory(), UserFactory()
    api_client.force_authenticate(first)
    response = api_client.post(f"/api/v1/events/{event.pk}/registration/")
    assert response.status_code == 201
    assert response.json() == {"status": "registered", "position": None}
    again = api_client.post(f"/api/v1/events/{event.pk}/registration/")
    assert again.status_code == 409
    assert again.json()["code"] == "already_registered"
    api_client.force_authenticate(second)
    response = api_client.post(f"/api/v1/events/{event.pk}/registration/")
    assert response.status_code == 201
    assert response.json() == {"status": "waitlisted", "position": 1}
    # the first cancels: the second is seated
    api_client.force_authenticate(first)
    assert api_client.delete(f"/api/v1/events/{event.pk}/registration/").status_code == 200
    assert Registration.objects.get(event=event, user=second).status == "registered"
    assert api_client.delete(f"/api/v1/events/{event.pk}/registration/").status_code == 404


def test_registration_after_the_deadline_is_a_400(api_client, event_factory, member):
    event = event_factory(registration_deadline=timezone.now() - datetime.timedelta(hours=1))
    api_client.force_authenticate(member)
    response = api_client.post(f"/api/v1/events/{event.pk}/registration/")
    assert response.status_code == 400
    assert response.json()["code"] == "deadline"
    assert not Registration.objects.exists()


def test_registration_needs_an_account(api_client, event_factory):
    event = event_factory()
    assert api_client.post(f"/api/v1/events/{event.pk}/registration/").status_code == 401


def test_a_retry_with_the_same_key_registers_once(api_client, event_factory, member):
    event = event_factory(capacity=5)
    api_client.force_authenticate(member)
    url = f"/api/v1/events/{event.pk}/registration/"
    first = api_client.post(url, HTTP_IDEMPOTENCY_KEY="k-1")
    second = api_client.post(url, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert Registration.objects.filter(event=event).count() == 1


def test_the_list_query_count_does_not_grow(
    api_client, event_factory, member, django_assert_max_num_queries
):
    project = ProjectFactory(status="in_progress")
    for i in range(30):
        event = event_factory(title=f"Évènement {i}", capacity=5, project=project)
        Registration.objects.create(event=event, user=member, status="registered")
    api_client.force_authenticate(member)
    with django_assert_max_num_queries(8):
        response = api_client.get("/api/v1/events/?page_size=30")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 30
    assert response.json()["results"][0]["registered_count"] == 1
