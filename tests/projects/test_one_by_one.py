"""Issue 15 §2: projects are carried out one by one, in order of impact. A start beyond
the cooperative's cap answers 409 naming what runs; a start out of the published ranking's
order needs a public reason, shown in the ranking page's queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify

from backend.core.errors import ApplicationError
from backend.core.models import AuditEvent
from governance.models import CooperativeSettings
from projects.models import Project, ProjectTransition
from projects.services import project_transition, ranking_publish
from tests.factories import ProjectFactory

REASON = "Le projet Vélo attend une subvention qui expire en mars : il part avant."


def _publish(coordinator):
    # the cost alone decides: the cheaper, the better
    return ranking_publish(
        actor=coordinator, weight_concern=0, weight_cost=1, weight_self_financing=0
    )


@pytest.fixture
def queue(coordinator):
    """Three selected projects ranked Jardin, Vélo, Eau (by cost)."""
    projects = [
        ProjectFactory(title=title, slug=slugify(title), estimated_cost_cents=cost)
        for title, cost in (("Jardin", 1_000), ("Vélo", 50_000), ("Eau", 90_000))
    ]
    _publish(coordinator)
    return projects


def _status(project) -> str:
    return Project.objects.get(pk=project.pk).status


@pytest.mark.django_db
def test_a_second_start_is_refused_naming_the_running_project(coordinator, queue):
    jardin, velo, _eau = queue
    project_transition(actor=coordinator, project=jardin, to="in_progress")
    before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as caught:
        project_transition(actor=coordinator, project=velo, to="in_progress", reason=REASON)
    assert caught.value.status_code == 409
    assert caught.value.code == "too_many_in_progress"
    assert "Jardin" in caught.value.message
    assert _status(velo) == "selected"
    assert not ProjectTransition.objects.filter(project=velo).exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_the_cap_is_a_cooperative_setting(coordinator, queue):
    jardin, velo, _eau = queue
    coop = CooperativeSettings.load()
    coop.max_projects_in_progress = 2
    coop.save()
    project_transition(actor=coordinator, project=jardin, to="in_progress")
    project_transition(actor=coordinator, project=velo, to="in_progress", reason=REASON)
    assert Project.objects.filter(status="in_progress").count() == 2
    # once a project is completed, the next may start
    project_transition(actor=coordinator, project=jardin, to="completed")
    assert _status(jardin) == "completed"


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_starting_out_of_order_needs_a_public_reason(coordinator, queue, reason):
    _jardin, velo, _eau = queue
    with pytest.raises(ApplicationError) as caught:
        project_transition(actor=coordinator, project=velo, to="in_progress", reason=reason)
    assert caught.value.status_code == 400
    assert caught.value.code == "reason_required"
    assert "Jardin" in caught.value.message
    assert caught.value.errors["reason"]
    assert _status(velo) == "selected"


@pytest.mark.django_db
def test_a_start_out_of_order_keeps_its_reason_audited(coordinator, queue):
    jardin, velo, _eau = queue
    transition = project_transition(
        actor=coordinator, project=velo, to="in_progress", reason=REASON
    )
    assert transition.out_of_order
    assert transition.reason == REASON
    audit = AuditEvent.objects.filter(action="project.transition", target_id=str(velo.pk)).get()
    assert audit.data["out_of_order"] is True
    assert audit.data["first_in_ranking"] == jardin.pk
    assert audit.data["reason"] == REASON


@pytest.mark.django_db
def test_the_first_of_the_ranking_starts_without_a_reason(coordinator, queue):
    transition = project_transition(actor=coordinator, project=queue[0], to="in_progress")
    assert not transition.out_of_order
    assert _status(queue[0]) == "in_progress"


@pytest.mark.django_db
def test_without_a_published_ranking_no_reason_is_needed(coordinator):
    project = ProjectFactory()
    ProjectFactory()
    assert project_transition(actor=coordinator, project=project, to="in_progress")


# ---------------------------------------------------------------- API and pages


@pytest.mark.django_db
def test_the_api_answers_409_and_400(api_client, coordinator, queue):
    jardin, velo, eau = queue
    api_client.force_authenticate(coordinator)
    url = "/api/v1/projects/{}/transition/"
    no_reason = api_client.post(url.format(velo.pk), {"to": "in_progress"}, format="json")
    assert no_reason.status_code == 400
    assert "reason" in str(no_reason.json())
    assert api_client.post(url.format(jardin.pk), {"to": "in_progress"}).status_code == 200
    second = api_client.post(url.format(eau.pk), {"to": "in_progress", "reason": REASON})
    assert second.status_code == 409
    assert "Jardin" in str(second.json())
    assert _status(eau) == "selected"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "déjà en cours"), ("en", "already in progress")],
)
def test_the_page_answers_409_naming_the_running_project(
    client, coordinator, queue, language, words
):
    client.cookies["terreau_language"] = language
    jardin, velo, _eau = queue
    project_transition(actor=coordinator, project=jardin, to="in_progress")
    client.force_login(coordinator)
    response = client.post(
        reverse("projects:transition", kwargs={"slug": velo.slug}),
        {"to": "in_progress", "reason": REASON},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert words in page
    assert "Jardin" in page
    assert _status(velo) == "selected"
    # the coordinator's choice and public reason are kept, to try again later
    assert '<option value="in_progress" selected>' in page
    assert f">{REASON}</textarea>" in page


@pytest.mark.django_db
def test_the_page_asks_for_the_reason_on_its_field(client, coordinator, queue):
    _jardin, velo, _eau = queue
    client.force_login(coordinator)
    response = client.post(
        reverse("projects:transition", kwargs={"slug": velo.slug}), {"to": "in_progress"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-describedby="transition-reason-error"' in page
    assert '<span class="errorlist" id="transition-reason-error" role="alert">' in page
    assert "Jardin" in page
    assert _status(velo) == "selected"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "running", "next_"),
    [("fr", "En cours", "Suivant"), ("en", "In progress", "Next")],
)
def test_the_ranking_page_shows_the_queue_with_the_reason(
    client, coordinator, queue, language, running, next_
):
    client.cookies["terreau_language"] = language
    _jardin, velo, _eau = queue
    project_transition(actor=coordinator, project=velo, to="in_progress", reason=REASON)
    page = client.get(reverse("projects:ranking"))
    html = page.content.decode()
    queue_html = html[html.index('id="queue"') : html.index('id="h-formula"')]
    assert running in queue_html, queue_html
    assert REASON in queue_html, queue_html
    assert next_ in queue_html
    # running (Vélo), next (Jardin, first selected), then Eau
    assert queue_html.index("Vélo") < queue_html.index("Jardin") < queue_html.index("Eau")
    assert queue_html.count("→ +") >= 9  # each row with its score breakdown


@pytest.mark.django_db
def test_the_ranking_page_queries_are_bounded(client, coordinator, django_assert_max_num_queries):
    def publish_and_count(n: int) -> int:
        for i in range(n):
            ProjectFactory(estimated_cost_cents=1_000 * (i + 1))
        _publish(coordinator)
        first = Project.objects.filter(status="selected").order_by("pk").first()
        if not Project.objects.filter(status="in_progress").exists():
            project_transition(actor=coordinator, project=first, to="in_progress")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("projects:ranking")).status_code == 200
        return len(captured)

    few = publish_and_count(3)
    many = publish_and_count(20)
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(reverse("projects:ranking"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "sentence"),
    [("fr", "au plus 1 en cours"), ("en", "at most 1 in progress")],
)
def test_the_federation_page_states_the_selection_rule(client, colleges, language, sentence):
    client.cookies["terreau_language"] = language
    page = client.get(reverse("governance:federation"))
    assert sentence in page.content.decode()
