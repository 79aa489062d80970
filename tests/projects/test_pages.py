import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Comment, ConcernFlag, Project, ProjectTransition, RankingSnapshot
from projects.services import comment_create, concern_flag
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_and_the_nav_link_to_the_projects(client):
    html = client.get("/").content.decode()
    assert reverse("projects:list") in html


@pytest.mark.parametrize("count", [20, 200])
def test_the_list_page_runs_bounded_queries(member_client, count, django_assert_max_num_queries):
    authors = [UserFactory() for _ in range(3)]
    for i in range(count):
        ProjectFactory(status="submitted").authors.add(authors[i % 3])
    with django_assert_max_num_queries(14):
        response = member_client.get(reverse("projects:list"))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == 20


def test_the_list_filters_by_status_and_hides_drafts(client):
    ProjectFactory(status="selected", title="Choisi")
    ProjectFactory(status="submitted", title="Projet soumis")
    ProjectFactory(status="draft", title="Brouillon secret")
    html = client.get(reverse("projects:list"), {"status": "selected"}).content.decode()
    assert "Choisi" in html
    assert "Projet soumis" not in html
    assert "Brouillon secret" not in client.get(reverse("projects:list")).content.decode()


def test_a_member_proposes_then_edits_a_draft(member_client, member):
    response = member_client.post(
        reverse("projects:create"),
        {"title": "Four solaire", "summary": "Cuire au soleil", "description": "# Titre\n*ok*",
         "estimated_cost": "1500,50", "self_financing": "100", "needed_hours": "12"},
    )  # fmt: skip
    project = Project.objects.get()
    assert response.status_code == 302
    assert (project.estimated_cost_cents, project.self_financing_cents) == (150_050, 10_000)
    assert project.needed_minutes == 720
    assert list(project.authors.all()) == [member]
    edit = member_client.post(
        reverse("projects:edit", args=[project.slug]),
        {"title": "Four solaire collectif", "estimated_cost": "10", "self_financing": "50"},
    )
    assert edit.status_code == 400
    assert (
        "Self-financing cannot exceed" in edit.content.decode()
        or "autofinancement" in edit.content.decode()
    )
    assert Project.objects.get().title == "Four solaire"


def test_the_project_page_shows_safe_markdown_timeline_and_actions(client, member):
    project = ProjectFactory(status="draft", description="**gras** <script>x()</script>")
    project.authors.add(member)
    client.force_login(member)
    client.post(reverse("projects:transition", args=[project.slug]), {"to": "submitted"})
    html = client.get(project.get_absolute_url()).content.decode()
    assert "<strong>gras</strong>" in html
    assert "<script>x()" not in html
    assert ProjectTransition.objects.filter(project=project, to_status="submitted").exists()


def test_a_refused_step_is_a_message_not_an_error(member_client):
    # The project's page again, with the message and 403; nothing changed.
    project = ProjectFactory(status="submitted")
    response = member_client.post(
        reverse("projects:transition", args=[project.slug]), {"to": "in_review"}
    )
    assert response.status_code == 403
    assert 'class="message message-error"' in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == "submitted"
    assert not ProjectTransition.objects.filter(project=project).exists()


def test_a_state_conflict_renders_the_page_again_with_409(client, member):
    # A step that does not exist from this state: 409, the form's message, nothing changed.
    project = ProjectFactory(status="draft")
    project.authors.add(member)
    client.force_login(member)
    response = client.post(reverse("projects:transition", args=[project.slug]), {"to": "completed"})
    assert response.status_code == 409
    assert 'class="message message-error"' in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == "draft"
    assert not ProjectTransition.objects.exists()


def test_an_invalid_action_form_renders_the_page_again_with_400(client, member):
    project = ProjectFactory(status="submitted")
    client.force_login(member)
    response = client.post(reverse("projects:comment_create", args=[project.slug]), {"body": ""})
    assert response.status_code == 400
    assert 'class="message message-error"' in response.content.decode()
    assert project.title in response.content.decode()
    assert not project.comments.exists()


def test_a_successful_action_redirects_with_a_flash(client, member):
    project = ProjectFactory(status="submitted")
    client.force_login(member)
    response = client.post(
        reverse("projects:comment_create", args=[project.slug]), {"body": "Bravo"}, follow=True
    )
    assert response.redirect_chain == [(project.get_absolute_url(), 302)]
    assert 'class="message message-success"' in response.content.decode()
    assert project.comments.get().body == "Bravo"


def test_the_htmx_concern_button_toggles_in_place(pioneer_client, pioneer):
    project = ProjectFactory(status="submitted")
    url = reverse("projects:concern", args=[project.slug])
    on = pioneer_client.post(url, {"concerned": "1"}, HTTP_HX_REQUEST="true")
    assert on.status_code == 200
    assert 'aria-pressed="true"' in on.content.decode()
    assert ConcernFlag.objects.filter(project=project, user=pioneer).exists()
    off = pioneer_client.post(url, {"concerned": "0"}, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="false"' in off.content.decode()
    assert not ConcernFlag.objects.exists()


def test_a_draft_page_is_hidden_from_others(member_client):
    project = ProjectFactory(status="draft")
    assert member_client.get(project.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("who", "code"), [("anonymous", 302), ("member", 403), ("coordinator", 200)]
)
def test_the_review_screen_is_the_coordinators(client, member, coordinator, who, code):
    ProjectFactory(status="submitted", title="À examiner")
    if who != "anonymous":
        client.force_login({"member": member, "coordinator": coordinator}[who])
    assert client.get(reverse("projects:review")).status_code == code


def test_the_coordinator_publishes_from_the_ranking_page_and_the_queue_shows_the_next(
    coordinator_client, pioneer
):
    first = ProjectFactory(status="selected", estimated_cost_cents=100, title="Le moins cher")
    ProjectFactory(status="selected", estimated_cost_cents=900, title="Le plus cher")
    response = coordinator_client.post(
        reverse("projects:ranking"),
        {"weight_concern": 50, "weight_cost": 30, "weight_self_financing": 20, "note": "Printemps"},
    )
    assert response.status_code == 302
    html = coordinator_client.get(reverse("projects:ranking")).content.decode()
    assert RankingSnapshot.objects.count() == 1
    assert "Printemps" in html
    # the queue (issue 15 §2): the next one is the best-ranked selected project
    assert first.get_absolute_url() in html.split('class="queue-next"')[1].split("</tr>")[0]


def test_a_member_cannot_publish_from_the_page(member_client):
    response = member_client.post(
        reverse("projects:ranking"),
        {"weight_concern": 1, "weight_cost": 1, "weight_self_financing": 1},
    )
    assert response.status_code == 404
    assert not RankingSnapshot.objects.exists()


@pytest.mark.parametrize("count", [20, 200])
def test_the_ranking_page_runs_bounded_queries(
    client, coordinator, count, django_assert_max_num_queries
):
    from projects.services import ranking_publish

    for _ in range(count):
        ProjectFactory(status="selected")
    ranking_publish(actor=coordinator, weight_concern=1, weight_cost=1, weight_self_financing=1)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("projects:ranking")).status_code == 200


# ---------------------------------------------------------------- discussion and follow-up


def test_comments_replies_reports_and_hiding_with_a_reason_the_author_sees(
    client, member, coordinator
):
    project = ProjectFactory(status="submitted")
    client.force_login(member)
    client.post(reverse("projects:comment_create", args=[project.slug]), {"body": "Bonne idée"})
    top = Comment.objects.get()
    client.post(
        reverse("projects:comment_create", args=[project.slug]),
        {"body": "Je réponds", "parent": top.pk},
    )
    assert Comment.objects.get(body="Je réponds").parent == top
    client.post(reverse("projects:comment_report", args=[project.slug, top.pk]), {"reason": "Spam"})
    assert top.reports.count() == 1
    client.force_login(coordinator)
    client.post(
        reverse("projects:comment_hide", args=[project.slug, top.pk]), {"reason": "Hors charte"}
    )
    client.force_login(member)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Hors charte" in html
    client.logout()
    assert "Hors charte" not in client.get(project.get_absolute_url()).content.decode()


def test_a_comment_can_be_edited_only_within_the_window(member_client, member):
    project = ProjectFactory(status="submitted")
    comment = comment_create(actor=member, project=project, body="Premier jet")
    url = reverse("projects:comment_edit", args=[project.slug, comment.pk])
    member_client.post(url, {"body": "Corrigé"})
    assert Comment.objects.get().body == "Corrigé"
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    member_client.post(url, {"body": "Trop tard"})
    assert Comment.objects.get().body == "Corrigé"


def test_follow_up_updates_and_milestones_on_a_selected_project(client, member):
    project = ProjectFactory(status="in_progress")
    project.authors.add(member)
    client.force_login(member)
    client.post(
        reverse("projects:update_create", args=[project.slug]),
        {"text": "Les travaux ont commencé", "progress_percent": 40},
    )
    client.post(reverse("projects:milestone_create", args=[project.slug]), {"title": "Chantier"})
    milestone = project.milestones.get()
    client.post(reverse("projects:milestone_done", args=[project.slug, milestone.pk]))
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Les travaux ont commencé" in html
    assert 'value="40"' in html
    milestone.refresh_from_db()
    assert milestone.done_on is not None


def test_follow_up_is_refused_before_selection_and_to_others(client, member):
    project = ProjectFactory(status="submitted")
    project.authors.add(member)
    client.force_login(member)
    client.post(
        reverse("projects:update_create", args=[project.slug]),
        {"text": "Trop tôt", "progress_percent": 5},
    )
    assert not project.updates.exists()
    other = ProjectFactory(status="in_progress")
    client.post(
        reverse("projects:update_create", args=[other.slug]),
        {"text": "Pas à moi", "progress_percent": 5},
    )
    assert not other.updates.exists()


def test_concern_flags_show_on_the_project_page(client, pioneer):
    project = ProjectFactory(status="selected")
    concern_flag(actor=pioneer, project=project)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "100 %" in html
