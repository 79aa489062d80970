"""The votes API: the contract of issue 6, its errors, its permissions, its query counts."""

import datetime

import pytest
from django.utils import timezone

from governance.models import Ballot, BallotEntry, Participation, Vote, VoteResult
from governance.votes import services
from tests.governance.votes_helpers import (  # noqa: F401  (fast_passwords: autouse)
    DAY,
    bulk_ballots,
    fast_passwords,
    make_vote,
    many_members,
    move_to_past,
    option_ids,
)

pytestmark = pytest.mark.django_db


def iso(delta: datetime.timedelta) -> str:
    return (timezone.now() + delta).isoformat()


@pytest.fixture
def as_coordinator(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    return api_client


@pytest.fixture
def as_member(api_client, member):
    api_client.force_authenticate(member)
    return api_client


def creation_payload(**changes) -> dict:
    payload = {
        "title": "Choix du projet commun",
        "method": "majority_judgment",
        "options": [{"label": "Jardin partagé"}, {"label": "Atelier vélo"}],
        "opens_at": iso(-datetime.timedelta(minutes=1)),
        "closes_at": iso(7 * DAY),
        "secret": True,
        "electorate": {"colleges": [], "pioneers_only": False},
    }
    payload.update(changes)
    return payload


# ---------------------------------------------------------------- create


def test_coordinator_creates_a_vote_and_gets_its_option_ids(as_coordinator, colleges):
    # when
    response = as_coordinator.post("/api/v1/votes/", creation_payload(), format="json")
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    vote = Vote.objects.get(pk=body["id"])
    assert [o["id"] for o in body["options"]] == option_ids(vote)
    assert [o["label"] for o in body["options"]] == ["Jardin partagé", "Atelier vélo"]
    assert body["status"] == "open"  # opens_at already past: open at once
    assert body["grades"][0] == "À rejeter"
    assert body["grades"][-1] == "Excellent"
    assert body["electorate"] == {"colleges": [], "pioneers_only": False}


def test_a_vote_for_some_colleges_with_its_own_grades_opening_later(as_coordinator, colleges):
    response = as_coordinator.post(
        "/api/v1/votes/",
        creation_payload(
            opens_at=iso(DAY),
            grades=["Non", "Bof", "Oui"],
            secret=False,
            electorate={"colleges": ["beneficiaires", "salaries"], "pioneers_only": False},
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "scheduled"
    assert body["grades"] == ["Non", "Bof", "Oui"]
    assert body["secret"] is False
    assert sorted(body["electorate"]["colleges"]) == ["beneficiaires", "salaries"]


def test_options_may_name_projects(as_coordinator, colleges):
    from projects.models import Project

    project = Project.objects.create(title="Four", slug="four", status="accepted_for_vote")
    response = as_coordinator.post(
        "/api/v1/votes/",
        creation_payload(options=[{"label": "Libre"}, {"project": project.pk}]),
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["options"][1] == {
        "id": response.json()["options"][1]["id"],
        "label": "Four",
        "project": project.pk,
        "position": 1,
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"method": "borda"}, "method"),
        ({"options": [{"label": "Seule"}]}, "options"),
        ({"options": "pas une liste"}, "options"),
        ({"closes_at": "demain"}, "closes_at"),
        ({"closes_at": iso(-DAY), "opens_at": iso(-2 * DAY)}, "closes_at"),
        ({"electorate": {"colleges": ["inconnu"]}}, "electorate.colleges"),
        ({"method": "approval", "grades": ["Non", "Oui"]}, "grades"),
    ],
)
def test_bad_creation_is_400_and_writes_nothing(as_coordinator, colleges, changes, field):
    response = as_coordinator.post("/api/v1/votes/", creation_payload(**changes), format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert any(key.startswith(field) for key in body["errors"]), body
    assert not Vote.objects.exists()


def test_the_same_idempotency_key_creates_one_vote(as_coordinator, colleges):
    payload = creation_payload()  # a retry sends the very same body
    first = as_coordinator.post(
        "/api/v1/votes/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = as_coordinator.post(
        "/api/v1/votes/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Vote.objects.count() == 1


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("member", 403)])
def test_only_the_coordinator_creates_votes(api_client, member, colleges, role, status):
    if role == "member":
        api_client.force_authenticate(member)
    response = api_client.post("/api/v1/votes/", creation_payload(), format="json")
    assert response.status_code == status
    assert not Vote.objects.exists()


# ---------------------------------------------------------------- list and detail


def test_members_list_the_votes_with_their_own_standing(as_member, member, coordinator):
    open_vote = make_vote(coordinator)
    make_vote(coordinator, opens_in=DAY, closes_in=2 * DAY)
    services.vote_cast(user=member, vote=open_vote, grades=dict.fromkeys(option_ids(open_vote), 4))
    body = as_member.get("/api/v1/votes/?page_size=1").json()
    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert body["next"]
    listed = as_member.get("/api/v1/votes/?status=open").json()["results"]
    assert [(v["id"], v["can_vote"], v["has_voted"]) for v in listed] == [
        (open_vote.pk, True, True)
    ]
    assert as_member.get("/api/v1/votes/?status=nimporte").status_code == 400


def test_vote_detail_and_404(as_member, coordinator, colleges):
    vote = make_vote(coordinator, colleges=[colleges["beneficiaires"]])
    body = as_member.get(f"/api/v1/votes/{vote.pk}/").json()
    assert body["title"] == vote.title
    assert body["can_vote"] is False  # the member is in the founders' college
    assert body["has_voted"] is False
    assert as_member.get("/api/v1/votes/999999/").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("visitor", 403), ("member", 200), ("coordinator", 200)],
)
@pytest.mark.parametrize("path", ["", "{id}/", "{id}/results/", "{id}/ballots/"])
def test_who_may_read_votes(
    api_client, member, visitor_user, coordinator, colleges, role, status, path
):
    vote = services.vote_close(actor=coordinator, vote=make_vote(coordinator))
    user = {"anonymous": None, "visitor": visitor_user, "member": member}.get(role, coordinator)
    if user:
        api_client.force_authenticate(user)
    response = api_client.get("/api/v1/votes/" + path.format(id=vote.pk))
    assert response.status_code == status


def test_an_expired_vote_is_closed_by_an_api_read(as_member, coordinator, colleges):
    vote = move_to_past(make_vote(coordinator))
    assert as_member.get(f"/api/v1/votes/{vote.pk}/").json()["status"] == "closed"
    assert VoteResult.objects.filter(vote=vote).exists()


# ---------------------------------------------------------------- ballots


@pytest.mark.parametrize(
    ("method", "payload"),
    [
        (
            "majority_judgment",
            lambda ids: {"grades": {str(ids[0]): 6, str(ids[1]): 0, str(ids[2]): 3}},
        ),
        ("approval", lambda ids: {"approved": [ids[0], ids[2]]}),
        ("schulze", lambda ids: {"ranking": [ids[2], ids[0]]}),
        ("plurality", lambda ids: {"choice": ids[1]}),
    ],
)
def test_casting_a_ballot_by_method(as_member, coordinator, colleges, method, payload):
    vote = make_vote(coordinator, method=method)
    response = as_member.post(
        f"/api/v1/votes/{vote.pk}/ballots/", payload(option_ids(vote)), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["vote"] == vote.pk
    assert body["replaced"] is False
    assert body["receipt"].startswith(body["receipt_id"] + "-")
    assert response["Cache-Control"] == "no-store"
    assert Ballot.objects.get(vote=vote).receipt_id == body["receipt_id"]
    assert Participation.objects.filter(vote=vote).count() == 1


def test_replacing_a_secret_ballot_through_the_api(as_member, coordinator, colleges):
    vote = make_vote(coordinator, method="plurality")
    ids = option_ids(vote)
    url = f"/api/v1/votes/{vote.pk}/ballots/"
    first = as_member.post(url, {"choice": ids[0]}, format="json").json()
    refused = as_member.post(url, {"choice": ids[1]}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "already_voted"
    replaced = as_member.post(url, {"choice": ids[1], "receipt": first["receipt"]}, format="json")
    assert replaced.status_code == 200
    assert replaced.json()["replaced"] is True
    assert list(BallotEntry.objects.filter(vote=vote).values_list("option_id", flat=True)) == [
        ids[1]
    ]


@pytest.mark.parametrize(
    ("method", "payload", "code"),
    [
        ("majority_judgment", lambda ids: {"grades": {str(ids[0]): 3}}, "missing_grade"),
        (
            "majority_judgment",
            lambda ids: {"grades": {str(i): 3 for i in ids} | {"999999": 3}},
            "unknown_option",
        ),
        (
            "majority_judgment",
            lambda ids: {"grades": {str(i): 9 for i in ids}},
            "grade_out_of_range",
        ),
        ("majority_judgment", lambda ids: {"grades": {str(i): "bien" for i in ids}}, "invalid"),
        ("schulze", lambda ids: {"ranking": [ids[0], ids[1], ids[0]]}, "duplicate_option"),
        ("schulze", lambda ids: {"ranking": [999_999]}, "unknown_option"),
        ("approval", lambda ids: {"approved": [ids[0], ids[0]]}, "duplicate_option"),
        ("plurality", lambda ids: {"choice": 999_999}, "unknown_option"),
        ("plurality", lambda ids: {"ranking": ids}, "wrong_ballot_kind"),
    ],
)
def test_bad_ballots_are_400_with_a_french_message_and_nothing_written(
    as_member, coordinator, colleges, method, payload, code
):
    vote = make_vote(coordinator, method=method)
    response = as_member.post(
        f"/api/v1/votes/{vote.pk}/ballots/", payload(option_ids(vote)), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["errors"]
    assert "Ballot " not in body["detail"]
    assert not Participation.objects.exists()
    assert not Ballot.objects.exists()


def test_outside_the_electorate_is_403(api_client, coordinator, colleges, membership_factory):
    vote = make_vote(coordinator, pioneers_only=True)
    api_client.force_authenticate(membership_factory(college=colleges["fondateurs"]).user)
    response = api_client.post(
        f"/api/v1/votes/{vote.pk}/ballots/", {"choice": option_ids(vote)[0]}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_in_electorate"
    assert not Participation.objects.exists()


def test_a_coordinator_who_is_not_a_member_does_not_vote(as_coordinator, coordinator, colleges):
    vote = make_vote(coordinator, method="plurality")
    response = as_coordinator.post(
        f"/api/v1/votes/{vote.pk}/ballots/", {"choice": option_ids(vote)[0]}, format="json"
    )
    assert response.status_code == 403
    assert not Participation.objects.exists()


def test_anonymous_ballot_is_401(api_client, coordinator, colleges):
    vote = make_vote(coordinator, method="plurality")
    response = api_client.post(
        f"/api/v1/votes/{vote.pk}/ballots/", {"choice": option_ids(vote)[0]}, format="json"
    )
    assert response.status_code == 401


@pytest.mark.parametrize("state", ["scheduled", "closed", "expired"])
def test_a_vote_that_is_not_open_is_409(as_member, coordinator, colleges, state):
    vote = make_vote(
        coordinator, method="plurality", opens_in=DAY if state == "scheduled" else -DAY
    )
    if state == "closed":
        services.vote_close(actor=coordinator, vote=vote)
    if state == "expired":
        move_to_past(vote)
    response = as_member.post(
        f"/api/v1/votes/{vote.pk}/ballots/", {"choice": option_ids(vote)[0]}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == ("vote_not_open" if state == "scheduled" else "vote_closed")
    assert not Participation.objects.exists()


# ---------------------------------------------------------------- close and results


def test_results_are_hidden_until_the_close_then_ordered_by_rank(
    as_coordinator, coordinator, colleges
):
    vote = make_vote(coordinator, method="approval")
    ids = option_ids(vote)
    voters = many_members(4, colleges["salaries"])
    for membership, approved in zip(
        voters, [[ids[1]], [ids[1], ids[2]], [ids[2], ids[1]], []], strict=True
    ):
        services.vote_cast(user=membership.user, vote=vote, approved=approved)
    hidden = as_coordinator.get(f"/api/v1/votes/{vote.pk}/results/")
    assert hidden.status_code == 409
    assert hidden.json()["code"] == "results_hidden"
    assert as_coordinator.get(f"/api/v1/votes/{vote.pk}/ballots/").status_code == 409
    # when
    closed = as_coordinator.post(f"/api/v1/votes/{vote.pk}/close/")
    # then
    assert closed.status_code == 200
    body = as_coordinator.get(f"/api/v1/votes/{vote.pk}/results/").json()
    assert body == closed.json()
    assert body["method"] == "approval"
    assert body["participation"] == {"ballots": 4, "electorate": 4, "rate": 1.0}
    assert [(r["option"], r["label"], r["rank"], r["count"]) for r in body["ranking"]] == [
        (ids[1], "Vélo", 1, 3),
        (ids[2], "Eau", 2, 2),
        (ids[0], "Jardin", 3, 0),
    ]
    assert body["ranking"][0]["share"] == 0.75
    # closing again changes nothing
    assert as_coordinator.post(f"/api/v1/votes/{vote.pk}/close/").json() == body


def test_majority_judgment_results_carry_the_merit_profiles(as_member, coordinator, colleges):
    vote = make_vote(coordinator)
    bulk_ballots(vote, many_members(5, colleges["salaries"]))
    services.vote_close(actor=coordinator, vote=vote)
    body = as_member.get(f"/api/v1/votes/{vote.pk}/results/").json()
    assert body["grades"] == vote.grades
    first = body["ranking"][0]
    assert sum(first["profile"]) == 5
    assert first["majority_grade_label"] == vote.grades[first["majority_grade"]]
    assert [r["rank"] for r in body["ranking"]] == sorted(r["rank"] for r in body["ranking"])


def test_schulze_results_carry_the_pairwise_matrix(as_member, coordinator, colleges):
    vote = make_vote(coordinator, method="schulze")
    bulk_ballots(vote, many_members(6, colleges["salaries"]))
    services.vote_close(actor=coordinator, vote=vote)
    body = as_member.get(f"/api/v1/votes/{vote.pk}/results/").json()
    assert body["options"] == option_ids(vote)
    assert len(body["pairwise"]) == 3
    assert len(body["strongest_paths"]) == 3
    assert "beats" in body["ranking"][0]


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("member", 403)])
def test_only_the_coordinator_closes(api_client, member, coordinator, colleges, role, status):
    vote = make_vote(coordinator)
    if role == "member":
        api_client.force_authenticate(member)
    assert api_client.post(f"/api/v1/votes/{vote.pk}/close/").status_code == status
    vote.refresh_from_db()
    assert vote.status == "open"


def test_closing_a_vote_that_never_opened_is_409(as_coordinator, coordinator, colleges):
    vote = make_vote(coordinator, opens_in=DAY, closes_in=2 * DAY)
    response = as_coordinator.post(f"/api/v1/votes/{vote.pk}/close/")
    assert response.status_code == 409
    assert response.json()["code"] == "vote_not_open"


def test_published_ballots_list(as_member, coordinator, colleges):
    vote = make_vote(coordinator, method="plurality")
    bulk_ballots(vote, many_members(3, colleges["salaries"]))
    services.vote_close(actor=coordinator, vote=vote)
    body = as_member.get(f"/api/v1/votes/{vote.pk}/ballots/").json()
    assert body["count"] == 3
    assert all(b["voter"] is None for b in body["results"])
    assert [b["receipt_id"] for b in body["results"]] == sorted(
        b["receipt_id"] for b in body["results"]
    )


# ---------------------------------------------------------------- query counts


@pytest.mark.parametrize("count", [10, 200])
def test_api_query_counts_do_not_grow_with_the_ballots(
    as_member, coordinator, colleges, count, django_assert_max_num_queries
):
    for method in ("majority_judgment", "schulze"):
        vote = make_vote(coordinator, method=method, secret=method == "schulze")
        bulk_ballots(vote, many_members(count, colleges["salaries"], start=10_000 * len(method)))
        services.vote_close(actor=coordinator, vote=vote)
    make_vote(coordinator)
    with django_assert_max_num_queries(9):
        assert as_member.get("/api/v1/votes/").status_code == 200
    with django_assert_max_num_queries(9):
        assert as_member.get(f"/api/v1/votes/{vote.pk}/results/").status_code == 200
    with django_assert_max_num_queries(11):
        assert as_member.get(f"/api/v1/votes/{vote.pk}/ballots/?page_size=100").status_code == 200
