"""Votes: creation, schedule, electorate, ballots (secret and public), close and count."""

import datetime

import pytest
from django.utils import timezone

from backend.core.models import AuditEvent
from governance.errors import GovernanceError
from governance.models import (
    Ballot,
    BallotEntry,
    Participation,
    Vote,
    VoteMethod,
    VoteOption,
    VoteResult,
    VoteStatus,
)
from governance.tally import DEFAULT_GRADES, majority_judgment
from governance.votes import selectors, services
from governance.votes.services import OptionInput
from tests.governance.votes_helpers import (  # noqa: F401  (fast_passwords: autouse)
    DAY,
    fast_passwords,
    make_vote,
    move_to_past,
    option_ids,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def voter(member):
    return member


def nothing_written(vote: Vote) -> bool:
    return (
        not Participation.objects.filter(vote=vote).exists()
        and not Ballot.objects.filter(vote=vote).exists()
        and not BallotEntry.objects.filter(vote=vote).exists()
    )


# ---------------------------------------------------------------- creation


def test_a_vote_whose_opening_time_is_past_opens_at_once(coordinator, colleges):
    # when
    vote = make_vote(coordinator)
    # then
    assert vote.status == VoteStatus.OPEN
    assert vote.opened_at is not None
    assert vote.grades == list(DEFAULT_GRADES)
    assert [o.label for o in vote.options.order_by("position")] == ["Jardin", "Vélo", "Eau"]
    assert AuditEvent.objects.filter(action="vote.create").exists()
    assert AuditEvent.objects.filter(action="vote.open").exists()


def test_a_future_vote_is_scheduled(coordinator, colleges):
    vote = make_vote(coordinator, opens_in=DAY, closes_in=3 * DAY)
    assert vote.status == VoteStatus.SCHEDULED
    assert vote.opened_at is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": "  "}, "invalid_title"),
        ({"method": "borda"}, "invalid_method"),
        ({"options": [OptionInput(label="Seule")]}, "option_count"),
        ({"options": [OptionInput(label="A"), OptionInput(label="a")]}, "duplicate_option"),
        ({"options": [OptionInput(label="A"), OptionInput(label=" ")]}, "option_label"),
        ({"options": [OptionInput(label="A"), OptionInput.project(999_999)]}, "unknown_project"),
        ({"grades": ["Bien"]}, "invalid_grades"),
        ({"grades": ["Bien", "Bien"]}, "invalid_grades"),
        ({"method": "approval", "grades": ["Non", "Oui"]}, "grades_not_applicable"),
        ({"closes_at": "opens"}, "closes_before_opening"),
        ({"closes_at": "past"}, "closes_in_past"),
        ({"pioneers_only": True, "colleges": ["fondateurs"]}, "electorate_empty"),
    ],
)
def test_bad_vote_creation_is_refused_and_writes_nothing(coordinator, colleges, changes, code):
    now = timezone.now()
    kwargs = {
        "actor": coordinator,
        "title": "Projet commun",
        "method": VoteMethod.MAJORITY_JUDGMENT,
        "options": [OptionInput(label="A"), OptionInput(label="B")],
        "opens_at": now,
        "closes_at": now + DAY,
    }
    kwargs.update(changes)
    if changes.get("closes_at") == "opens":
        kwargs["closes_at"] = kwargs["opens_at"]
    if changes.get("closes_at") == "past":
        kwargs["opens_at"], kwargs["closes_at"] = now - 2 * DAY, now - DAY
    if "colleges" in changes:
        kwargs["colleges"] = [colleges[slug] for slug in changes["colleges"]]
    with pytest.raises(GovernanceError) as err:
        services.vote_create(**kwargs)
    assert err.value.code == code
    assert err.value.status_code == 400
    assert not Vote.objects.exists()
    assert not VoteOption.objects.exists()


def test_pioneers_only_needs_a_pioneers_college(coordinator):
    from tests.factories import CollegeFactory

    CollegeFactory()
    now = timezone.now()
    with pytest.raises(GovernanceError) as err:
        services.vote_create(
            actor=coordinator,
            title="Pionniers",
            method="plurality",
            options=[OptionInput(label="A"), OptionInput(label="B")],
            opens_at=now,
            closes_at=now + DAY,
            pioneers_only=True,
        )
    assert err.value.code == "no_pioneers_college"


def test_options_may_be_projects_accepted_for_a_vote(coordinator, colleges):
    from projects.models import Project

    accepted = Project.objects.create(title="Four à pain", slug="four", status="accepted_for_vote")
    draft = Project.objects.create(title="Brouillon", slug="brouillon")
    now = timezone.now()
    vote = services.vote_create(
        actor=coordinator,
        title="Projets",
        method="approval",
        options=[OptionInput(label="Libre"), OptionInput.project(accepted.pk)],
        opens_at=now,
        closes_at=now + DAY,
    )
    linked = vote.options.get(subject_kind="project", subject_id=accepted.pk)
    assert linked.label == "Four à pain"
    assert linked.project_ref == accepted.pk
    assert vote.options.get(label="Libre").project_ref is None
    with pytest.raises(GovernanceError) as err:
        services.vote_create(
            actor=coordinator,
            title="Projets 2",
            method="approval",
            options=[OptionInput(label="Libre"), OptionInput.project(draft.pk)],
            opens_at=now,
            closes_at=now + DAY,
        )
    assert err.value.code == "project_not_accepted"


# ---------------------------------------------------------------- schedule, open, close


def test_rescheduling_a_scheduled_vote_and_opening_it_now(coordinator, colleges):
    vote = make_vote(coordinator, opens_in=2 * DAY, closes_in=5 * DAY)
    now = timezone.now()
    vote = services.vote_schedule(
        actor=coordinator, vote=vote, opens_at=now + DAY, closes_at=now + 9 * DAY
    )
    assert vote.status == VoteStatus.SCHEDULED
    vote = services.vote_open(actor=coordinator, vote=vote)
    assert vote.status == VoteStatus.OPEN
    assert vote.opens_at <= timezone.now()
    assert services.vote_open(actor=coordinator, vote=vote).opened_at == vote.opened_at


def test_an_open_vote_only_moves_its_closing_time(coordinator, colleges):
    vote = make_vote(coordinator)
    later = vote.closes_at + DAY
    vote = services.vote_schedule(
        actor=coordinator, vote=vote, opens_at=vote.opens_at, closes_at=later
    )
    assert vote.closes_at == later
    with pytest.raises(GovernanceError) as err:
        services.vote_schedule(
            actor=coordinator, vote=vote, opens_at=vote.opens_at - DAY, closes_at=later
        )
    assert err.value.code == "vote_already_open"
    assert err.value.status_code == 409


def test_a_closed_vote_cannot_be_rescheduled_nor_closed_again(coordinator, colleges):
    vote = services.vote_close(actor=coordinator, vote=make_vote(coordinator))
    with pytest.raises(GovernanceError) as err:
        services.vote_schedule(
            actor=coordinator, vote=vote, opens_at=vote.opens_at, closes_at=vote.closes_at + DAY
        )
    assert err.value.status_code == 409
    again = services.vote_close(actor=coordinator, vote=vote)
    assert again.closed_at == vote.closed_at
    assert VoteResult.objects.filter(vote=vote).count() == 1


def test_the_coordinator_cannot_close_a_vote_that_has_not_opened(coordinator, colleges):
    vote = make_vote(coordinator, opens_in=DAY, closes_in=2 * DAY)
    with pytest.raises(GovernanceError) as err:
        services.vote_close(actor=coordinator, vote=vote)
    assert err.value.code == "vote_not_open"
    vote.refresh_from_db()
    assert vote.status == VoteStatus.SCHEDULED


def test_an_expired_vote_is_closed_when_read(coordinator, colleges, voter):
    vote = make_vote(coordinator)
    services.vote_cast(user=voter, vote=vote, grades=dict.fromkeys(option_ids(vote), 3))
    move_to_past(vote)
    # when: anyone reads it, no scheduler needed
    vote = services.vote_sync(vote=vote)
    # then
    assert vote.status == VoteStatus.CLOSED
    assert vote.result.ballot_count == 1


def test_a_vote_no_scheduler_opened_is_closed_when_its_time_is_past(coordinator, colleges):
    vote = make_vote(coordinator, opens_in=DAY, closes_in=2 * DAY)
    now = timezone.now()
    Vote.objects.filter(pk=vote.pk).update(opens_at=now - 2 * DAY, closes_at=now - DAY)
    assert services.votes_sync_due() == {"opened": 0, "closed": 1}
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED
    assert vote.result.ballot_count == 0


# ---------------------------------------------------------------- electorate


@pytest.mark.parametrize(
    ("college_slugs", "pioneers_only", "expected"),
    [
        ([], False, {"fondateurs", "beneficiaires", "salaries"}),
        (["fondateurs", "salaries"], False, {"fondateurs", "salaries"}),
        ([], True, {"beneficiaires"}),
        (["beneficiaires", "salaries"], True, {"beneficiaires"}),
    ],
)
def test_electorate_selector_predicate_and_list_agree(
    coordinator, colleges, membership_factory, college_slugs, pioneers_only, expected
):
    # given: one active member per college of interest, and one who resigned
    people = {
        slug: membership_factory(college=colleges[slug])
        for slug in expected | {"fondateurs", "beneficiaires", "salaries"}
    }
    gone = membership_factory(college=colleges["fondateurs"], status="resigned")
    vote = make_vote(
        coordinator,
        colleges=[colleges[s] for s in college_slugs],
        pioneers_only=pioneers_only,
    )
    # then: the selector
    assert {m.college.slug for m in selectors.vote_electorate(vote=vote)} == expected
    for slug, membership in people.items():
        # the predicate (rules) and the list's annotation give the same answer
        inside = slug in expected
        assert membership.user.has_perm("governance.cast_ballot", vote) is inside
        listed = selectors.vote_list_for(user=membership.user).get(pk=vote.pk)
        assert listed.in_electorate is inside
    assert not gone.user.has_perm("governance.cast_ballot", vote)
    assert not selectors.vote_list_for(user=gone.user).get(pk=vote.pk).in_electorate


# ---------------------------------------------------------------- ballots: secret


def test_a_secret_ballot_is_stored_without_any_link_to_its_voter(coordinator, colleges, voter):
    vote = make_vote(coordinator)
    ids = option_ids(vote)
    # when
    cast = services.vote_cast(user=voter, vote=vote, grades={ids[0]: 6, ids[1]: 0, ids[2]: 3})
    # then: a participation names the member; the ballot names nobody
    participation = Participation.objects.get(vote=vote)
    assert participation.membership.user == voter
    ballot = Ballot.objects.get(vote=vote)
    assert ballot.voter is None
    assert {f.name for f in Ballot._meta.concrete_fields} == {
        "id",
        "vote",
        "voter",
        "receipt_id",
        "receipt_hash",
    }
    assert not any(
        isinstance(f, type(Participation._meta.get_field("created_at")))
        for f in Ballot._meta.concrete_fields + BallotEntry._meta.concrete_fields
    )
    # the receipt: its public part is on the ballot, the code itself is not stored
    assert cast.code.startswith(ballot.receipt_id + "-")
    assert cast.code not in ballot.receipt_hash
    assert ballot.receipt_hash == selectors.receipt_hash(cast.code)
    assert selectors.ballot_entries(ballot=ballot) == {ids[0]: 6, ids[1]: 0, ids[2]: 3}
    assert not AuditEvent.objects.filter(data__icontains=ballot.receipt_id).exists()


def test_a_second_secret_ballot_without_the_receipt_is_refused(coordinator, colleges, voter):
    vote = make_vote(coordinator)
    ids = option_ids(vote)
    services.vote_cast(user=voter, vote=vote, grades=dict.fromkeys(ids, 2))
    with pytest.raises(GovernanceError) as err:
        services.vote_cast(user=voter, vote=vote, grades=dict.fromkeys(ids, 5))
    assert err.value.code == "already_voted"
    assert err.value.status_code == 409
    assert set(BallotEntry.objects.filter(vote=vote).values_list("value", flat=True)) == {2}


def test_the_receipt_replaces_a_secret_ballot_before_the_close(coordinator, colleges, voter):
    vote = make_vote(coordinator)
    ids = option_ids(vote)
    first = services.vote_cast(user=voter, vote=vote, grades=dict.fromkeys(ids, 2))
    # when
    second = services.vote_cast(
        user=voter, vote=vote, grades=dict.fromkeys(ids, 5), receipt=first.code
    )
    # then: still one ballot, under the same receipt, with the new grades
    assert second.replaced
    assert second.receipt_id == first.receipt_id
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert Participation.objects.filter(vote=vote).count() == 1
    assert set(BallotEntry.objects.filter(vote=vote).values_list("value", flat=True)) == {5}


@pytest.mark.parametrize("receipt", ["nimportequoi", "AAAAAAAAAA-faux", "wrong-code"])
def test_a_wrong_receipt_replaces_nothing(coordinator, colleges, voter, receipt):
    vote = make_vote(coordinator)
    ids = option_ids(vote)
    first = services.vote_cast(user=voter, vote=vote, grades=dict.fromkeys(ids, 2))
    with pytest.raises(GovernanceError) as err:
        services.vote_cast(user=voter, vote=vote, grades=dict.fromkeys(ids, 5), receipt=receipt)
    assert err.value.code == "invalid_receipt"
    assert err.value.status_code == 400
    ballot = Ballot.objects.get(vote=vote)
    assert ballot.receipt_id == first.receipt_id
    assert set(BallotEntry.objects.filter(vote=vote).values_list("value", flat=True)) == {2}


def test_another_members_receipt_works_only_for_someone_who_voted(
    coordinator, colleges, voter, membership_factory
):
    vote = make_vote(coordinator)
    ids = option_ids(vote)
    first = services.vote_cast(user=voter, vote=vote, grades=dict.fromkeys(ids, 2))
    newcomer = membership_factory(college=colleges["fondateurs"]).user
    with pytest.raises(GovernanceError) as err:
        services.vote_cast(
            user=newcomer, vote=vote, grades=dict.fromkeys(ids, 5), receipt=first.code
        )
    assert err.value.code == "invalid_receipt"
    assert Participation.objects.filter(vote=vote).count() == 1


# ---------------------------------------------------------------- ballots: public


def test_a_public_ballot_names_its_voter_and_is_replaced_through_them(coordinator, colleges, voter):
    vote = make_vote(coordinator, method=VoteMethod.PLURALITY, secret=False)
    ids = option_ids(vote)
    services.vote_cast(user=voter, vote=vote, choice=ids[0])
    again = services.vote_cast(user=voter, vote=vote, choice=ids[2])
    ballot = Ballot.objects.get(vote=vote)
    assert again.replaced
    assert ballot.voter.user == voter
    assert selectors.ballot_entries(ballot=ballot) == {ids[2]: 1}


# ---------------------------------------------------------------- bad ballots


MJ_BAD = [
    ({"grades": {"999999": 3}}, "unknown_option"),
    ({"grades": {"abc": 3}}, "unknown_option"),
    ("missing", "missing_grade"),
    ("out_of_range", "grade_out_of_range"),
    ("negative", "grade_out_of_range"),
    ({"grades": ["pas", "un", "dict"]}, "malformed_ballot"),
    ({"approved": []}, "wrong_ballot_kind"),
]


@pytest.mark.parametrize(("payload", "code"), MJ_BAD)
def test_bad_majority_judgment_ballots_are_400_and_write_nothing(
    coordinator, colleges, voter, payload, code
):
    vote = make_vote(coordinator)
    ids = option_ids(vote)
    if payload == "missing":
        payload = {"grades": {ids[0]: 3, ids[1]: 3}}
    elif payload == "out_of_range":
        payload = {"grades": {ids[0]: 3, ids[1]: 3, ids[2]: 7}}
    elif payload == "negative":
        payload = {"grades": {ids[0]: -1, ids[1]: 3, ids[2]: 3}}
    with pytest.raises(GovernanceError) as err:
        services.vote_cast(user=voter, vote=vote, **payload)
    assert err.value.code == code
    assert err.value.status_code == 400
    assert err.value.errors  # the field that is wrong
    assert "Ballot" not in err.value.message  # the engine's English never reaches people
    assert nothing_written(vote)


@pytest.mark.parametrize(
    ("method", "payload", "code"),
    [
        ("approval", {"approved": [999_999]}, "unknown_option"),
        ("approval", "duplicate", "duplicate_option"),
        ("approval", {"approved": "1,2"}, "malformed_ballot"),
        ("schulze", {"ranking": [999_999]}, "unknown_option"),
        ("schulze", "duplicate", "duplicate_option"),
        ("plurality", {"choice": 999_999}, "unknown_option"),
        ("plurality", {}, "missing_choice"),
        ("plurality", {"grades": {}}, "wrong_ballot_kind"),
    ],
)
def test_bad_ballots_of_other_methods_are_400_and_write_nothing(
    coordinator, colleges, voter, method, payload, code
):
    vote = make_vote(coordinator, method=method)
    ids = option_ids(vote)
    if payload == "duplicate":
        payload = {"approved" if method == "approval" else "ranking": [ids[0], ids[1], ids[0]]}
    with pytest.raises(GovernanceError) as err:
        services.vote_cast(user=voter, vote=vote, **payload)
    assert err.value.code == code
    assert err.value.status_code == 400
    assert nothing_written(vote)


def test_engine_errors_become_french_messages(coordinator, colleges, voter):
    from django.utils import translation

    vote = make_vote(coordinator, method="schulze")
    ids = option_ids(vote)
    with translation.override("fr"), pytest.raises(GovernanceError) as err:
        services.vote_cast(user=voter, vote=vote, ranking=[ids[0], ids[0]])
    assert err.value.message == f"L'option {ids[0]} figure deux fois sur le bulletin."


def test_someone_outside_the_electorate_gets_403_and_nothing_is_written(
    coordinator, colleges, membership_factory
):
    vote = make_vote(coordinator, colleges=[colleges["beneficiaires"]])
    outsider = membership_factory(college=colleges["fondateurs"]).user
    with pytest.raises(GovernanceError) as err:
        services.vote_cast(user=outsider, vote=vote, grades=dict.fromkeys(option_ids(vote), 1))
    assert err.value.code == "not_in_electorate"
    assert err.value.status_code == 403
    assert nothing_written(vote)


def test_a_scheduled_vote_takes_no_ballot(coordinator, colleges, voter):
    vote = make_vote(coordinator, opens_in=DAY, closes_in=2 * DAY)
    with pytest.raises(GovernanceError) as err:
        services.vote_cast(user=voter, vote=vote, grades=dict.fromkeys(option_ids(vote), 1))
    assert err.value.code == "vote_not_open"
    assert err.value.status_code == 409
    assert nothing_written(vote)


def test_a_closed_vote_takes_no_ballot(coordinator, colleges, voter):
    vote = services.vote_close(actor=coordinator, vote=make_vote(coordinator))
    with pytest.raises(GovernanceError) as err:
        services.vote_cast(user=voter, vote=vote, grades=dict.fromkeys(option_ids(vote), 1))
    assert err.value.code == "vote_closed"
    assert err.value.status_code == 409
    assert nothing_written(vote)


def test_a_vote_past_its_closing_time_takes_no_ballot_even_before_the_scheduler(
    coordinator, colleges, voter
):
    vote = move_to_past(make_vote(coordinator))
    assert vote.status == VoteStatus.OPEN  # nobody closed it yet
    with pytest.raises(GovernanceError) as err:
        services.vote_cast(user=voter, vote=vote, grades=dict.fromkeys(option_ids(vote), 1))
    assert err.value.code == "vote_closed"
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED


# ---------------------------------------------------------------- count


def test_the_close_stores_the_engine_result_once(coordinator, colleges, membership_factory):
    vote = make_vote(coordinator)
    ids = option_ids(vote)
    columns = {ids[0]: [6, 5, 1], ids[1]: [3, 3, 3], ids[2]: [0, 6, 6]}
    voters = [membership_factory(college=colleges["salaries"]).user for _ in range(3)]
    membership_factory(college=colleges["salaries"])  # in the electorate, does not vote
    for i, user in enumerate(voters):
        services.vote_cast(user=user, vote=vote, grades={o: col[i] for o, col in columns.items()})
    # when
    services.vote_close(actor=coordinator, vote=vote)
    # then
    result = VoteResult.objects.get(vote=vote)
    expected = majority_judgment(
        ids,
        ballots=[{o: col[i] for o, col in columns.items()} for i in range(3)],
    )
    assert result.data == expected.to_dict()
    assert result.ballot_count == 3
    assert result.electorate_count == 4
    assert result.participation_rate == 0.75
    assert AuditEvent.objects.filter(action="vote.close", data__ballots=3).exists()


def test_a_voter_who_left_still_counts_in_the_electorate(
    coordinator, colleges, voter, membership_factory
):
    vote = make_vote(coordinator)
    services.vote_cast(user=voter, vote=vote, grades=dict.fromkeys(option_ids(vote), 4))
    membership = voter.membership
    membership.status = "resigned"
    membership.save(update_fields=["status"])
    services.vote_close(actor=coordinator, vote=vote)
    assert VoteResult.objects.get(vote=vote).participation_rate <= 1


@pytest.mark.parametrize("method", VoteMethod.values)
def test_an_empty_vote_closes_with_a_result(coordinator, colleges, method):
    vote = services.vote_close(actor=coordinator, vote=make_vote(coordinator, method=method))
    assert vote.result.ballot_count == 0
    assert [r["rank"] for r in vote.result.data["ranking"]] == [1, 1, 1]


def test_closing_time_validation_uses_aware_times(coordinator, colleges):
    naive = datetime.datetime(2030, 1, 1, 12, 0)  # noqa: DTZ001
    with pytest.raises(GovernanceError) as err:
        services.vote_create(
            actor=coordinator,
            title="Naïf",
            method="approval",
            options=[OptionInput(label="A"), OptionInput(label="B")],
            opens_at=naive,
            closes_at=naive + DAY,
        )
    assert err.value.code == "naive_time"
