import pytest
from django.contrib.auth.models import Group
from django.core import mail

from backend.core.models import AuditEvent
from governance.models import College, Membership
from pioneers import services
from pioneers.errors import PioneersError
from pioneers.models import (
    Application,
    ApplicationDecision,
    ApplicationScore,
    Criterion,
    Pioneer,
    Theme,
)
from pioneers.rules import JURY_GROUP
from pioneers.selectors import application_score_sheet

pytestmark = pytest.mark.django_db

APPLICATION = {
    "display_name": "Cédric V.",
    "solution_title": "Nettoyer les berges de l'Hérault",
    "solution_description": "Des journées de ramassage en amont du fleuve.",
    "motivation": "Essaimer.",
    "commune": "Gignac",
    "postcode": "34150",
}


@pytest.fixture
def candidate(user_factory):
    return user_factory(email="candidat@example.org", language="en")


@pytest.fixture
def application(candidate, colleges):
    return services.application_submit(
        user=candidate, themes=[Theme.objects.get(slug="acidification-oceans")], **APPLICATION
    )


@pytest.fixture
def juror(user_factory, member):
    member.groups.add(Group.objects.get(name=JURY_GROUP))
    return member


def test_the_seven_criteria_of_seed_002_are_published_with_their_scales(client):
    assert Criterion.objects.filter(is_active=True).count() == 7
    html = client.get("/pionniers/devenir-pionnier/").content.decode()
    for label in ("Rayonnement poétique", "Degré de soin au vivant", "Connexions produites"):
        assert label in html
    assert "Régénère" in html  # a level of a scale
    assert "/accounts/login/" in html  # anonymous: log in to apply


def test_anonymous_post_is_sent_to_log_in(client):
    response = client.post("/pionniers/devenir-pionnier/", APPLICATION)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Application.objects.exists()


def test_a_person_applies_from_the_page_and_cannot_apply_twice(client, candidate):
    client.force_login(candidate)
    response = client.post("/pionniers/devenir-pionnier/", APPLICATION)
    assert response.status_code == 302
    assert Application.objects.get(user=candidate).status == "submitted"
    with pytest.raises(PioneersError) as err:
        services.application_submit(user=candidate, **APPLICATION)
    assert err.value.code == "already_applied"
    assert Application.objects.count() == 1


def test_a_bad_application_rerenders_with_messages(client, candidate):
    client.force_login(candidate)
    response = client.post("/pionniers/devenir-pionnier/", {**APPLICATION, "postcode": "12"})
    assert response.status_code == 400
    assert "cinq chiffres" in response.content.decode()
    assert not Application.objects.exists()


def test_jurors_score_and_the_sheet_shows_totals_and_averages(application, coordinator, juror):
    criteria = list(Criterion.objects.order_by("position"))
    services.application_scores_save(
        scorer=coordinator,
        application=application,
        scores=[(c, 4, "très bien") for c in criteria],
    )
    services.application_scores_save(
        scorer=juror, application=application, scores=[(criteria[0], 1, "")]
    )
    # a juror revises a score: still one score per juror and criterion
    services.application_score(
        scorer=juror, application=application, criterion=criteria[0], value=2
    )
    sheet = application_score_sheet(application=application, user=juror)
    first = sheet.rows[0]
    assert (first.count, first.total, first.average) == (2, 6, 3.0)
    assert first.mine.value == 2
    assert sheet.jurors == 2
    assert sheet.total_of_averages == 3.0 + 6 * 4
    assert sheet.max_total == 28
    assert ApplicationScore.objects.count() == 8


@pytest.mark.parametrize("value", [0, 5, -1, True])
def test_a_score_off_the_scale_is_refused(application, coordinator, value):
    criterion = Criterion.objects.first()
    with pytest.raises(PioneersError) as err:
        services.application_score(
            scorer=coordinator, application=application, criterion=criterion, value=value
        )
    assert err.value.code == "invalid_score"
    assert not ApplicationScore.objects.exists()


def test_admission_makes_a_member_of_the_pioneers_college_with_a_profile(
    application, coordinator, candidate, colleges, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.application_decide(
            actor=coordinator, application=application, outcome="admitted", reason="Bel impact."
        )
    membership = Membership.objects.get(user=candidate)
    assert membership.status == "member"
    assert membership.college == colleges["beneficiaires"]
    assert membership.number is not None
    pioneer = Pioneer.objects.get(user=candidate)
    assert pioneer.solution_title == APPLICATION["solution_title"]
    assert pioneer.department == "34"
    assert list(pioneer.themes.values_list("slug", flat=True)) == ["acidification-oceans"]
    application.refresh_from_db()
    assert application.status == "admitted"
    assert application.decided_at is not None
    assert result.decision.reason == "Bel impact."
    assert AuditEvent.objects.filter(action="pioneer_application.admitted").exists()
    # e-mailed in the person's language, with the reason
    ours = [m for m in mail.outbox if "Welcome among the pioneers" in m.subject]
    assert len(ours) == 1
    assert "Bel impact." in ours[0].body
    assert ours[0].to == [candidate.email]


def test_a_member_of_another_college_keeps_it_unless_asked(
    coordinator, membership_factory, colleges
):
    existing = membership_factory(college=colleges["fondateurs"])
    app = services.application_submit(user=existing.user, **APPLICATION)
    result = services.application_decide(
        actor=coordinator, application=app, outcome="admitted", reason="Oui."
    )
    existing.refresh_from_db()
    assert existing.college == colleges["fondateurs"]
    assert "Fondateurs" in result.notice
    assert Pioneer.objects.filter(user=existing.user).exists()

    other = membership_factory(college=colleges["salaries"])
    app = services.application_submit(user=other.user, **APPLICATION)
    services.application_decide(
        actor=coordinator, application=app, outcome="admitted", reason="Oui.", move_college=True
    )
    other.refresh_from_db()
    assert other.college == colleges["beneficiaires"]


def test_a_candidate_elsewhere_is_admitted_into_the_pioneers_college(
    coordinator, candidate, colleges
):
    from governance.services import membership_apply

    membership_apply(user=candidate, college=colleges["fournisseurs"])
    app = services.application_submit(user=candidate, **APPLICATION)
    services.application_decide(
        actor=coordinator, application=app, outcome="admitted", reason="Oui."
    )
    membership = Membership.objects.get(user=candidate)
    assert (membership.status, membership.college) == ("member", colleges["beneficiaires"])


def _nothing_changed(app, user) -> None:
    app.refresh_from_db()
    assert app.status == "submitted"
    assert not ApplicationDecision.objects.exists()
    assert not Pioneer.objects.filter(user=user).exists()


def test_without_a_pioneers_college_admission_changes_nothing(application, coordinator, candidate):
    College.objects.filter(is_pioneers=True).update(is_active=False)
    with pytest.raises(PioneersError) as err:
        services.application_decide(
            actor=coordinator, application=application, outcome="admitted", reason="Oui."
        )
    assert err.value.code == "no_pioneers_college"
    _nothing_changed(application, candidate)
    assert not Membership.objects.filter(user=candidate).exists()


def test_an_excluded_member_is_not_admitted(coordinator, membership_factory, colleges):
    excluded = membership_factory(college=colleges["fondateurs"], status="excluded")
    app = services.application_submit(user=excluded.user, **APPLICATION)
    with pytest.raises(PioneersError) as err:
        services.application_decide(
            actor=coordinator, application=app, outcome="admitted", reason="x"
        )
    assert err.value.code == "excluded"
    _nothing_changed(app, excluded.user)


def test_a_decision_needs_a_reason_and_happens_once(application, coordinator, candidate):
    with pytest.raises(PioneersError) as err:
        services.application_decide(
            actor=coordinator, application=application, outcome="declined", reason="  "
        )
    assert err.value.code == "reason_required"
    _nothing_changed(application, candidate)
    services.application_decide(
        actor=coordinator, application=application, outcome="declined", reason="Hors champ."
    )
    with pytest.raises(PioneersError) as err:
        services.application_decide(
            actor=coordinator, application=application, outcome="admitted", reason="Finalement"
        )
    assert err.value.code == "application_closed"
    assert not Membership.objects.filter(user=candidate).exists()


def test_more_information_then_the_candidate_completes_the_application(
    client, application, coordinator, candidate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            actor=coordinator,
            application=application,
            outcome="more_info",
            reason="Combien de bénévoles ?",
        )
    assert "more information" in mail.outbox[-1].subject
    client.force_login(candidate)
    page = client.get("/pionniers/devenir-pionnier/").content.decode()
    assert "Combien de bénévoles ?" in page
    response = client.post(
        "/pionniers/devenir-pionnier/",
        {**APPLICATION, "solution_description": "Avec 143 adhérents."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.solution_description == "Avec 143 adhérents."


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("visitor", 403), ("member", 403), ("juror", 200), ("coordinator", 200)],
)
def test_who_sees_the_applications(
    client, application, visitor_user, member, coordinator, role, status
):
    people = {"visitor": visitor_user, "member": member, "coordinator": coordinator}
    if role == "juror":
        member.groups.add(Group.objects.get(name=JURY_GROUP))
        people["juror"] = member
    if role in people:
        client.force_login(people[role])
    assert client.get("/pionniers/candidatures/").status_code == status
    assert client.get(f"/pionniers/candidatures/{application.pk}/").status_code == status


def test_a_juror_scores_from_the_page_but_cannot_decide(client, application, juror):
    client.force_login(juror)
    criterion = Criterion.objects.order_by("position").first()
    response = client.post(
        f"/pionniers/candidatures/{application.pk}/notes/",
        {f"score-{criterion.slug}": "3", f"note-{criterion.slug}": "Solide"},
    )
    assert response.status_code == 302
    assert ApplicationScore.objects.get().value == 3
    response = client.post(
        f"/pionniers/candidatures/{application.pk}/decision/",
        {"outcome": "admitted", "reason": "Moi je décide"},
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_juror_sending_no_score_or_a_bad_level_gets_the_page_again(client, application, juror):
    client.force_login(juror)
    criterion = Criterion.objects.order_by("position").first()
    url = f"/pionniers/candidatures/{application.pk}/notes/"
    empty = client.post(url, {f"note-{criterion.slug}": "Rien"})
    bad = client.post(url, {f"score-{criterion.slug}": "beaucoup"})
    assert (empty.status_code, bad.status_code) == (400, 400)
    assert "Notez au moins un critère." in empty.content.decode()
    assert "Choisissez un niveau de l’échelle du critère." in bad.content.decode()
    assert not ApplicationScore.objects.exists()


def test_a_member_outside_the_jury_cannot_score(client, application, member):
    client.force_login(member)
    criterion = Criterion.objects.first()
    response = client.post(
        f"/pionniers/candidatures/{application.pk}/notes/", {f"score-{criterion.slug}": "3"}
    )
    assert response.status_code == 403
    assert not ApplicationScore.objects.exists()


def test_the_coordinator_decides_from_the_page(coordinator_client, application, candidate):
    page = coordinator_client.get(f"/pionniers/candidatures/{application.pk}/").content.decode()
    assert "Rayonnement poétique" in page
    response = coordinator_client.post(
        f"/pionniers/candidatures/{application.pk}/decision/",
        {"outcome": "admitted", "reason": "Bienvenue"},
        follow=True,
    )
    assert response.status_code == 200
    assert Membership.objects.get(user=candidate).status == "member"
    # a bad decision re-renders with a message, never a 500
    response = coordinator_client.post(
        f"/pionniers/candidatures/{application.pk}/decision/",
        {"outcome": "declined", "reason": "Trop tard"},
    )
    assert response.status_code == 409  # a conflict of state: the page again, its message
    assert "déjà" in response.content.decode()
    assert Membership.objects.get(user=candidate).status == "member"


def test_api_application_with_an_idempotency_key(api_client, candidate, colleges):
    api_client.force_authenticate(candidate)
    payload = {**APPLICATION, "themes": ["alimentation", "energie"]}
    first = api_client.post(
        "/api/v1/pioneers/applications/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = api_client.post(
        "/api/v1/pioneers/applications/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert sorted(first.json()["themes"]) == ["alimentation", "energie"]
    assert Application.objects.count() == 1
    conflict = api_client.post("/api/v1/pioneers/applications/", payload, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "already_applied"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"solution_title": ""}, "solution_title"),
        ({"themes": ["nope"]}, "themes"),
        ({"postcode": "ABCDE"}, "postcode"),
        ({"website_url": "javascript:alert(1)"}, "website_url"),
    ],
)
def test_api_application_bad_input_is_a_400(api_client, candidate, payload, field):
    api_client.force_authenticate(candidate)
    response = api_client.post(
        "/api/v1/pioneers/applications/", {**APPLICATION, **payload}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Application.objects.exists()


def test_api_application_needs_a_login(api_client):
    assert api_client.post("/api/v1/pioneers/applications/", APPLICATION).status_code == 401
