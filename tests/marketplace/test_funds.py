"""Funds: allocations never exceed what is available; totals match their history."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.utils import DatabaseError

from backend.core.errors import ConflictError
from backend.core.models import AuditEvent
from marketplace.errors import MarketplaceError
from marketplace.models import Fund, FundAllocation, Payment
from marketplace.services.funds import (
    ALLOCATION_SCOPE_FORM,
    fund_allocation_create,
    fund_allocation_create_once,
    funds_integrity_problems,
)

pytestmark = pytest.mark.django_db

ALLOCATIONS = "/api/v1/funds/allocations/"


def _allocate(coordinator, project, amount, **kwargs):
    return fund_allocation_create(
        actor=coordinator,
        project=project,
        amount_cents=amount,
        allocated_on=date(2026, 5, 1),
        **kwargs,
    )


def test_allocation_moves_money_out_of_the_fund(coordinator, project, paid_contribution_factory):
    # given 100 € received by the cooperative
    paid_contribution_factory(amount_cents=10_000)
    # when
    allocation = _allocate(coordinator, project, 6_000, note="Outils")
    # then
    fund = Fund.objects.get(kind="cooperative")
    assert (fund.received_cents, fund.allocated_cents, fund.available_cents) == (
        10_000,
        6_000,
        4_000,
    )
    assert allocation.project == project
    assert AuditEvent.objects.filter(action="funds.allocate").count() == 1
    assert funds_integrity_problems() == []


def test_allocating_more_than_available_is_refused_and_changes_nothing(
    coordinator, project, paid_contribution_factory
):
    paid_contribution_factory(amount_cents=10_000)
    _allocate(coordinator, project, 6_000)
    with pytest.raises(MarketplaceError) as err:
        _allocate(coordinator, project, 4_001)
    assert err.value.code == "insufficient_funds"
    assert err.value.status_code == 409
    assert "40" in err.value.message
    fund = Fund.objects.get()
    assert (fund.allocated_cents, fund.available_cents) == (6_000, 4_000)
    assert FundAllocation.objects.count() == 1


def test_allocating_from_an_empty_fund_creates_no_row(coordinator, project):
    with pytest.raises(MarketplaceError) as err:
        _allocate(coordinator, project, 100)
    assert err.value.code == "insufficient_funds"
    assert not Fund.objects.exists()


def test_money_given_for_a_project_goes_to_that_project_only(
    coordinator, project, project_factory, paid_contribution_factory
):
    other = project_factory(status="in_progress")
    paid_contribution_factory(project=project, amount_cents=5_000)
    with pytest.raises(MarketplaceError) as err:
        _allocate(coordinator, other, 1_000, source_project=project)
    assert err.value.code == "fund_project_mismatch"
    allocation = _allocate(coordinator, project, 5_000, source_project=project)
    assert allocation.fund.project == project
    assert Fund.objects.get(project=project).available_cents == 0


@pytest.mark.parametrize("status", ["draft", "submitted", "declined", "abandoned"])
def test_only_selected_running_or_completed_projects_receive_money(
    coordinator, project_factory, paid_contribution_factory, status
):
    paid_contribution_factory(amount_cents=5_000)
    with pytest.raises(MarketplaceError) as err:
        _allocate(coordinator, project_factory(status=status), 1_000)
    assert err.value.code == "project_not_allocatable"
    assert not FundAllocation.objects.exists()


def _allocate_once(coordinator, project, amount, key):
    return fund_allocation_create_once(
        scope=ALLOCATION_SCOPE_FORM,
        key=key,
        actor=coordinator,
        project=project,
        amount_cents=amount,
        allocated_on=date(2026, 5, 1),
    )


def test_allocation_idempotency_key_returns_the_first(
    coordinator, project, paid_contribution_factory
):
    paid_contribution_factory(amount_cents=5_000)
    first = _allocate_once(coordinator, project, 1_000, "a1")
    again = _allocate_once(coordinator, project, 1_000, "a1")
    assert first == again
    assert Fund.objects.get().allocated_cents == 1_000


def test_allocation_key_with_another_amount_is_refused_and_allocates_nothing(
    coordinator, project, paid_contribution_factory
):
    paid_contribution_factory(amount_cents=5_000)
    _allocate_once(coordinator, project, 1_000, "a1")
    with pytest.raises(ConflictError) as err:
        _allocate_once(coordinator, project, 2_000, "a1")
    assert err.value.code == "idempotency_key_reused"
    assert FundAllocation.objects.count() == 1
    assert Fund.objects.get().allocated_cents == 1_000


def test_a_refund_after_allocation_shows_a_deficit(coordinator, project, card_contribution, client):
    from tests.marketplace.conftest import post_webhook, refund_event, session_event

    post_webhook(client, session_event("checkout.session.completed", card_contribution))
    _allocate(coordinator, project, 2_500, source_project=project)
    post_webhook(client, refund_event(card_contribution, amount_refunded=2_500))
    fund = Fund.objects.get()
    assert (fund.received_cents, fund.allocated_cents, fund.available_cents) == (0, 2_500, -2_500)
    assert funds_integrity_problems() == []
    with pytest.raises(MarketplaceError):
        _allocate(coordinator, project, 1, source_project=project)


# --- API ---------------------------------------------------------------------------


def _allocation_body(to_project, **overrides):
    body = {"project": to_project.pk, "amount_cents": 3_000, "currency": "EUR", "note": "Local"}
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("member", 403), ("coordinator", 201)]
)
def test_only_the_coordinator_allocates_through_the_api(
    api_client, member, coordinator, project, paid_contribution_factory, who, status
):
    paid_contribution_factory(amount_cents=10_000)
    if who != "anonymous":
        api_client.force_authenticate({"member": member, "coordinator": coordinator}[who])
    response = api_client.post(ALLOCATIONS, _allocation_body(project), format="json")
    assert response.status_code == status
    assert FundAllocation.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        data = response.json()
        assert data["amount_cents"] == 3_000
        assert data["project"] == {"id": project.pk, "title": project.title}
        assert data["source"]["type"] == "cooperative"


def test_api_allocation_over_available_is_a_clear_409(
    api_client, coordinator, project, paid_contribution_factory
):
    paid_contribution_factory(amount_cents=1_000)
    api_client.force_authenticate(coordinator)
    response = api_client.post(ALLOCATIONS, _allocation_body(project), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_funds"
    assert "10" in body["detail"]
    assert Fund.objects.get().allocated_cents == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount_cents": 0},
        {"amount_cents": -5},
        {"amount_cents": "3000"},
        {"amount_cents": 30.5},
        {"amount_cents": True},
        {"currency": "USD"},
        {"project": 999_999},
        {"source": {"type": "project"}},
        {"source": {"type": "project", "id": 999_999}},
        {"allocated_on": "hier"},
    ],
)
def test_api_allocation_bad_input_is_a_400(
    api_client, coordinator, project, paid_contribution_factory, overrides
):
    paid_contribution_factory(amount_cents=10_000)
    api_client.force_authenticate(coordinator)
    response = api_client.post(ALLOCATIONS, _allocation_body(project, **overrides), format="json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not FundAllocation.objects.exists()


def test_api_allocation_retry_with_idempotency_key(
    api_client, coordinator, project, paid_contribution_factory
):
    paid_contribution_factory(amount_cents=10_000)
    api_client.force_authenticate(coordinator)
    first = api_client.post(
        ALLOCATIONS, _allocation_body(project), format="json", HTTP_IDEMPOTENCY_KEY="x"
    )
    second = api_client.post(
        ALLOCATIONS, _allocation_body(project), format="json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert first.json()["id"] == second.json()["id"]
    assert Fund.objects.get().allocated_cents == 3_000


def test_allocations_list_is_public_and_paginated(
    api_client, coordinator, project, paid_contribution_factory
):
    paid_contribution_factory(amount_cents=10_000)
    for _ in range(3):
        _allocate(coordinator, project, 100)
    response = api_client.get(ALLOCATIONS + "?page_size=2")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert len(data["results"]) == 2
    assert data["next"]


def test_funds_summary(api_client, coordinator, project, paid_contribution_factory):
    paid_contribution_factory(amount_cents=10_000)
    paid_contribution_factory(project=project, amount_cents=2_000)
    _allocate(coordinator, project, 4_000)
    response = api_client.get("/api/v1/funds/")
    assert response.status_code == 200
    assert response.json() == {
        "currency": "EUR",
        "received_cents": 12_000,
        "allocated_cents": 4_000,
        "available_cents": 8_000,
        "targets": [
            {
                "type": "cooperative",
                "id": None,
                "title": "La coopérative",
                "received_cents": 10_000,
                "allocated_cents": 4_000,
                "available_cents": 6_000,
            },
            {
                "type": "project",
                "id": project.pk,
                "title": project.title,
                "received_cents": 2_000,
                "allocated_cents": 0,
                "available_cents": 2_000,
            },
        ],
    }


@pytest.mark.parametrize("rows", [10, 100])
def test_funds_endpoints_query_count_does_not_grow(
    api_client,
    coordinator,
    project_factory,
    paid_contribution_factory,
    rows,
    django_assert_max_num_queries,
):
    projects = project_factory.create_batch(rows // 10)
    for index in range(rows):
        paid_contribution_factory(project=projects[index % len(projects)], amount_cents=1_000)
    paid_contribution_factory(amount_cents=rows * 1_000)
    for index in range(rows):
        _allocate(coordinator, projects[index % len(projects)], 100)
    with django_assert_max_num_queries(3):
        assert api_client.get("/api/v1/funds/").status_code == 200
    with django_assert_max_num_queries(3):
        response = api_client.get(ALLOCATIONS + "?page_size=100")
    assert len(response.json()["results"]) == rows


# --- funds_check --------------------------------------------------------------------


def test_funds_check_passes_on_consistent_books(
    coordinator, project, paid_contribution_factory, capsys
):
    paid_contribution_factory(amount_cents=10_000)
    _allocate(coordinator, project, 1_000)
    call_command("funds_check")
    assert "consistent" in capsys.readouterr().out


def test_funds_check_fails_on_a_stored_total_that_differs(
    coordinator, project, paid_contribution_factory
):
    contribution = paid_contribution_factory(amount_cents=10_000)
    Fund.objects.update(received_cents=12_345)
    with pytest.raises(CommandError) as err:
        call_command("funds_check")
    assert err.value.returncode == 1
    problems = funds_integrity_problems()
    assert any("received_cents=12345" in p for p in problems)
    type(contribution).objects.filter(pk=contribution.pk).update(amount_received_cents=1)
    assert any(f"contribution {contribution.pk}" in p for p in funds_integrity_problems())


@pytest.mark.django_db(transaction=True)
def test_funds_check_exits_non_zero_from_the_command_line(paid_contribution_factory):
    """The exit status a cron job or CI sees (committed data, another process)."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    from tests.core.test_settings import ROOT
    from tests.services import database_url_of

    paid_contribution_factory(amount_cents=1_000)
    env = os.environ | {"DATABASE_URL": database_url_of(settings.DATABASES["default"])}
    command = [sys.executable, "manage.py", "funds_check"]
    healthy = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)
    assert healthy.returncode == 0, healthy.stderr
    Fund.objects.update(allocated_cents=5)
    broken = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)
    assert broken.returncode == 1
    assert b"allocated_cents=5" in broken.stderr


@pytest.mark.postgres
def test_payments_and_allocations_are_append_only_on_postgresql(
    coordinator, project, paid_contribution_factory
):
    paid_contribution_factory(amount_cents=10_000)
    _allocate(coordinator, project, 1_000)
    for model in (Payment, FundAllocation):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            model.objects.update(amount_cents=1)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            model.objects.all().delete()
    assert Payment.objects.get().amount_cents == 10_000
    assert FundAllocation.objects.get().amount_cents == 1_000
