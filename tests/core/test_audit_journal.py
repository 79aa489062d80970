"""The audit journal: visible to coordinators only, filtered, paginated, exported as CSV,
and the before/after figures of the ledger and funds events."""

import csv
import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from backend.core.models import AuditEvent
from backend.core.services import audit_record
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def journal(coordinator, member):
    """Events by two people on two kinds of objects, one of them a week ago."""
    college_ct = ContentType.objects.get(app_label="governance", model="college")
    audit_record(actor=coordinator, action="vote.open", target=coordinator, data={"x": 1})
    audit_record(actor=member, action="time.transfer", data={"before": 5, "after": 3})
    old = audit_record(actor=member, action="vote.ballot_cast")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(7))
    AuditEvent.objects.create(action="college.update", target_type=college_ct, target_id="9")
    return college_ct


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("visitor", 403), ("member", 403), ("coord", 200)]
)
def test_only_coordinators_see_the_journal(client, role, status, visitor_user, member, coordinator):
    people = {"visitor": visitor_user, "member": member, "coord": coordinator}
    if role in people:
        client.force_login(people[role])
    assert client.get(reverse("audit:list")).status_code == status
    assert client.get(reverse("audit:export")).status_code == status


def test_the_journal_filters_by_actor_action_type_and_date(coordinator_client, journal, member):
    def actions(**params) -> set[str]:
        response = coordinator_client.get(reverse("audit:list"), params)
        assert response.status_code == 200
        return {event.action for event, _details in response.context["rows"]}

    assert actions() == {"vote.open", "time.transfer", "vote.ballot_cast", "college.update"}
    assert actions(actor="membre@") == {"time.transfer", "vote.ballot_cast"}
    assert actions(actor=str(member.pk)) == {"time.transfer", "vote.ballot_cast"}
    assert actions(action="vote.") == {"vote.open", "vote.ballot_cast"}
    assert actions(object_type=journal.pk) == {"college.update"}
    today = timezone.localdate().isoformat()
    assert "vote.ballot_cast" not in actions(date_from=today)
    assert actions(date_to=(timezone.localdate() - datetime.timedelta(3)).isoformat()) == {
        "vote.ballot_cast"
    }
    # Nonsense filters are shown as errors, never a crash.
    response = coordinator_client.get(
        reverse("audit:list"), {"date_from": "pas une date", "object_type": "x", "page": "zz"}
    )
    assert response.status_code == 200
    inverted = coordinator_client.get(
        reverse("audit:list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert "La date de fin précède la date de début." in inverted.content.decode()


def test_the_journal_page_costs_the_same_queries_whatever_its_size(
    coordinator_client, coordinator, django_assert_max_num_queries
):
    users = [UserFactory() for _ in range(5)]
    for i in range(120):
        audit_record(actor=users[i % 5], action="time.transfer", target=users[i % 5])
    with django_assert_max_num_queries(12):
        response = coordinator_client.get(reverse("audit:list"), {"page": 2})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 50


def test_the_csv_export_streams_every_filtered_event(coordinator_client, journal):
    response = coordinator_client.get(reverse("audit:export"), {"action": "vote."})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Quand"
    assert sorted(row[3] for row in rows[1:]) == ["vote.ballot_cast", "vote.open"]
    opened = next(row for row in rows[1:] if row[3] == "vote.open")
    assert opened[2] == "jardinier@example.org"
    assert opened[4] == "accounts.user"
    assert '"x": 1' in opened[7]


def test_the_api_lists_the_journal_for_coordinators(api_client, journal, member, coordinator):
    url = "/api/v1/audit-events/"
    assert api_client.get(url).status_code in (401, 403)
    api_client.force_authenticate(member)
    assert api_client.get(url).status_code == 403
    api_client.force_authenticate(coordinator)
    body = api_client.get(url, {"action": "time."}).json()
    assert body["count"] == 1
    assert body["results"][0]["data"] == {"before": 5, "after": 3}
    bad = api_client.get(url, {"date_from": "nope"})
    assert bad.status_code == 400
    assert "date_from" in bad.json()["errors"]


# ---------------------------------------------------------------- before and after


def test_a_time_transfer_records_both_balances_before_and_after(colleges, member):
    from marketplace.services.ledger import time_account_for_member, time_transfer_create

    other = MembershipFactory(college=colleges["fondateurs"])
    payer = time_account_for_member(membership=member.membership)
    payee = time_account_for_member(membership=other)
    assert AuditEvent.objects.filter(action="time.account_open").count() == 2
    time_transfer_create(actor=member, payer=payer, payee=payee, minutes=30)
    transfer = time_transfer_create(actor=member, payer=payer, payee=payee, minutes=45)
    event = AuditEvent.objects.get(action="time.transfer", target_id=str(transfer.pk))
    assert event.data["before"] == {"payer": -30, "payee": 30}
    assert event.data["after"] == {"payer": -75, "payee": 75}


def test_money_received_and_allocated_records_the_fund_totals(coordinator):
    from marketplace.services.contributions import contribution_manual_create
    from marketplace.services.funds import fund_allocation_create
    from tests.factories import ProjectFactory

    project = ProjectFactory(status="selected")
    for reference in ("A", "B"):
        contribution_manual_create(
            actor=coordinator,
            project=None,
            method="cash",
            amount_cents=1000,
            received_on=timezone.localdate(),
            reference=reference,
        )
    payments = AuditEvent.objects.filter(action="fund.payment").order_by("id")
    assert [e.data["after"]["received_cents"] for e in payments] == [1000, 2000]
    assert payments[1].data["before"] == {"received_cents": 1000}
    assert AuditEvent.objects.filter(action="fund.open").count() == 1
    fund_allocation_create(
        actor=coordinator, project=project, amount_cents=1500, allocated_on=timezone.localdate()
    )
    event = AuditEvent.objects.get(action="funds.allocate")
    assert event.data["before"] == {"allocated_cents": 0}
    assert event.data["after"] == {"allocated_cents": 1500}


def test_share_movements_record_the_shares_held_before_and_after(member, coordinator):
    from governance.services import shares_mark_paid, shares_refund, shares_subscribe

    membership = member.membership
    subscription = shares_subscribe(actor=coordinator, membership=membership, quantity=3)
    shares_mark_paid(actor=coordinator, subscription=subscription)
    shares_refund(actor=coordinator, membership=membership, quantity=2)
    data = {
        e.action: (e.data["before"]["shares_held"], e.data["after"]["shares_held"])
        for e in AuditEvent.objects.filter(action__startswith="shares.")
    }
    assert data == {"shares.subscribe": (1, 1), "shares.paid": (1, 4), "shares.refund": (4, 2)}


def test_status_and_college_changes_record_before_and_after(member, coordinator, colleges):
    from governance.services import membership_change_college, membership_change_status

    membership = member.membership
    membership_change_college(
        actor=coordinator, membership=membership, college=colleges["salaries"]
    )
    membership_change_status(actor=coordinator, membership=membership, status="resigned")
    college = AuditEvent.objects.get(action="membership.college")
    assert college.data["before"] == {"college": "fondateurs"}
    assert college.data["after"] == {"college": "salaries"}
    status = AuditEvent.objects.get(action="membership.resigned")
    assert status.data["before"] == {"status": "member"}
    assert status.data["after"] == {"status": "resigned"}
