"""Issue 15 §1: the vote decides. Closing a vote on projects selects its winner and not
the others, in the count's transaction; a tie leaves the tied projects to the coordinator,
who may override the count only with a public written reason."""

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.core.errors import ApplicationError
from backend.core.models import AuditEvent, OutboxEmail
from governance.votes import services
from governance.votes.models import Vote
from governance.votes.subjects import option_provider
from projects.models import Project, ProjectTransition
from tests.factories import MembershipFactory, UserFactory

DAY = timezone.timedelta(days=1)
REASON = "Le projet Eau a reçu le soutien écrit de la commune, décisif pour le financement."


@pytest.fixture
def voters(colleges):
    people = []
    for i in range(5):
        user = UserFactory(email=f"votant{i}@example.org")
        MembershipFactory(user=user, college=colleges["beneficiaires"])
        people.append(user)
    return people


@pytest.fixture
def three_projects(db):
    return [
        Project.objects.create(title=title, slug=title.lower(), status="accepted_for_vote")
        for title in ("Jardin", "Vélo", "Eau")
    ]


def _mj_vote(coordinator, projects, **kwargs) -> Vote:
    now = timezone.now()
    return services.vote_create(
        actor=coordinator,
        title="Choix du projet commun",
        method="majority_judgment",
        options=[services.OptionInput.project(p.pk) for p in projects],
        opens_at=now,
        closes_at=now + DAY,
        **kwargs,
    )


def _options(vote) -> dict[int, int]:
    """project id → option id"""
    return {o.subject_id: o.pk for o in vote.options.all()}


def _cast(vote, voters, grades_by_project: dict[int, list[int]]) -> None:
    options = _options(vote)
    for i, voter in enumerate(voters):
        services.vote_cast(
            user=voter,
            vote=vote,
            grades={str(options[p]): grades[i] for p, grades in grades_by_project.items()},
        )


def _statuses(projects) -> list[str]:
    return [Project.objects.get(pk=p.pk).status for p in projects]


@pytest.mark.django_db
def test_closing_a_three_project_majority_judgment_vote_selects_the_winner_only(
    coordinator, voters, three_projects
):
    # given: Vélo is graded best by most voters
    jardin, velo, eau = three_projects
    vote = _mj_vote(coordinator, three_projects)
    _cast(vote, voters, {jardin.pk: [1, 2, 2, 3, 1], velo.pk: [5, 4, 5, 3, 4], eau.pk: [0] * 5})
    # when
    services.vote_close(actor=coordinator, vote=vote)
    # then
    assert _statuses(three_projects) == ["not_selected", "selected", "not_selected"]
    vote.refresh_from_db()
    assert (vote.outcome_subject_kind, vote.outcome_subject_id) == ("project", velo.pk)
    assert vote.outcome_applied_at is not None
    assert not vote.outcome_tie
    steps = ProjectTransition.objects.filter(project__in=three_projects)
    assert {(s.project_id, s.from_status, s.to_status) for s in steps} == {
        (jardin.pk, "accepted_for_vote", "not_selected"),
        (velo.pk, "accepted_for_vote", "selected"),
        (eau.pk, "accepted_for_vote", "not_selected"),
    }
    audits = AuditEvent.objects.filter(action="project.transition")
    assert audits.count() == 3
    assert all(a.data["cause"] == {"vote": vote.pk, "override": False} for a in audits)
    assert AuditEvent.objects.filter(action="vote.outcome_apply", target_id=str(vote.pk)).exists()


@pytest.mark.django_db
def test_the_scheduled_close_applies_the_outcome_too(coordinator, voters, three_projects):
    jardin, velo, eau = three_projects
    vote = _mj_vote(coordinator, three_projects)
    _cast(vote, voters, {jardin.pk: [5] * 5, velo.pk: [1] * 5, eau.pk: [2] * 5})
    now = timezone.now()
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=now - DAY, closes_at=now - timezone.timedelta(seconds=1)
    )
    services.votes_sync_due()
    assert _statuses(three_projects) == ["selected", "not_selected", "not_selected"]
    assert ProjectTransition.objects.filter(project=jardin).get().actor is None


@pytest.mark.django_db
def test_a_tie_leaves_the_tied_projects_and_tells_the_coordinator_once(
    coordinator, voters, three_projects
):
    # given: Jardin and Vélo get exactly the same grades, Eau is worse
    jardin, velo, eau = three_projects
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    vote = _mj_vote(coordinator, three_projects)
    _cast(vote, voters, {jardin.pk: [4] * 5, velo.pk: [4] * 5, eau.pk: [1] * 5})
    # when
    services.vote_close(actor=coordinator, vote=vote)
    services.vote_close(actor=coordinator, vote=vote)  # closing twice changes nothing
    # then
    assert _statuses(three_projects) == ["accepted_for_vote", "accepted_for_vote", "not_selected"]
    vote.refresh_from_db()
    assert vote.outcome_tie
    assert vote.outcome_subject_id is None
    mails = OutboxEmail.objects.filter(key__startswith=f"vote-outcome-tie-{vote.pk}-")
    assert mails.count() == 1
    mail = mails.get()
    assert mail.to == [coordinator.email]
    assert "Tie in the vote" in mail.subject
    assert "Jardin" in mail.body
    assert "Vélo" in mail.body


@pytest.mark.django_db
def test_a_free_label_vote_decides_nothing(coordinator, voters):
    now = timezone.now()
    vote = services.vote_create(
        actor=coordinator,
        title="Couleur",
        method="plurality",
        options=[services.OptionInput(label="Vert"), services.OptionInput(label="Bleu")],
        opens_at=now,
        closes_at=now + DAY,
    )
    services.vote_close(actor=coordinator, vote=vote)
    vote.refresh_from_db()
    assert vote.outcome_applied_at is None
    assert vote.outcome_subject_kind is None


@pytest.mark.django_db
def test_the_project_provider_fills_the_outcome_hook():
    assert option_provider("project").outcome_apply is not None


# ---------------------------------------------------------------- the coordinator's override


@pytest.fixture
def decided(coordinator, voters, three_projects):
    jardin, velo, eau = three_projects
    vote = _mj_vote(coordinator, three_projects)
    _cast(vote, voters, {jardin.pk: [1] * 5, velo.pk: [5] * 5, eau.pk: [2] * 5})
    services.vote_close(actor=coordinator, vote=vote)
    return vote


@pytest.mark.django_db
def test_the_override_selects_another_project_with_a_public_reason(
    coordinator, decided, three_projects
):
    _jardin, velo, eau = three_projects
    option = _options(decided)[eau.pk]
    services.vote_outcome_override(actor=coordinator, vote=decided, option_id=option, reason=REASON)
    assert _statuses(three_projects) == ["not_selected", "not_selected", "selected"]
    decided.refresh_from_db()
    assert decided.outcome_subject_id == eau.pk
    assert decided.outcome_override_reason == REASON
    assert decided.outcome_overridden_by == coordinator
    audit = AuditEvent.objects.get(action="vote.outcome_override")
    assert audit.data == {"kind": "project", "from": velo.pk, "to": eau.pk, "reason": REASON}
    moved = AuditEvent.objects.filter(action="project.transition", data__cause__override=True)
    assert sorted(a.target_id for a in moved) == sorted([str(velo.pk), str(eau.pk)])


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", "Trop court, non.", "x" * 19])
def test_an_override_without_a_reason_of_20_characters_writes_nothing(
    coordinator, decided, three_projects, reason
):
    option = _options(decided)[three_projects[2].pk]
    before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as caught:
        services.vote_outcome_override(
            actor=coordinator, vote=decided, option_id=option, reason=reason
        )
    assert caught.value.code == "reason_too_short"
    assert caught.value.status_code == 400
    assert _statuses(three_projects) == ["not_selected", "selected", "not_selected"]
    decided.refresh_from_db()
    assert decided.outcome_override_reason == ""
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_an_override_refuses_a_started_project_and_writes_nothing(
    coordinator, decided, three_projects
):
    _jardin, velo, eau = three_projects
    Project.objects.filter(pk=velo.pk).update(status="in_progress")
    with pytest.raises(ApplicationError) as caught:
        services.vote_outcome_override(
            actor=coordinator, vote=decided, subject_id=eau.pk, reason=REASON
        )
    assert caught.value.status_code == 409
    assert _statuses(three_projects) == ["not_selected", "in_progress", "not_selected"]


@pytest.mark.django_db
def test_only_the_coordinator_overrides(member, decided, three_projects):
    with pytest.raises(ApplicationError) as caught:
        services.vote_outcome_override(
            actor=member, vote=decided, subject_id=three_projects[2].pk, reason=REASON
        )
    assert caught.value.status_code == 403
    assert _statuses(three_projects) == ["not_selected", "selected", "not_selected"]


# ---------------------------------------------------------------- API and pages


@pytest.mark.django_db
def test_the_api_gives_the_outcome_and_nulls_before_the_close(
    api_client, coordinator, voters, three_projects
):
    vote = _mj_vote(coordinator, three_projects)
    api_client.force_authenticate(coordinator)
    before = api_client.get(f"/api/v1/votes/{vote.pk}/").json()
    assert before["outcome"] == {
        "project": None,
        "applied_at": None,
        "override_reason": None,
        "tie": False,
    }
    jardin, velo, eau = three_projects
    _cast(vote, voters, {jardin.pk: [1] * 5, velo.pk: [5] * 5, eau.pk: [2] * 5})
    services.vote_close(actor=coordinator, vote=vote)
    after = api_client.get(f"/api/v1/votes/{vote.pk}/").json()["outcome"]
    assert after["project"] == velo.pk
    assert after["override_reason"] is None
    assert after["applied_at"].startswith(str(timezone.now().year))


@pytest.mark.django_db
def test_the_api_override(api_client, coordinator, member, decided, three_projects):
    eau = three_projects[2]
    url = f"/api/v1/votes/{decided.pk}/outcome/"
    api_client.force_authenticate(member)
    assert api_client.post(url, {"project": eau.pk, "reason": REASON}).status_code == 403
    api_client.force_authenticate(coordinator)
    short = api_client.post(url, {"project": eau.pk, "reason": "trop court"}, format="json")
    assert short.status_code == 400
    assert "20" in str(short.json())
    unknown = api_client.post(url, {"project": 999_999, "reason": REASON}, format="json")
    assert unknown.status_code == 400
    assert _statuses(three_projects) == ["not_selected", "selected", "not_selected"]
    done = api_client.post(url, {"project": eau.pk, "reason": REASON}, format="json")
    assert done.status_code == 200
    assert done.json()["outcome"]["project"] == eau.pk
    assert done.json()["outcome"]["override_reason"] == REASON


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "overridden"),
    [
        ("fr", "Ce que le scrutin a décidé", "a passé outre le décompte"),
        ("en", "What the vote decided", "The coordinator overrode the count"),
    ],
)
def test_the_pages_show_the_outcome_and_the_reason(
    client, coordinator, decided, three_projects, language, heading, overridden
):
    client.cookies["terreau_language"] = language
    client.force_login(coordinator)
    url = reverse("governance:vote_results", kwargs={"pk": decided.pk})
    eau = three_projects[2]
    # a short reason: 400, the form again with its message, nothing written
    refused = client.post(
        reverse("governance:vote_outcome_override", kwargs={"pk": decided.pk}),
        {"option": _options(decided)[eau.pk], "reason": "court"},
    )
    assert refused.status_code == 400
    assert Project.objects.get(pk=eau.pk).status == "not_selected"
    done = client.post(
        reverse("governance:vote_outcome_override", kwargs={"pk": decided.pk}),
        {"option": _options(decided)[eau.pk], "reason": REASON},
    )
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert heading in page
    assert REASON in page
    assert overridden in page
    project_page = client.get(eau.get_absolute_url())
    assert REASON in project_page.content.decode()


@pytest.mark.django_db
def test_a_member_sees_no_override_form_and_cannot_post(client, member, decided, three_projects):
    client.force_login(member)
    page = client.get(reverse("governance:vote_results", kwargs={"pk": decided.pk}))
    assert page.status_code == 200
    assert b"vote_outcome_override" not in page.content
    assert b"/issue/" not in page.content
    refused = client.post(
        reverse("governance:vote_outcome_override", kwargs={"pk": decided.pk}),
        {"option": _options(decided)[three_projects[2].pk], "reason": REASON},
    )
    assert refused.status_code in (302, 403)
    assert Project.objects.get(pk=three_projects[2].pk).status == "not_selected"
