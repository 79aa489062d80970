"""The time ledger's API: accounts, statements and transfers, over every role."""

import pytest

from marketplace.models import TimeAccount, TimeTransfer
from marketplace.services.ledger import (
    time_account_cooperative,
    time_account_for_member,
    time_account_for_project,
    time_account_for_user,
    time_transfer_create,
)
from tests.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_account():
    return time_account_for_member(membership=MembershipFactory())


@pytest.fixture
def member_api(api_client, member):
    api_client.force_authenticate(member)
    return api_client


@pytest.fixture
def coordinator_api(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    return api_client


def _client_for(role, api_client, member, visitor_user, coordinator):
    if role != "anonymous":
        api_client.force_authenticate(
            {"member": member, "visitor": visitor_user, "coordinator": coordinator}[role]
        )
    return api_client


def test_my_account(member_api, member):
    response = member_api.get("/api/v1/accounts/me/")
    assert response.status_code == 200
    account = TimeAccount.objects.get(owner_member__user=member)
    assert response.json() == {
        "id": account.pk,
        "balance_minutes": 0,
        "credit_limit_minutes": 1200,
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("visitor", 403), ("member", 200), ("coordinator", 403)],
)
def test_my_account_permissions(role, expected, api_client, member, visitor_user, coordinator):
    client = _client_for(role, api_client, member, visitor_user, coordinator)
    assert client.get("/api/v1/accounts/me/").status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("visitor", 403), ("member", 403), ("coordinator", 200)],
)
def test_account_list_permissions(role, expected, api_client, member, visitor_user, coordinator):
    client = _client_for(role, api_client, member, visitor_user, coordinator)
    assert client.get("/api/v1/accounts/").status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("visitor", 403), ("member", 200), ("coordinator", 200)],
)
def test_statement_permissions(
    role, expected, api_client, member, visitor_user, coordinator, other_account
):
    account = time_account_for_user(user=member)
    client = _client_for(role, api_client, member, visitor_user, coordinator)
    assert client.get(f"/api/v1/accounts/{account.pk}/transfers/").status_code == expected


def test_a_member_cannot_read_another_statement(member_api, other_account):
    assert member_api.get(f"/api/v1/accounts/{other_account.pk}/transfers/").status_code == 403
    assert member_api.get("/api/v1/accounts/999999/transfers/").status_code == 404


def test_give_hours(member_api, member, other_account):
    response = member_api.post(
        "/api/v1/transfers/",
        {"to_account": other_account.pk, "minutes": 90, "memo": "Taille des haies"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    mine = time_account_for_user(user=member)
    assert (body["from_account"], body["to_account"], body["minutes"]) == (
        mine.pk,
        other_account.pk,
        90,
    )
    mine.refresh_from_db()
    other_account.refresh_from_db()
    assert (mine.balance_minutes, other_account.balance_minutes) == (-90, 90)


def test_over_the_credit_limit_is_409_and_moves_nothing(member_api, other_account):
    response = member_api.post(
        "/api/v1/transfers/", {"to_account": other_account.pk, "minutes": 1201}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "credit_limit"
    assert not TimeTransfer.objects.exists()
    assert not TimeAccount.objects.exclude(balance_minutes=0).exists()


@pytest.mark.parametrize("minutes", [0, -10, 1.5, "90", True, None, "abc"])
def test_invalid_minutes_are_400(member_api, other_account, minutes):
    response = member_api.post(
        "/api/v1/transfers/", {"to_account": other_account.pk, "minutes": minutes}, format="json"
    )
    assert response.status_code == 400
    assert "minutes" in response.json()["errors"]
    assert not TimeTransfer.objects.exists()


def test_a_transfer_to_oneself_is_400(member_api, member):
    mine = time_account_for_user(user=member)
    response = member_api.post(
        "/api/v1/transfers/", {"to_account": mine.pk, "minutes": 10}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "self_transfer")
    assert not TimeTransfer.objects.exists()


def test_an_unknown_payee_is_400(member_api):
    response = member_api.post(
        "/api/v1/transfers/", {"to_account": 999999, "minutes": 10}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "unknown_account")


def test_a_retry_with_the_same_idempotency_key_writes_once(member_api, other_account):
    payload = {"to_account": other_account.pk, "minutes": 30}
    first = member_api.post(
        "/api/v1/transfers/", payload, format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    again = member_api.post(
        "/api/v1/transfers/", payload, format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert TimeTransfer.objects.count() == 1
    other_account.refresh_from_db()
    assert other_account.balance_minutes == 30


@pytest.mark.parametrize(("role", "expected"), [("member", 403), ("coordinator", 201)])
def test_only_a_coordinator_pays_from_another_account(
    role, expected, api_client, member, visitor_user, coordinator, other_account
):
    cooperative = time_account_cooperative()
    TimeAccount.objects.filter(pk=cooperative.pk).update(credit_limit_minutes=600)
    client = _client_for(role, api_client, member, visitor_user, coordinator)
    response = client.post(
        "/api/v1/transfers/",
        {"from_account": cooperative.pk, "to_account": other_account.pk, "minutes": 60},
        format="json",
    )
    assert response.status_code == expected
    assert TimeTransfer.objects.count() == (1 if expected == 201 else 0)


def test_a_non_member_cannot_give_hours(api_client, visitor_user, other_account):
    api_client.force_authenticate(visitor_user)
    response = api_client.post(
        "/api/v1/transfers/", {"to_account": other_account.pk, "minutes": 10}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "not_member")


@pytest.mark.parametrize(("role", "expected"), [("member", 403), ("coordinator", 201)])
def test_reversal_permissions(
    role, expected, api_client, member, visitor_user, coordinator, other_account
):
    mine = time_account_for_user(user=member)
    transfer = time_transfer_create(actor=member, payer=mine, payee=other_account, minutes=20)
    client = _client_for(role, api_client, member, visitor_user, coordinator)
    response = client.post(f"/api/v1/transfers/{transfer.pk}/reverse/", {}, format="json")
    assert response.status_code == expected
    other_account.refresh_from_db()
    assert other_account.balance_minutes == (0 if expected == 201 else 20)


def test_statement_shows_the_running_balance(member_api, member, other_account):
    mine = time_account_for_user(user=member)
    time_transfer_create(actor=member, payer=mine, payee=other_account, minutes=60)
    time_transfer_create(actor=None, payer=other_account, payee=mine, minutes=15)
    rows = member_api.get(f"/api/v1/accounts/{mine.pk}/transfers/").json()["results"]
    assert [(r["signed_minutes"], r["balance_after"]) for r in rows] == [(15, -45), (-60, -60)]
    assert rows[0]["counterpart"] == str(other_account)


def _make_history(count: int, payer: TimeAccount) -> None:
    # a few member accounts (their names join through the user) and many projects'
    members = [time_account_for_member(membership=MembershipFactory()) for _ in range(3)]
    for n in range(count):
        payee = members[n] if n < 3 else time_account_for_project(project=ProjectFactory())
        time_transfer_create(actor=None, payer=payer, payee=payee, minutes=1)


@pytest.mark.parametrize("count", [10, 200])
def test_statement_query_count_is_bounded(count, member_api, member, django_assert_max_num_queries):
    mine = time_account_for_user(user=member)
    TimeAccount.objects.filter(pk=mine.pk).update(credit_limit_minutes=1000)
    _make_history(count, mine)
    with django_assert_max_num_queries(8):
        response = member_api.get(f"/api/v1/accounts/{mine.pk}/transfers/?page_size=100")
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(count, 100)


@pytest.mark.parametrize("count", [10, 200])
def test_account_list_query_count_is_bounded(
    count, coordinator_api, member, django_assert_max_num_queries
):
    mine = time_account_for_user(user=member)
    TimeAccount.objects.filter(pk=mine.pk).update(credit_limit_minutes=1000)
    _make_history(count, mine)
    with django_assert_max_num_queries(8):
        response = coordinator_api.get("/api/v1/accounts/?page_size=100")
    assert response.status_code == 200
    assert response.json()["count"] == count + 1
