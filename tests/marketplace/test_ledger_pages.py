"""The time ledger's pages: my account, giving hours, the coordinator's views, figures."""

import pytest

from backend.core.models import AuditEvent
from marketplace.models import TimeAccount, TimeTransfer
from marketplace.services.ledger import (
    time_account_for_member,
    time_account_for_user,
    time_transfer_create,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other():
    return time_account_for_member(membership=MembershipFactory())


def test_my_account_shows_the_statement_with_running_balance(member_client, member, other):
    mine = time_account_for_user(user=member)
    time_transfer_create(actor=member, payer=mine, payee=other, minutes=90, memo="Potager")
    response = member_client.get("/heures/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Potager" in body
    assert "1\u00a0h\u00a030" in body
    assert 'href="/heures/"' in body  # the nav link


def test_statement_csv_export(member_client, member, other):
    mine = time_account_for_user(user=member)
    time_transfer_create(actor=member, payer=mine, payee=other, minutes=90, memo="=cmd")
    response = member_client.get(f"/heures/comptes/{mine.pk}/export.csv")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "id,date,counterpart,minutes,balance_after,memo"
    assert lines[1].endswith(",-90,-90,'=cmd")


def test_give_hours_form(member_client, member, other):
    response = member_client.get("/heures/donner/")
    assert response.status_code == 200
    token = response.context["form"].initial["idempotency_token"]
    payload = {
        "to": f"m{other.owner_member_id}",
        "hours": 1,
        "minutes": 15,
        "memo": "Merci",
        "idempotency_token": token,
    }
    assert member_client.post("/heures/donner/", payload).status_code == 302
    assert member_client.post("/heures/donner/", payload).status_code == 302  # a double click
    assert TimeTransfer.objects.get().minutes == 75
    other.refresh_from_db()
    assert other.balance_minutes == 75
    # the same token with other values (the page sent again from the history)
    reused = member_client.post("/heures/donner/", payload | {"hours": 2})
    assert reused.status_code == 409
    assert "Ce formulaire a déjà été envoyé avec d’autres valeurs" in reused.content.decode()
    assert reused.context["form"].is_bound
    assert TimeTransfer.objects.count() == 1
    other.refresh_from_db()
    assert other.balance_minutes == 75


def test_give_hours_over_the_limit_re_renders_the_form(member_client, other):
    payload = {
        "to": f"m{other.owner_member_id}",
        "hours": 21,
        "minutes": 0,
        "idempotency_token": "t",
    }
    response = member_client.post("/heures/donner/", payload)
    # The same page with the bound form and the service's message (form_action).
    assert response.status_code == 409
    assert response.context["form"].is_bound
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert 'class="message message-error"' in response.content.decode()
    assert not TimeTransfer.objects.exists()


def test_give_hours_with_nothing_is_400(member_client, other):
    payload = {
        "to": f"m{other.owner_member_id}",
        "hours": 0,
        "minutes": 0,
        "idempotency_token": "t",
    }
    assert member_client.post("/heures/donner/", payload).status_code == 400
    assert not TimeTransfer.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("visitor", 403), ("member", 200)]
)
def test_my_account_permissions(role, expected, client, member, visitor_user):
    if role != "anonymous":
        client.force_login(member if role == "member" else visitor_user)
    assert client.get("/heures/").status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("visitor", 403), ("member", 403), ("coordinator", 200)],
)
def test_accounts_manage_permissions(role, expected, client, member, visitor_user, coordinator):
    if role != "anonymous":
        client.force_login(
            {"member": member, "visitor": visitor_user, "coordinator": coordinator}[role]
        )
    assert client.get("/heures/comptes/").status_code == expected


def test_a_member_cannot_see_another_statement(member_client, other):
    assert member_client.get(f"/heures/comptes/{other.pk}/").status_code == 403
    assert member_client.get(f"/heures/comptes/{other.pk}/export.csv").status_code == 403


def test_coordinator_changes_a_limit_through_the_audited_service(
    coordinator_client, coordinator, other
):
    response = coordinator_client.post(f"/heures/comptes/{other.pk}/limite/", {"hours": 5})
    assert response.status_code == 302
    assert TimeAccount.objects.get(pk=other.pk).credit_limit_minutes == 300
    assert AuditEvent.objects.filter(action="time.limit_set", actor=coordinator).exists()


def test_a_limit_below_the_debt_re_renders_the_form(coordinator_client, member, other):
    time_transfer_create(
        actor=member, payer=time_account_for_user(user=member), payee=other, minutes=600
    )
    mine = time_account_for_user(user=member)
    response = coordinator_client.post(f"/heures/comptes/{mine.pk}/limite/", {"hours": 5})
    assert response.status_code == 409
    assert TimeAccount.objects.get(pk=mine.pk).credit_limit_minutes == 1200


def test_public_figures(client, member, other):
    time_transfer_create(
        actor=member, payer=time_account_for_user(user=member), payee=other, minutes=120
    )
    response = client.get("/heures/chiffres/")
    assert response.status_code == 200
    assert response.context["totals"]["active_members"] == 2
    assert response.context["totals"]["minutes"] == 120


@pytest.mark.parametrize("count", [10, 60])
def test_statement_page_query_count_is_bounded(
    count, member_client, member, other, django_assert_max_num_queries
):
    mine = time_account_for_user(user=member)
    TimeAccount.objects.filter(pk=mine.pk).update(credit_limit_minutes=10_000)
    for _ in range(count):
        time_transfer_create(actor=None, payer=mine, payee=other, minutes=1)
    with django_assert_max_num_queries(14):
        assert member_client.get("/heures/").status_code == 200
