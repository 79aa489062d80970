"""The votes' pages: who sees what, the ballot forms, receipts, results, CSV, coordinator."""

import csv
import io
import re

import pytest
from django.utils import timezone

from governance.models import Ballot, BallotEntry, Participation, Vote, VoteResult
from governance.tally import approval, majority_judgment, plurality, schulze
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


@pytest.fixture
def votes(coordinator, colleges):
    """An open vote for everyone, an open vote for the pioneers, a closed vote."""
    return {
        "open": make_vote(coordinator),
        "pioneers": make_vote(coordinator, method="plurality", pioneers_only=True),
        "closed": services.vote_close(actor=coordinator, vote=make_vote(coordinator)),
    }


def _login(client, role, member, visitor_user, coordinator):
    user = {"visitor": visitor_user, "member": member, "coordinator": coordinator}.get(role)
    if user:
        client.force_login(user)


PAGES = {
    "list": ("/membres/votes/", None),
    "create": ("/membres/votes/nouveau/", None),
    "detail": ("/membres/votes/{}/", "open"),
    "ballot": ("/membres/votes/{}/bulletin/", "open"),
    "ballot_outside": ("/membres/votes/{}/bulletin/", "pioneers"),
    "receipt": ("/membres/votes/{}/recu/", "open"),
    "results": ("/membres/votes/{}/resultats/", "closed"),
    "csv": ("/membres/votes/{}/bulletins.csv", "closed"),
}
EXPECTED = {
    # page: (visitor, member, coordinator) — anonymous visitors always go to the login page
    "list": (403, 200, 200),
    "create": (403, 403, 200),
    "detail": (403, 200, 200),
    "ballot": (403, 200, 403),  # the coordinator of the tests is not a member
    "ballot_outside": (403, 403, 403),
    "receipt": (403, 200, 200),
    "results": (403, 200, 200),
    "csv": (403, 200, 200),
}


@pytest.mark.parametrize("role", ["anonymous", "visitor", "member", "coordinator"])
@pytest.mark.parametrize("page", PAGES)
def test_who_sees_which_page(client, member, visitor_user, coordinator, votes, role, page):
    url, vote = PAGES[page]
    _login(client, role, member, visitor_user, coordinator)
    response = client.get(url.format(votes[vote].pk if vote else ""))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        expected = EXPECTED[page][["visitor", "member", "coordinator"].index(role)]
        assert response.status_code == expected


@pytest.mark.parametrize("action", ["calendrier", "ouvrir", "cloturer"])
@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_only_the_coordinator_manages_votes(client, member, votes, action, role):
    if role == "member":
        client.force_login(member)
    vote = votes["open"]
    response = client.post(f"/membres/votes/{vote.pk}/{action}/", {"closes_at": "2040-01-01T10:00"})
    assert response.status_code == (403 if role == "member" else 302)
    vote.refresh_from_db()
    assert vote.status == "open"
    assert not VoteResult.objects.filter(vote=vote).exists()


def test_home_page_links_to_the_votes(client):
    assert 'href="/membres/votes/"' in client.get("/").content.decode()


def test_the_list_is_in_french_and_shows_what_the_member_can_do(member_client, votes):
    html = member_client.get("/membres/votes/").content.decode()
    assert "Scrutins ouverts" in html
    assert "Scrutins clos" in html
    assert f'href="/membres/votes/{votes["open"].pk}/bulletin/"' in html
    assert f'href="/membres/votes/{votes["closed"].pk}/resultats/"' in html
    assert "Vous ne faites pas partie du corps électoral" in html  # the pioneers' vote
    assert "0 bulletin" in html


def test_the_demo_has_a_counted_vote_and_an_open_one():
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    closed = Vote.objects.get(status="closed")
    assert closed.method == "majority_judgment"
    assert closed.result.ballot_count == 7
    assert Vote.objects.filter(status="open").count() == 1


def test_the_admin_shows_votes_read_only(admin_client, votes):
    vote = votes["closed"]
    assert admin_client.get("/admin/governance/vote/").status_code == 200
    page = admin_client.get(f"/admin/governance/vote/{vote.pk}/change/")
    assert page.status_code == 200
    assert admin_client.get("/admin/governance/vote/add/").status_code == 403
    assert admin_client.get("/admin/governance/voteresult/").status_code == 200
    assert admin_client.get("/admin/governance/ballot/").status_code == 404  # never shown


# ---------------------------------------------------------------- ballot forms


def test_the_majority_judgment_form_groups_each_options_grades(member_client, votes):
    vote = votes["open"]
    html = member_client.get(f"/membres/votes/{vote.pk}/bulletin/").content.decode()
    for option in vote.options.all():
        assert f"<legend>{option.label}</legend>" in html
        radios = re.findall(rf'type="radio" name="grade-{option.pk}" value="(\d+)"', html)
        assert radios == [str(i) for i in range(7)]
    assert "Très bien" in html
    assert html.count("<fieldset>") == 3


@pytest.mark.parametrize(
    ("method", "marker"),
    [
        ("approval", 'type="checkbox" name="approved"'),
        ("schulze", '<select id="rank-'),
        ("plurality", 'type="radio" name="choice"'),
    ],
)
def test_other_methods_forms(member_client, coordinator, colleges, method, marker):
    vote = make_vote(coordinator, method=method)
    html = member_client.get(f"/membres/votes/{vote.pk}/bulletin/").content.decode()
    assert html.count(marker) == 3
    if method == "schulze":
        for pk in option_ids(vote):
            assert f'<label for="rank-{pk}">' in html  # every select has its label


def test_casting_by_the_form_shows_the_receipt_once(member_client, votes):
    vote = votes["open"]
    ids = option_ids(vote)
    response = member_client.post(
        f"/membres/votes/{vote.pk}/bulletin/", {f"grade-{pk}": "5" for pk in ids}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    ballot = Ballot.objects.get(vote=vote)
    code = re.search(r'class="receipt-code">([^<]+)<', html).group(1)
    assert code.startswith(ballot.receipt_id + "-")
    assert "Votre bulletin est déposé" in html
    assert Participation.objects.filter(vote=vote).count() == 1


def test_a_missing_grade_rerenders_the_form_and_writes_nothing(member_client, votes):
    vote = votes["open"]
    ids = option_ids(vote)
    response = member_client.post(f"/membres/votes/{vote.pk}/bulletin/", {f"grade-{ids[0]}": "2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Attribuez une mention à chaque option" in html
    assert f'name="grade-{ids[0]}" value="2" required checked' in html  # kept
    assert not Participation.objects.exists()
    assert not Ballot.objects.exists()


def test_the_ranking_form_turns_places_into_a_ranking(member_client, coordinator, colleges):
    vote = make_vote(coordinator, method="schulze")
    ids = option_ids(vote)
    url = f"/membres/votes/{vote.pk}/bulletin/"
    refused = member_client.post(url, {f"rank-{ids[0]}": "1", f"rank-{ids[1]}": "1"})
    assert "ne peuvent pas partager le rang 1" in refused.content.decode()
    assert not Ballot.objects.exists()
    member_client.post(url, {f"rank-{ids[0]}": "3", f"rank-{ids[1]}": "", f"rank-{ids[2]}": "1"})
    assert dict(BallotEntry.objects.values_list("option_id", "value")) == {ids[2]: 0, ids[0]: 1}


def test_voting_again_on_a_secret_vote_asks_for_the_receipt(member_client, votes):
    vote = votes["open"]
    ids = option_ids(vote)
    url = f"/membres/votes/{vote.pk}/bulletin/"
    first = member_client.post(url, {f"grade-{pk}": "1" for pk in ids}).content.decode()
    code = re.search(r'class="receipt-code">([^<]+)<', first).group(1)
    page = member_client.get(url).content.decode()
    assert 'name="receipt"' in page
    refused = member_client.post(url, {f"grade-{pk}": "6" for pk in ids})
    assert "indiquez le code de reçu" in refused.content.decode()
    replaced = member_client.post(url, {**{f"grade-{pk}": "6" for pk in ids}, "receipt": code})
    assert "Votre bulletin est remplacé" in replaced.content.decode()
    assert set(BallotEntry.objects.filter(vote=vote).values_list("value", flat=True)) == {6}


def test_a_public_ballot_is_shown_again_to_its_voter(member_client, member, coordinator, colleges):
    vote = make_vote(coordinator, method="plurality", secret=False)
    ids = option_ids(vote)
    services.vote_cast(user=member, vote=vote, choice=ids[1])
    html = member_client.get(f"/membres/votes/{vote.pk}/bulletin/").content.decode()
    assert f'value="{ids[1]}" required checked' in html
    assert 'name="receipt"' not in html


def test_a_closed_vote_sends_the_ballot_page_to_the_results(member_client, votes):
    vote = votes["closed"]
    response = member_client.get(f"/membres/votes/{vote.pk}/bulletin/")
    assert response.status_code == 302
    assert response["Location"] == f"/membres/votes/{vote.pk}/resultats/"


def test_a_ballot_sent_after_the_closing_time_is_refused(member_client, votes):
    vote = votes["open"]
    ids = option_ids(vote)
    move_to_past(vote)
    response = member_client.post(
        f"/membres/votes/{vote.pk}/bulletin/", {f"grade-{pk}": "1" for pk in ids}, follow=True
    )
    assert "Ce scrutin est clos." in response.content.decode()
    assert not Participation.objects.exists()


def test_finding_ones_ballot_with_the_receipt(member_client, member, votes):
    vote = votes["open"]
    ids = option_ids(vote)
    cast = services.vote_cast(user=member, vote=vote, grades={ids[0]: 6, ids[1]: 0, ids[2]: 3})
    url = f"/membres/votes/{vote.pk}/recu/"
    html = member_client.post(url, {"receipt": cast.code}).content.decode()
    assert f"Bulletin numéro {cast.receipt_id}" in html
    assert "Excellent" in html
    assert "À rejeter" in html
    wrong = member_client.post(url, {"receipt": cast.receipt_id + "-faux"}).content.decode()
    assert "Aucun bulletin de ce scrutin n&#x27;a ce code de reçu." in wrong


# ---------------------------------------------------------------- results


def test_results_are_hidden_before_the_close(member_client, votes):
    vote = votes["open"]
    for url in (f"/membres/votes/{vote.pk}/resultats/", f"/membres/votes/{vote.pk}/bulletins.csv"):
        response = member_client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/membres/votes/{vote.pk}/"


def test_majority_judgment_results_show_the_merit_profile_chart(
    member_client, coordinator, colleges
):
    vote = make_vote(coordinator)
    bulk_ballots(vote, many_members(12, colleges["salaries"]))
    services.vote_close(actor=coordinator, vote=vote)
    html = member_client.get(f"/membres/votes/{vote.pk}/resultats/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<rect" in svg
    # numbers are written for SVG (12.5), never localised (12,5)
    geometry = re.sub(r"<(title|desc|text)[^>]*>.*?</\1>", "", svg, flags=re.S)
    assert "," not in geometry
    assert "Mention majoritaire" in html
    assert '<th scope="row">' in html
    assert "<script" not in html.split("</footer>")[0].split("<main")[1]
    participation = vote.result
    assert f"{participation.ballot_count} bulletins pour {participation.electorate_count}" in html


def test_schulze_results_show_the_pairwise_matrix(member_client, coordinator, colleges):
    vote = make_vote(coordinator, method="schulze")
    bulk_ballots(vote, many_members(8, colleges["salaries"]))
    services.vote_close(actor=coordinator, vote=vote)
    html = member_client.get(f"/membres/votes/{vote.pk}/resultats/").content.decode()
    assert "Préférences deux à deux" in html
    assert html.count('<table class="matrix">') == 2


def test_public_results_show_who_voted_what(member_client, member, coordinator, colleges):
    vote = make_vote(coordinator, method="approval", secret=False)
    ids = option_ids(vote)
    services.vote_cast(user=member, vote=vote, approved=[ids[0]])
    services.vote_close(actor=coordinator, vote=vote)
    html = member_client.get(f"/membres/votes/{vote.pk}/resultats/").content.decode()
    assert "Qui a voté quoi" in html
    assert member.membership.display_name in html


def _recount(vote: Vote, rows: list[dict], ids: list[int]):
    columns = {pk: next(c for c in rows[0] if c.endswith(f"(#{pk})")) for pk in ids}
    if vote.method == "majority_judgment":
        grade = {name: i for i, name in enumerate(vote.grades)}
        return majority_judgment(
            ids,
            grades=vote.grades,
            ballots=[{pk: grade[r[columns[pk]]] for pk in ids} for r in rows],
        )
    if vote.method == "approval":
        return approval(ids, ballots=[[pk for pk in ids if r[columns[pk]] == "1"] for r in rows])
    if vote.method == "plurality":
        return plurality(
            ids, choices=[next(pk for pk in ids if r[columns[pk]] == "1") for r in rows]
        )
    rankings = []
    for r in rows:
        ranked = sorted((int(r[columns[pk]]), pk) for pk in ids if r[columns[pk]])
        rankings.append([pk for _place, pk in ranked])
    return schulze(ids, rankings)


@pytest.mark.parametrize("method", ["majority_judgment", "approval", "schulze", "plurality"])
def test_the_stored_result_matches_a_recount_of_the_csv(
    member_client, member, coordinator, colleges, method
):
    vote = make_vote(coordinator, method=method, options=("A", "B", "C", "D"))
    bulk_ballots(vote, many_members(40, colleges["salaries"]), seed=7)
    ids = option_ids(vote)
    payload = {
        "majority_judgment": {"grades": dict(zip(ids, [6, 5, 0, 2], strict=True))},
        "approval": {"approved": []},
        "schulze": {"ranking": [ids[3]]},
        "plurality": {"choice": ids[2]},
    }[method]
    services.vote_cast(user=member, vote=vote, **payload)
    services.vote_close(actor=coordinator, vote=vote)
    response = member_client.get(f"/membres/votes/{vote.pk}/bulletins.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 41
    assert [r["Numéro de reçu"] for r in rows] == sorted(r["Numéro de reçu"] for r in rows)
    assert _recount(vote, rows, ids).to_dict() == VoteResult.objects.get(vote=vote).data


# ---------------------------------------------------------------- coordinator screens


def test_coordinator_creates_a_vote_with_labels_and_projects(coordinator_client, colleges):
    from projects.models import Project

    project = Project.objects.create(title="Four à pain", slug="four", status="accepted_for_vote")
    now = timezone.localtime()
    form = coordinator_client.get("/membres/votes/nouveau/").content.decode()
    assert "Four à pain" in form
    assert "<legend>" in form
    response = coordinator_client.post(
        "/membres/votes/nouveau/",
        {
            "title": "Projet commun",
            "method": "majority_judgment",
            "options_text": "Jardin\n\nVélo\n",
            "projects": [project.pk],
            "grades_text": "Non\nPeut-être\nOui",
            "opens_at": (now + DAY).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + 8 * DAY).strftime("%Y-%m-%dT%H:%M"),
            "secret": "on",
            "colleges": [colleges["beneficiaires"].pk],
        },
    )
    vote = Vote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/membres/votes/{vote.pk}/"
    assert [o.label for o in vote.options.order_by("position")] == ["Jardin", "Vélo", "Four à pain"]
    assert vote.grades == ["Non", "Peut-être", "Oui"]
    assert vote.status == "scheduled"
    assert list(vote.colleges.all()) == [colleges["beneficiaires"]]


def test_a_bad_vote_form_rerenders_with_the_message(coordinator_client, colleges):
    now = timezone.localtime()
    response = coordinator_client.post(
        "/membres/votes/nouveau/",
        {
            "title": "Projet commun",
            "method": "approval",
            "options_text": "Seule",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + DAY).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert "Un scrutin compte entre 2 et 50 options." in response.content.decode()
    # The service's ``options`` error lands on the form's field that holds them.
    assert response.context["form"].errors["options_text"] == [
        "Un scrutin compte entre 2 et 50 options."
    ]
    assert not Vote.objects.exists()


def test_coordinator_reschedules_opens_and_closes_a_vote(coordinator_client, coordinator, colleges):
    vote = make_vote(coordinator, opens_in=2 * DAY, closes_in=4 * DAY)
    later = timezone.localtime() + 9 * DAY
    coordinator_client.post(
        f"/membres/votes/{vote.pk}/calendrier/",
        {
            "opens_at": (later - DAY).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": later.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    vote.refresh_from_db()
    assert timezone.localtime(vote.closes_at).strftime("%Y-%m-%dT%H:%M") == later.strftime(
        "%Y-%m-%dT%H:%M"
    )
    coordinator_client.post(f"/membres/votes/{vote.pk}/ouvrir/")
    vote.refresh_from_db()
    assert vote.status == "open"
    page = coordinator_client.get(f"/membres/votes/{vote.pk}/").content.decode()
    assert "Clore le scrutin maintenant" in page
    response = coordinator_client.post(f"/membres/votes/{vote.pk}/cloturer/")
    assert response["Location"] == f"/membres/votes/{vote.pk}/resultats/"
    vote.refresh_from_db()
    assert vote.status == "closed"


def test_closing_a_scheduled_vote_from_the_page_shows_the_error(
    coordinator_client, coordinator, colleges
):
    # The vote's page again (no redirect), the message, 409; the vote is as it was.
    vote = make_vote(coordinator, opens_in=2 * DAY, closes_in=4 * DAY)
    response = coordinator_client.post(f"/membres/votes/{vote.pk}/cloturer/")
    assert response.status_code == 409
    assert "pas encore ouvert" in response.content.decode()
    vote.refresh_from_db()
    assert vote.status == "scheduled"


def test_an_invalid_schedule_is_the_page_again_with_400(coordinator_client, coordinator, colleges):
    vote = make_vote(coordinator, opens_in=2 * DAY, closes_in=4 * DAY)
    before = vote.closes_at
    response = coordinator_client.post(
        f"/membres/votes/{vote.pk}/calendrier/", {"closes_at": "pas une date"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="errorlist"' in html
    assert 'class="message message-error"' in html
    vote.refresh_from_db()
    assert vote.closes_at == before


# ---------------------------------------------------------------- query counts


@pytest.mark.parametrize("count", [10, 200])
def test_page_query_counts_do_not_grow(
    member_client, member, coordinator, colleges, count, django_assert_max_num_queries
):
    closed = []
    for i, secret in enumerate((True, False)):
        vote = make_vote(coordinator, secret=secret)
        bulk_ballots(vote, many_members(count, colleges["salaries"], start=10_000 * (i + 1)))
        closed.append(services.vote_close(actor=coordinator, vote=vote))
    open_vote = make_vote(coordinator, method="schulze")
    bulk_ballots(open_vote, many_members(count, colleges["salaries"], start=50_000))
    with django_assert_max_num_queries(16):
        assert member_client.get("/membres/votes/").status_code == 200
    with django_assert_max_num_queries(12):
        assert member_client.get(f"/membres/votes/{open_vote.pk}/bulletin/").status_code == 200
    for vote in closed:  # secret, then public with its table of who voted what
        with django_assert_max_num_queries(12):
            assert member_client.get(f"/membres/votes/{vote.pk}/resultats/").status_code == 200
    with django_assert_max_num_queries(12):
        assert member_client.get(f"/membres/votes/{closed[0].pk}/bulletins.csv").status_code == 200
