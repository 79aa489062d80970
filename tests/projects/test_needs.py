"""Project needs: skills with hours wanted, in the API, the proposal form and the data
migration from the former comma list."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from backend.core.models import AuditEvent
from pioneers.models import Skill
from projects.models import Project, ProjectNeed
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


@pytest.fixture
def skills(db):
    return {
        slug: Skill.objects.create(name=name, slug=slug)
        for slug, name in [("menuiserie", "Menuiserie"), ("comptabilite", "Comptabilité")]
    }


def _draft_of(user, **kwargs) -> Project:
    project = ProjectFactory(status="draft", created_by=user, **kwargs)
    project.authors.add(user)
    return project


# ---------------------------------------------------------------- API


def test_a_proposal_with_needs_answers_them_with_hours_wanted_and_given(api_client, member, skills):
    api_client.force_authenticate(member)
    response = api_client.post(
        URL,
        {
            "title": "Atelier bois",
            "needs": [
                {"skill": "menuiserie", "hours_wanted": 12, "note": "un établi"},
                {"skill": "COMPTABILITE", "hours_wanted": 3},
            ],
            "needs_note": "un local",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["needed_skills"] == ["Comptabilité", "Menuiserie"]
    assert [(n["skill"], n["hours_wanted"], n["hours_given"]) for n in body["needs"]] == [
        ("Comptabilité", 3, 0),
        ("Menuiserie", 12, 0),
    ]
    assert body["needs"][1]["minutes_wanted"] == 720
    assert body["needs"][1]["note"] == "un établi"
    assert body["needs_note"] == "un local"


def test_an_unknown_skill_is_refused_by_name_and_nothing_is_written(api_client, member, skills):
    api_client.force_authenticate(member)
    response = api_client.post(
        URL,
        {
            "title": "Atelier bois",
            "needs": [
                {"skill": "menuiserie", "hours_wanted": 2},
                {"skill": "Ébénisterie fine", "hours_wanted": 2},
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "Ébénisterie fine" in str(response.json())
    assert not Project.objects.exists()
    assert not ProjectNeed.objects.exists()


@pytest.mark.parametrize("hours", [0, -3, "deux"])
def test_hours_wanted_below_one_are_refused(api_client, member, skills, hours):
    api_client.force_authenticate(member)
    response = api_client.post(
        URL,
        {"title": "Atelier", "needs": [{"skill": "menuiserie", "hours_wanted": hours}]},
        format="json",
    )
    assert response.status_code == 400
    assert not Project.objects.exists()


def test_the_same_skill_twice_is_refused_and_the_needs_stay_as_they_were(
    api_client, member, skills
):
    project = _draft_of(member)
    ProjectNeed.objects.create(project=project, skill=skills["menuiserie"], minutes_wanted=120)
    api_client.force_authenticate(member)
    response = api_client.patch(
        f"{URL}{project.pk}/",
        {
            "needs": [
                {"skill": "comptabilite", "hours_wanted": 2},
                {"skill": "Comptabilité", "hours_wanted": 5},
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_need"
    assert list(project.needs.values_list("skill__slug", "minutes_wanted")) == [("menuiserie", 120)]


def test_updating_needs_replaces_them_and_is_audited(api_client, member, skills):
    project = _draft_of(member)
    ProjectNeed.objects.create(project=project, skill=skills["menuiserie"], minutes_wanted=120)
    api_client.force_authenticate(member)
    response = api_client.patch(
        f"{URL}{project.pk}/",
        {"needs": [{"skill": "comptabilite", "hours_wanted": 4}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [n["skill"] for n in response.json()["needs"]] == ["Comptabilité"]
    assert list(project.needs.values_list("skill__slug", "minutes_wanted")) == [
        ("comptabilite", 240)
    ]
    event = AuditEvent.objects.filter(action="project.update").latest("pk")
    assert "needs" in event.data["fields"]


def test_the_project_list_reads_needs_in_a_bounded_number_of_queries(
    api_client, skills, django_assert_max_num_queries
):
    for _ in range(15):
        project = ProjectFactory(status="selected")
        for skill in skills.values():
            ProjectNeed.objects.create(project=project, skill=skill, minutes_wanted=60)
    with django_assert_max_num_queries(8):
        response = api_client.get(URL, {"page_size": 15})
    assert response.status_code == 200
    assert all(len(p["needs"]) == 2 for p in response.json()["results"])


# ---------------------------------------------------------------- proposal form


def test_the_proposal_form_edits_needs_row_by_row(member_client, member, skills):
    response = member_client.post(
        reverse("projects:create"),
        {
            "title": "Four solaire",
            "need_1_skill": skills["menuiserie"].pk,
            "need_1_hours": "6",
            "need_2_skill": skills["comptabilite"].pk,
            "need_2_hours": "2",
            "needs_note": "des miroirs",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get()
    assert dict(project.needs.values_list("skill__slug", "minutes_wanted")) == {
        "menuiserie": 360,
        "comptabilite": 120,
    }
    assert project.needs_note == "des miroirs"
    edit_page = member_client.get(reverse("projects:edit", args=[project.slug]))
    html = edit_page.content.decode()
    assert 'name="need_1_hours"' in html
    assert 'name="need_4_skill"' in html
    edited = member_client.post(
        reverse("projects:edit", args=[project.slug]),
        {"title": "Four solaire", "need_1_skill": skills["comptabilite"].pk, "need_1_hours": "3"},
    )
    assert edited.status_code == 302
    assert list(project.needs.values_list("skill__slug", "minutes_wanted")) == [
        ("comptabilite", 180)
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_row_without_hours_is_refused_and_nothing_is_saved(
    member_client, member, skills, language
):
    member.language = language
    member.save(update_fields=["language"])
    member_client.cookies["terreau_language"] = language
    response = member_client.post(
        reverse("projects:create"),
        {"title": "Four solaire", "need_1_skill": skills["menuiserie"].pk},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    expected = {"fr": "Dites combien d", "en": "Say how many hours are wanted"}[language]
    assert expected in response.content.decode()
    assert not Project.objects.exists()


# ---------------------------------------------------------------- data migration

BEFORE = [
    ("projects", "0005_ranking_extra_weights"),
    ("marketplace", "0008_merge_listing_territory"),
]


@pytest.mark.django_db(transaction=True)
def test_known_skill_names_become_needs_and_the_rest_stays_as_the_note():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO pioneers_skill (name, slug) VALUES ('Mécanique', 'mecanique'), "
            "('Comptabilité', 'comptabilite')"
        )
        cursor.execute(
            "INSERT INTO projects_project (title, slug, summary, description, status, "
            "estimated_cost_cents, self_financing_cents, self_financing_note, needed_skills, "
            "needed_minutes, concern_count, concern_share, created_at, updated_at) VALUES "
            "('Vélo', 'velo', '', '', 'selected', 0, 0, '', "
            "'MECANIQUE, montage vidéo; comptabilite , mécanique', 600, 0, 0, %s, %s), "
            "('Film', 'film', '', '', 'draft', 0, 0, '', 'tournage', 0, 0, 0, %s, %s)",
            ["2026-01-01 00:00:00+00:00"] * 4,
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    velo, film = Project.objects.get(slug="velo"), Project.objects.get(slug="film")
    assert dict(velo.needs.values_list("skill__slug", "minutes_wanted")) == {
        "mecanique": 300,
        "comptabilite": 300,
    }
    assert velo.needs_note == "montage vidéo"
    assert not film.needs.exists()
    assert film.needs_note == "tournage"
