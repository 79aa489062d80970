"""Rate limits and the brute-force lockout: each limit is hit, the person sees a clear,
translated message (a page) or a 429 JSON error (the API), the counter is per person
or per address (others are not blocked) and it lets the person in again later."""

import datetime
import time
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from backend.core.throttles import AccountRateThrottle
from governance.assemblies import services as assembly_services
from governance.models import ResolutionVote
from governance.votes.models import Ballot
from tests.factories import PASSWORD
from tests.governance.votes_helpers import a_valid_ballot, make_vote, option_ids

pytestmark = pytest.mark.django_db

LOCKED_FR = "Trop de tentatives de connexion échouées"
LOCKED_EN = "Too many failed login attempts"


# allauth's clock ten minutes from now (every window has passed); the rest of the time
# module as it is.
_Later = SimpleNamespace(**{**vars(time), "time": lambda: time.time() + 600})


def _login(client, email, password="faux", **extra):  # noqa: S107 - a wrong password on purpose
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


# ------------------------------------------------------------------ login, lockout


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(client, user_factory):
    user_factory(email="cible@example.org")
    for _ in range(5):
        assert "incorrect" in _login(client, "cible@example.org").content.decode()
    response = _login(client, "cible@example.org", PASSWORD)
    assert LOCKED_FR in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_message_is_in_english_for_an_english_visitor(client, user_factory):
    user_factory(email="cible@example.org")
    client.cookies["terreau_language"] = "en"
    for _ in range(6):
        response = _login(client, "cible@example.org")
    assert LOCKED_EN in response.content.decode()


def test_the_lockout_of_one_account_does_not_block_another(user_factory):
    user_factory(email="cible@example.org")
    other = user_factory(email="autre@example.org")
    attacker = Client()
    for _ in range(6):
        _login(attacker, "cible@example.org")
    # the same address, another account: it logs in
    assert _login(attacker, "autre@example.org", PASSWORD).status_code == 302
    assert attacker.session["_auth_user_id"] == str(other.pk)


def test_the_lockout_ends_when_its_window_has_passed(client, user_factory, monkeypatch):
    import allauth.core.internal.ratelimit as allauth_ratelimit

    user = user_factory(email="cible@example.org")
    for _ in range(6):
        _login(client, "cible@example.org")
    assert LOCKED_FR in _login(client, "cible@example.org", PASSWORD).content.decode()
    monkeypatch.setattr(allauth_ratelimit, "time", _Later)
    assert _login(client, "cible@example.org", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_many_accounts_tried_from_one_address_are_limited(client, user_factory):
    for i in range(10):
        _login(client, f"essai{i}@example.org")
    response = _login(client, "encore@example.org")
    assert LOCKED_FR in response.content.decode()


def test_the_api_token_shares_the_lockout_and_answers_429_json(api_client, client, user_factory):
    user_factory(email="cible@example.org")
    for _ in range(5):
        _login(client, "cible@example.org")  # five failures on the page…
    response = api_client.post(  # …and the API refuses even the right password
        "/api/v1/auth/token/", {"email": "cible@example.org", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "too_many_login_attempts"
    assert LOCKED_FR in body["detail"]


# ------------------------------------------------------------------ sign-up, reset


def _signup(client, email):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_signups_from_one_address_are_limited(client):
    from backend.accounts.models import User

    statuses = [_signup(client, f"nouveau{i}@example.org").status_code for i in range(21)]
    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429
    assert not User.objects.filter(email="nouveau20@example.org").exists()
    # another address signs up
    assert _signup(Client(REMOTE_ADDR="10.0.0.2"), "ailleurs@example.org").status_code == 302


def test_password_resets_for_one_account_are_limited(
    client, user_factory, django_capture_on_commit_callbacks
):
    user_factory(email="oubli@example.org")
    user_factory(email="autre@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends at commit
        for _ in range(5):
            client.post("/accounts/password/reset/", {"email": "oubli@example.org"})
    sent = len(mail.outbox)
    assert sent >= 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "oubli@example.org"})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert len(mail.outbox) == sent
    # another account still gets its link
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(REMOTE_ADDR="10.0.0.3").post(
            "/accounts/password/reset/", {"email": "autre@example.org"}
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["autre@example.org"]


# ------------------------------------------------------------------ ballots


@pytest.fixture
def open_vote(coordinator, colleges):
    return make_vote(coordinator, secret=False)


def _grades_form(vote):
    return {f"grade-{pk}": "3" for pk in option_ids(vote)}


def test_ballots_on_the_page_are_limited_with_a_message(
    client, member, membership_factory, colleges, open_vote
):
    client.force_login(member)
    url = f"/membres/votes/{open_vote.pk}/bulletin/"
    statuses = [client.post(url, _grades_form(open_vote)).status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    response = client.post(url, _grades_form(open_vote))
    assert "Trop de tentatives" in response.content.decode()
    # another member votes normally
    other = membership_factory(college=colleges["fondateurs"], shares=1).user
    client.force_login(other)
    assert client.post(url, _grades_form(open_vote)).status_code == 200
    assert Ballot.objects.filter(vote=open_vote).count() == 2


def test_ballots_through_the_api_are_limited_with_429_json(
    api_client, member, membership_factory, colleges, open_vote, monkeypatch
):
    api_client.force_authenticate(member)
    url = f"/api/v1/votes/{open_vote.pk}/ballots/"
    body = a_valid_ballot(open_vote)
    statuses = [api_client.post(url, body, format="json").status_code for _ in range(21)]
    assert statuses[0] == 201
    assert statuses[1:20] == [200] * 19
    response = api_client.post(url, body, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "Disponible à nouveau dans" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    # the page and the API share one counter
    from django.test import Client as PageClient

    page = PageClient()
    page.force_login(member)
    assert (
        page.post(f"/membres/votes/{open_vote.pk}/bulletin/", _grades_form(open_vote)).status_code
        == 429
    )
    # another member is not blocked
    other = membership_factory(college=colleges["fondateurs"], shares=1).user
    api_client.force_authenticate(other)
    assert api_client.post(url, body, format="json").status_code == 201
    # a minute later the first member votes again
    api_client.force_authenticate(member)
    monkeypatch.setattr(AccountRateThrottle, "timer", lambda self: time.time() + 61)
    assert api_client.post(url, body, format="json").status_code == 200


# ------------------------------------------------------------------ resolution votes


@pytest.fixture
def open_resolution(coordinator, member, colleges, membership_factory):
    for _ in range(3):
        membership_factory(college=colleges["fondateurs"], shares=1)
    assembly = assembly_services.assembly_create(
        actor=coordinator,
        title="AG",
        date=timezone.now(),
        convened_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    assembly_services.attendance_mark_present(
        actor=coordinator, assembly=assembly, membership=member.membership
    )
    resolution = assembly_services.resolution_create(
        actor=coordinator, assembly=assembly, title="R", text="T"
    )
    assembly_services.resolution_open(actor=coordinator, resolution=resolution)
    return resolution


def test_resolution_votes_are_limited_on_the_page_and_the_api(
    client, api_client, member, coordinator, open_resolution
):
    client.force_login(member)
    url = f"/membres/resolutions/{open_resolution.pk}/vote/"
    statuses = [client.post(url, {"choice": "yes"}).status_code for _ in range(120)]
    assert set(statuses) == {302}
    response = client.post(url, {"choice": "no"})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert ResolutionVote.objects.get(member=member.membership).choice == "yes"
    api_client.force_authenticate(member)
    response = api_client.post(
        f"/api/v1/resolutions/{open_resolution.pk}/votes/", {"choice": "no"}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert ResolutionVote.objects.get(member=member.membership).choice == "yes"


# ------------------------------------------------------------------ contributions


def _contribution(client, **extra):
    return client.post(
        "/api/v1/contributions/",
        {"amount_cents": 1, "currency": "EUR", "email": "a@example.org", "name": "A"},
        format="json",
        **extra,
    )


def test_a_forged_forwarded_for_header_does_not_dodge_a_limit(api_client):
    for _ in range(30):
        _contribution(api_client)
    for forged in ("1.2.3.4", "5.6.7.8, 9.9.9.9"):
        response = _contribution(api_client, HTTP_X_FORWARDED_FOR=forged)
        assert response.status_code == 429
        assert response.json()["code"] == "throttled"
    # another real address is not blocked
    from rest_framework.test import APIClient

    assert _contribution(APIClient(REMOTE_ADDR="10.0.0.9")).status_code == 400


def test_login_failures_cannot_hide_behind_a_forged_header(client, user_factory):
    for i in range(10):
        _login(client, f"essai{i}@example.org", HTTP_X_FORWARDED_FOR=f"10.1.0.{i}")
    response = _login(client, "encore@example.org", HTTP_X_FORWARDED_FOR="10.2.0.1")
    assert LOCKED_FR in response.content.decode()
