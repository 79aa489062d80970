"""Issue 15 §5: the representative of the community — candidacies, the election restricted
to the electing college, the mandate given at the close, a tie, duty 3's two halves, the
pages and the API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.core.models import OutboxEmail
from governance.duties import duty_states
from governance.errors import GovernanceError
from governance.representative import services
from governance.representative.dates import add_months
from governance.representative.models import Candidacy, ElectionOutcome, Mandate
from governance.selectors import member_get_with_duties
from governance.votes.services import vote_cast, vote_close
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
STATEMENT = "Je porte la voix des pionniers auprès de la coopérative et du jardinier, chaque mois."


@pytest.fixture
def pioneers(colleges):
    """Four active members of the beneficiaries' college (the electing college)."""
    return [
        MembershipFactory(
            user=UserFactory(
                email=f"pionnier{i}@example.org", first_name="Pionnier", last_name=str(i)
            ),
            college=colleges["beneficiaires"],
            joined_on=datetime.date(2024, 1, 1),
        )
        for i in range(4)
    ]


@pytest.fixture
def election(coordinator, colleges):
    return services.election_create(actor=coordinator, title="Représentant 2027")


def _stand(membership, election, statement=STATEMENT):
    return services.candidacy_stand(user=membership.user, election=election, statement=statement)


def _to_vote(coordinator, election, method="majority_judgment"):
    now = timezone.now()
    return services.election_put_to_vote(
        actor=coordinator,
        election=election,
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + 7 * DAY,
        method=method,
    )


def _grades(vote, by_candidacy):
    options = {o.subject_id: o.pk for o in vote.options.all()}
    return {options[c.pk]: grade for c, grade in by_candidacy.items()}


# ---------------------------------------------------------------- candidacies


def test_the_election_is_held_by_the_pioneers_college_by_default(election, colleges):
    assert election.college == colleges["beneficiaires"]
    assert election.method == "majority_judgment"
    assert election.mandate_months == 24


def test_the_electing_college_is_a_setting(coordinator, colleges, settings):
    settings.REPRESENTATIVE_COLLEGE = "salaries"
    election = services.election_create(actor=coordinator, title="Autre")
    assert election.college == colleges["salaries"]


def test_a_short_statement_is_refused_with_a_clear_error(election, pioneers):
    with pytest.raises(GovernanceError) as exc:
        _stand(pioneers[0], election, statement="Votez pour moi.")
    assert exc.value.code == "statement_too_short"
    assert "50" in exc.value.message
    assert "15" in exc.value.message
    assert not Candidacy.objects.exists()


def test_only_members_of_the_electing_college_stand(election, member):
    from governance.models import Membership

    with pytest.raises(GovernanceError) as exc:
        _stand(Membership.objects.get(user=member), election)
    assert exc.value.code == "not_in_college"
    assert exc.value.status_code == 403


def test_standing_twice_is_a_conflict_and_withdrawing_frees_the_place(election, pioneers):
    candidacy = _stand(pioneers[0], election)
    with pytest.raises(GovernanceError) as exc:
        _stand(pioneers[0], election)
    assert exc.value.status_code == 409
    services.candidacy_withdraw(user=pioneers[0].user, candidacy=candidacy)
    candidacy.refresh_from_db()
    assert candidacy.withdrawn_at is not None
    assert _stand(pioneers[0], election).pk != candidacy.pk


def test_candidacies_close_when_the_election_is_put_to_the_vote(coordinator, election, pioneers):
    first, second = _stand(pioneers[0], election), _stand(pioneers[1], election)
    vote = _to_vote(coordinator, election)
    assert [(o.subject_kind, o.subject_id) for o in vote.options.all()] == [
        ("representative", first.pk),
        ("representative", second.pk),
    ]
    assert list(vote.colleges.all()) == [election.college]
    with pytest.raises(GovernanceError) as exc:
        services.candidacy_withdraw(user=pioneers[0].user, candidacy=first)
    assert exc.value.code == "candidacies_closed"
    with pytest.raises(GovernanceError):
        _stand(pioneers[2], election)


def test_one_candidate_is_not_enough_for_a_vote(coordinator, election, pioneers):
    _stand(pioneers[0], election)
    with pytest.raises(GovernanceError) as exc:
        _to_vote(coordinator, election)
    assert exc.value.code == "too_few_candidates"
    election.refresh_from_db()
    assert election.vote is None


# ---------------------------------------------------------------- the vote and its close


def test_only_the_electing_college_votes(coordinator, election, pioneers, member):
    _stand(pioneers[0], election), _stand(pioneers[1], election)
    vote = _to_vote(coordinator, election)
    with pytest.raises(GovernanceError) as exc:
        vote_cast(user=member, vote=vote, grades={o.pk: 3 for o in vote.options.all()})
    assert exc.value.code == "not_in_electorate"


def test_the_close_gives_the_winner_a_mandate_in_the_same_transaction(
    coordinator, election, pioneers
):
    a, b = _stand(pioneers[0], election), _stand(pioneers[1], election)
    vote = _to_vote(coordinator, election)
    for voter in pioneers:
        vote_cast(user=voter.user, vote=vote, grades=_grades(vote, {a: 5, b: 2}))
    vote_close(actor=coordinator, vote=vote)
    mandate = Mandate.objects.get()
    assert mandate.membership == pioneers[0]
    assert mandate.candidacy == a
    today = timezone.localdate()
    assert mandate.starts_on == today
    assert mandate.ends_on == add_months(today, 24)
    election.refresh_from_db()
    assert election.outcome == ElectionOutcome.ELECTED
    vote_close(actor=coordinator, vote=vote)  # closing twice gives nothing more
    assert Mandate.objects.count() == 1


def test_the_count_decides_through_the_one_outcome_hook_and_is_not_overridden(
    client, api_client, coordinator, election, pioneers
):
    from governance.representative.services import election_outcome_apply
    from governance.votes.subjects import option_provider

    a, b = _stand(pioneers[0], election), _stand(pioneers[1], election)
    vote = _to_vote(coordinator, election)
    for voter in pioneers:
        vote_cast(user=voter.user, vote=vote, grades=_grades(vote, {a: 5, b: 2}))
    vote_close(actor=coordinator, vote=vote)
    # the mandate came through the kind's outcome_apply, recorded on the vote like any outcome
    assert option_provider("representative").outcome_apply is election_outcome_apply
    vote.refresh_from_db()
    assert (vote.outcome_subject_kind, vote.outcome_subject_id, vote.outcome_tie) == (
        "representative",
        a.pk,
        False,
    )
    # the results page names the elected, and offers the coordinator no override
    client.force_login(coordinator)
    html = client.get(reverse("governance:vote_results", kwargs={"pk": vote.pk})).content.decode()
    assert "Représentant·e élu·e de la communauté" in html
    assert "Projet retenu" not in html
    assert 'name="reason"' not in html
    # the API refuses an override and nothing changes
    api_client.force_authenticate(coordinator)
    response = api_client.post(
        f"/api/v1/votes/{vote.pk}/outcome/",
        {"project": b.pk, "reason": "Une raison publique assez longue pour passer."},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_overridable"
    vote.refresh_from_db()
    assert vote.outcome_subject_id == a.pk
    assert list(Mandate.objects.values_list("candidacy", flat=True)) == [a.pk]
    assert response.json()["detail"] == "Le résultat de ce scrutin ne peut pas être changé."


def test_a_tie_gives_no_mandate_and_tells_the_coordinator(coordinator, election, pioneers):
    a, b = _stand(pioneers[0], election), _stand(pioneers[1], election)
    vote = _to_vote(coordinator, election, method="plurality")
    options = {o.subject_id: o.pk for o in vote.options.all()}
    vote_cast(user=pioneers[2].user, vote=vote, choice=options[a.pk])
    vote_cast(user=pioneers[3].user, vote=vote, choice=options[b.pk])
    vote_close(actor=coordinator, vote=vote)
    assert not Mandate.objects.exists()
    election.refresh_from_db()
    assert election.outcome == ElectionOutcome.TIE
    told = OutboxEmail.objects.get(
        key=f"representative-undecided-{election.pk}-to-{coordinator.pk}"
    )
    assert told.subject.startswith("[Terreau] Personne n’est élu")


def test_a_vote_of_projects_is_not_touched(coordinator, colleges):
    from tests.governance.votes_helpers import make_vote

    vote = make_vote(coordinator)
    vote_close(actor=coordinator, vote=vote)
    assert not Mandate.objects.exists()


# ---------------------------------------------------------------- duty 3, two halves


def _duty3(membership):
    state = next(
        s
        for s in duty_states(member_get_with_duties(membership_id=membership.pk))
        if s.duty.code == "assembly"
    )
    return state.state, [p.code for p in state.missing]


def test_duty_3_counts_the_representative_election(coordinator, election, pioneers, member):
    from governance.models import Membership

    assert _duty3(pioneers[2]) == ("not_applicable", [])
    a, b = _stand(pioneers[0], election), _stand(pioneers[1], election)
    vote = _to_vote(coordinator, election)
    vote_cast(user=pioneers[2].user, vote=vote, grades=_grades(vote, {a: 4, b: 3}))
    vote_close(actor=coordinator, vote=vote)
    assert _duty3(pioneers[2]) == ("met", [])
    assert _duty3(pioneers[3]) == ("unmet", ["representative"])
    # Outside the electing college the election does not apply.
    assert _duty3(Membership.objects.get(user=member)) == ("not_applicable", [])


def test_duty_3_names_the_missing_assembly_half(coordinator, election, pioneers):
    from governance.assemblies.models import Assembly, AssemblyStatus, Attendance

    a, b = _stand(pioneers[0], election), _stand(pioneers[1], election)
    vote = _to_vote(coordinator, election)
    vote_cast(user=pioneers[2].user, vote=vote, grades=_grades(vote, {a: 4, b: 3}))
    vote_cast(user=pioneers[3].user, vote=vote, grades=_grades(vote, {a: 4, b: 3}))
    vote_close(actor=coordinator, vote=vote)
    assembly = Assembly.objects.create(
        title="AG", date=timezone.now() - DAY, status=AssemblyStatus.CLOSED
    )
    Attendance.objects.create(assembly=assembly, membership=pioneers[3])
    assert _duty3(pioneers[2]) == ("unmet", ["general_assembly"])
    assert _duty3(pioneers[3]) == ("met", [])
    assert _duty3(pioneers[1]) == ("unmet", ["general_assembly", "representative"])


# ---------------------------------------------------------------- pages


def test_standing_from_the_page_and_its_errors(client, election, pioneers):
    client.force_login(pioneers[0].user)
    url = f"/membres/representant/{election.pk}/candidature/"
    response = client.post(url, {"statement": "Trop court."})
    assert response.status_code == 400
    assert "au moins 50 caractères" in response.content.decode()
    assert not Candidacy.objects.exists()
    response = client.post(url, {"statement": STATEMENT})
    assert response.status_code == 302
    html = client.get(f"/membres/representant/{election.pk}/").content.decode()
    assert STATEMENT in html
    assert "Retirer ma candidature" in html


def test_withdrawing_from_the_page_and_the_refusal_once_put_to_the_vote(
    client, coordinator, election, pioneers
):
    first, _second = _stand(pioneers[0], election), _stand(pioneers[1], election)
    third = _stand(pioneers[2], election)
    client.force_login(pioneers[0].user)
    url = reverse("governance:representative_withdraw", kwargs={"pk": first.pk})
    response = client.post(url)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    # someone else's candidacy is not found
    assert (
        client.post(
            reverse("governance:representative_withdraw", kwargs={"pk": third.pk})
        ).status_code
        == 404
    )
    # once put to the vote, the page is shown again with the refusal, nothing changed
    _to_vote(coordinator, election)
    client.force_login(pioneers[2].user)
    response = client.post(reverse("governance:representative_withdraw", kwargs={"pk": third.pk}))
    assert response.status_code == 409
    third.refresh_from_db()
    assert third.withdrawn_at is None


def test_the_coordinator_puts_the_election_to_the_vote_from_its_page(
    client, coordinator, election, pioneers
):
    _stand(pioneers[0], election)
    client.force_login(coordinator)
    url = f"/membres/representant/{election.pk}/scrutin/"
    now = timezone.localtime()
    data = {
        "opens_at": (now - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + 7 * DAY).strftime("%Y-%m-%dT%H:%M"),
        "method": "majority_judgment",
    }
    assert client.post(url, data).status_code == 409  # one candidate only
    _stand(pioneers[1], election)
    response = client.post(url, data)
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.vote is not None


def test_a_pioneer_cannot_put_it_to_the_vote(client, election, pioneers):
    client.force_login(pioneers[0].user)
    assert client.post(f"/membres/representant/{election.pk}/scrutin/", {}).status_code == 403


def test_the_mandate_shows_on_the_colleges_and_federation_pages_and_api(
    client, api_client, coordinator, election, pioneers
):
    html = client.get("/membres/colleges/").content.decode()
    assert "Aucun représentant de la communauté n’est en fonction" in html
    a, b = _stand(pioneers[0], election), _stand(pioneers[1], election)
    vote = _to_vote(coordinator, election)
    vote_cast(user=pioneers[2].user, vote=vote, grades=_grades(vote, {a: 2, b: 5}))
    vote_close(actor=coordinator, vote=vote)
    name = pioneers[1].display_name
    assert name in client.get("/membres/colleges/").content.decode()
    assert name in client.get("/membres/fonctionnement/").content.decode()
    data = api_client.get("/api/v1/federation/").json()["representative"]
    assert data["name"] == name
    assert data["member"] == pioneers[1].pk
    assert data["ends_on"] == add_months(timezone.localdate(), 24).isoformat()


def test_the_representative_page_lists_in_bounded_queries(
    client, coordinator, colleges, pioneers, django_assert_max_num_queries
):
    for i in range(6):
        election = services.election_create(actor=coordinator, title=f"Élection {i}")
        for p in pioneers[:3]:
            _stand(p, election)
    with django_assert_max_num_queries(12):
        response = client.get("/membres/representant/")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="election"') == 6


# ---------------------------------------------------------------- API


def test_api_stand_list_and_withdraw(api_client, election, pioneers, member):
    api_client.force_authenticate(pioneers[0].user)
    url = "/api/v1/representative-candidacies/"
    response = api_client.post(url, {"election": election.pk, "statement": "court"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "statement_too_short"
    assert "50" in response.json()["errors"]["statement"][0]
    assert not Candidacy.objects.exists()
    response = api_client.post(
        url, {"election": election.pk, "statement": STATEMENT}, format="json"
    )
    assert response.status_code == 201
    candidacy_id = response.json()["id"]
    api_client.force_authenticate(member)
    response = api_client.post(
        url, {"election": election.pk, "statement": STATEMENT}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_in_college"
    assert api_client.post(f"{url}{candidacy_id}/withdraw/").status_code == 404
    api_client.force_authenticate(None)
    listed = api_client.get(url, {"election": election.pk}).json()
    assert [c["id"] for c in listed["results"]] == [candidacy_id]
    elections = api_client.get("/api/v1/representative-elections/").json()
    assert elections["results"][0]["candidate_count"] == 1
    api_client.force_authenticate(pioneers[0].user)
    response = api_client.post(f"{url}{candidacy_id}/withdraw/")
    assert response.status_code == 200
    assert response.json()["withdrawn_at"]


def test_api_lists_in_bounded_queries(
    api_client, coordinator, pioneers, django_assert_max_num_queries
):
    for i in range(5):
        election = services.election_create(actor=coordinator, title=f"Élection {i}")
        for p in pioneers:
            _stand(p, election)
    with django_assert_max_num_queries(4):
        data = api_client.get("/api/v1/representative-candidacies/").json()
    assert data["count"] == 20
    with django_assert_max_num_queries(4):
        data = api_client.get("/api/v1/representative-elections/").json()
    assert data["count"] == 5
