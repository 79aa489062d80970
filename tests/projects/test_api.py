import pytest

from pioneers.models import Skill
from projects.models import ConcernFlag, Project, ProjectTransition, RankingSnapshot
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


def proposal(**extra):
    return {
        "title": "Atelier vélo partagé",
        "summary": "Réparer ensemble.",
        "description": "Un **atelier** <script>alert(1)</script>",
        "estimated_cost_cents": 300_000,
        "self_financing_cents": 50_000,
        "needed_skills": ["mécanique", "comptabilité"],
        "needed_minutes": 600,
        **extra,
    }


# ---------------------------------------------------------------- list and create


def test_anyone_lists_public_projects_but_drafts_stay_with_their_authors(api_client, member):
    ProjectFactory(status="submitted", title="Public")
    draft = ProjectFactory(status="draft", title="Brouillon")
    draft.authors.add(member)
    anonymous = api_client.get(URL).json()
    assert [p["title"] for p in anonymous["results"]] == ["Public"]
    api_client.force_authenticate(member)
    mine = api_client.get(URL).json()
    assert {p["title"] for p in mine["results"]} == {"Public", "Brouillon"}


def test_the_list_filters_by_status_and_author(api_client, member):
    ProjectFactory(status="selected", title="Choisi")
    mine = ProjectFactory(status="submitted", title="Le mien")
    mine.authors.add(member)
    by_status = api_client.get(URL, {"status": "selected"}).json()["results"]
    by_author = api_client.get(URL, {"author": member.pk}).json()["results"]
    assert [p["title"] for p in by_status] == ["Choisi"]
    assert [p["title"] for p in by_author] == ["Le mien"]
    assert api_client.get(URL, {"status": "nope"}).status_code == 400
    assert api_client.get(URL, {"author": "x"}).status_code == 400


@pytest.mark.parametrize("count", [20, 200])
def test_the_list_runs_bounded_queries(api_client, member, count, django_assert_max_num_queries):
    authors = [UserFactory() for _ in range(3)]
    for i in range(count):
        ProjectFactory(status="submitted").authors.add(authors[i % 3])
    api_client.force_authenticate(member)
    with django_assert_max_num_queries(8):
        response = api_client.get(URL, {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(count, 100)


def test_a_member_proposes_a_draft_with_safe_markdown(api_client, member):
    Skill.objects.create(name="Mécanique", slug="mecanique")
    api_client.force_authenticate(member)
    response = api_client.post(URL, proposal(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["authors"] == [{"id": member.pk, "name": member.display_name}]
    assert "<strong>atelier</strong>" in body["description_html"]
    assert "<script>" not in body["description_html"]
    # The former list still works: a known skill becomes a need, the rest the note.
    assert body["needed_skills"] == ["Mécanique"]
    assert body["needs_note"] == "comptabilité"
    assert body["currency"] == "EUR"


def test_a_retried_proposal_with_the_same_idempotency_key_is_created_once(api_client, member):
    api_client.force_authenticate(member)
    first = api_client.post(URL, proposal(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api_client.post(URL, proposal(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Project.objects.count() == 1


def test_self_financing_above_the_cost_is_refused(api_client, member):
    api_client.force_authenticate(member)
    response = api_client.post(URL, proposal(self_financing_cents=400_000), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "self_financing_above_cost"
    assert not Project.objects.exists()


def test_a_non_member_cannot_propose_and_an_anonymous_caller_must_log_in(api_client, visitor_user):
    assert api_client.post(URL, proposal(), format="json").status_code == 401
    api_client.force_authenticate(visitor_user)
    response = api_client.post(URL, proposal(), format="json")
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_authors_edit_a_draft_but_not_once_submitted(api_client, member):
    project = ProjectFactory(status="draft")
    project.authors.add(member)
    api_client.force_authenticate(member)
    ok = api_client.patch(f"{URL}{project.pk}/", {"summary": "Mieux dit."}, format="json")
    assert ok.status_code == 200
    assert ok.json()["summary"] == "Mieux dit."
    Project.objects.filter(pk=project.pk).update(status="submitted")
    refused = api_client.patch(f"{URL}{project.pk}/", {"summary": "Encore."}, format="json")
    assert refused.status_code == 409
    assert Project.objects.get(pk=project.pk).summary == "Mieux dit."


def test_another_member_cannot_edit_nor_see_a_draft(api_client, member):
    project = ProjectFactory(status="draft", summary="Avant")
    api_client.force_authenticate(member)
    assert api_client.get(f"{URL}{project.pk}/").status_code == 404
    assert (
        api_client.patch(f"{URL}{project.pk}/", {"summary": "x"}, format="json").status_code == 404
    )
    public = ProjectFactory(status="submitted", summary="Avant")
    response = api_client.patch(f"{URL}{public.pk}/", {"summary": "x"}, format="json")
    assert response.status_code == 403
    assert Project.objects.get(pk=public.pk).summary == "Avant"


# ---------------------------------------------------------------- transitions


def test_the_coordinator_declines_with_a_reason(api_client, coordinator):
    project = ProjectFactory(status="in_review")
    api_client.force_authenticate(coordinator)
    url = f"{URL}{project.pk}/transition/"
    missing = api_client.post(url, {"to": "declined"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["code"] == "reason_required"
    ok = api_client.post(url, {"to": "declined", "reason": "Hors sujet."}, format="json")
    assert ok.status_code == 200
    assert ok.json()["status"] == "declined"
    assert ProjectTransition.objects.get().reason == "Hors sujet."


@pytest.mark.parametrize(
    ("who", "state", "to", "code"),
    [
        ("member", "submitted", "in_review", 403),
        ("coordinator", "submitted", "completed", 409),
        ("coordinator", "submitted", "flying", 400),
        ("anonymous", "submitted", "in_review", 401),
    ],
)
def test_refused_transitions_change_nothing(api_client, member, coordinator, who, state, to, code):
    project = ProjectFactory(status=state)
    if who != "anonymous":
        api_client.force_authenticate({"member": member, "coordinator": coordinator}[who])
    response = api_client.post(f"{URL}{project.pk}/transition/", {"to": to}, format="json")
    assert response.status_code == code
    assert Project.objects.get(pk=project.pk).status == state
    assert not ProjectTransition.objects.exists()


# ---------------------------------------------------------------- concern


def test_a_pioneer_flags_and_unflags_through_the_api(api_client, pioneer):
    project = ProjectFactory(status="submitted")
    api_client.force_authenticate(pioneer)
    url = f"{URL}{project.pk}/concern/"
    first = api_client.post(url)
    again = api_client.post(url)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"concerned": True, "concern_count": 1, "concern_share": 1.0}
    assert api_client.get(f"{URL}{project.pk}/").json()["concerned"] is True
    gone = api_client.delete(url)
    assert gone.status_code == 200
    assert gone.json()["concern_count"] == 0
    assert not ConcernFlag.objects.exists()


def test_a_non_pioneer_cannot_flag(api_client, member):
    project = ProjectFactory(status="submitted")
    api_client.force_authenticate(member)
    assert api_client.post(f"{URL}{project.pk}/concern/").status_code == 403
    assert not ConcernFlag.objects.exists()


# ---------------------------------------------------------------- ranking


def test_no_ranking_published_yet_is_an_empty_list(api_client):
    response = api_client.get(f"{URL}ranking/")
    assert response.status_code == 200
    assert response.json() == []


def test_the_coordinator_publishes_a_ranking_and_everyone_reads_it(
    api_client, coordinator, pioneer_factory
):
    # given: two selected projects; one concerns both pioneers
    alice, bob = pioneer_factory(), pioneer_factory()
    cheap = ProjectFactory(status="selected", estimated_cost_cents=100_000)
    dear = ProjectFactory(status="selected", estimated_cost_cents=500_000)
    ProjectFactory(status="draft")
    from projects.services import concern_flag

    concern_flag(actor=alice, project=cheap)
    concern_flag(actor=bob, project=cheap)
    api_client.force_authenticate(coordinator)
    # when
    response = api_client.post(
        f"{URL}ranking/",
        {
            "weights": {"concern": 50, "cost": 30, "self_financing": 20},
            "note": "Premier classement",
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    # No optional criterion weighed (the compass score stays out at 0).
    assert response.json()["weights"] == {
        "concern": 50,
        "cost": 30,
        "self_financing": 20,
        "extra": {},
    }
    api_client.force_authenticate(None)
    ranking = api_client.get(f"{URL}ranking/").json()
    assert [(r["project"], r["rank"]) for r in ranking] == [(cheap.pk, 1), (dear.pk, 2)]
    assert ranking[0]["score"] == pytest.approx(0.8)
    assert ranking[0]["criteria"]["concern"] == {"value": 1.0, "weight": 0.5, "contribution": 0.5}


def test_a_move_needs_a_justification_and_is_kept(api_client, coordinator):
    a = ProjectFactory(status="selected", estimated_cost_cents=100)
    b = ProjectFactory(status="selected", estimated_cost_cents=900)
    api_client.force_authenticate(coordinator)
    body = {
        "weights": {"concern": 0, "cost": 1, "self_financing": 0},
        "moves": [{"project": b.pk, "rank": 1, "justification": ""}],
    }
    assert api_client.post(f"{URL}ranking/", body, format="json").status_code == 400
    assert not RankingSnapshot.objects.exists()
    body["moves"][0]["justification"] = "Urgent avant l'hiver."
    assert api_client.post(f"{URL}ranking/", body, format="json").status_code == 201
    ranking = api_client.get(f"{URL}ranking/").json()
    assert [(r["project"], r["rank"], r["moved"]) for r in ranking] == [
        (b.pk, 1, True),
        (a.pk, 2, False),
    ]
    assert ranking[0]["justification"] == "Urgent avant l'hiver."


def test_every_published_ranking_stays_in_the_history(api_client, coordinator):
    ProjectFactory(status="selected")
    api_client.force_authenticate(coordinator)
    for note in ["un", "deux"]:
        api_client.post(
            f"{URL}ranking/",
            {"weights": {"concern": 1, "cost": 1, "self_financing": 1}, "note": note},
            format="json",
        )
    history = api_client.get(f"{URL}ranking/history/").json()
    assert [s["note"] for s in history["results"]] == ["deux", "un"]


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_only_the_coordinator_publishes(api_client, member, who):
    if who == "member":
        api_client.force_authenticate(member)
    body = {"weights": {"concern": 1, "cost": 1, "self_financing": 1}}
    assert api_client.post(f"{URL}ranking/", body, format="json").status_code in (401, 403)
    assert not RankingSnapshot.objects.exists()


def test_weights_all_zero_are_refused(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    body = {"weights": {"concern": 0, "cost": 0, "self_financing": 0}}
    response = api_client.post(f"{URL}ranking/", body, format="json")
    assert response.status_code == 400
    assert not RankingSnapshot.objects.exists()


@pytest.mark.parametrize("count", [20, 200])
def test_the_ranking_endpoint_runs_bounded_queries(
    api_client, coordinator, count, django_assert_max_num_queries
):
    for _ in range(count):
        ProjectFactory(status="selected")
    api_client.force_authenticate(coordinator)
    body = {"weights": {"concern": 1, "cost": 1, "self_financing": 1}}
    with django_assert_max_num_queries(14):
        assert api_client.post(f"{URL}ranking/", body, format="json").status_code == 201
    with django_assert_max_num_queries(4):
        assert len(api_client.get(f"{URL}ranking/").json()) == count
