"""The database connection is lost in the middle of a request: the person gets a clean
503 (a page, or JSON under /api/) and nothing of the interrupted write remains.

The fault is injected at the database driver's door (``connection.execute_wrapper``):
the chosen statement fails exactly as a dropped connection makes it fail, after the
service has already written part of its rows inside its transaction."""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from backend.core.models import AuditEvent
from governance.votes.models import Ballot, BallotEntry, Participation
from marketplace.models import TimeAccount, TimeTransfer
from marketplace.services.ledger import time_account_for_member, time_account_for_user
from tests.factories import MembershipFactory
from tests.governance.votes_helpers import a_valid_ballot, make_vote, option_ids

pytestmark = pytest.mark.django_db


class ConnectionLostOn:
    """Fails every statement that touches ``table`` (and counts them)."""

    def __init__(self, table: str, verb: str = "INSERT"):
        self.table, self.verb, self.tripped = table, verb, 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(self.verb) and f'"{self.table}"' in sql:
            self.tripped += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@pytest.fixture
def open_vote(coordinator, colleges):
    return make_vote(coordinator, secret=False)


def test_a_ballot_cut_off_on_the_page_is_a_503_page_and_writes_nothing(member_client, open_vote):
    audit_before = AuditEvent.objects.count()
    fault = ConnectionLostOn("governance_participation")  # after the ballot's own rows
    with connection.execute_wrapper(fault):
        response = member_client.post(
            f"/membres/votes/{open_vote.pk}/bulletin/",
            {f"grade-{pk}": "4" for pk in option_ids(open_vote)},
        )
    assert fault.tripped == 1
    assert response.status_code == 503
    assert response["Retry-After"]
    html = response.content.decode()
    assert "Service indisponible" in html
    assert "Rien de ce que vous avez envoyé n'a été enregistré" in html
    assert not Ballot.objects.exists()
    assert not BallotEntry.objects.exists()
    assert not Participation.objects.exists()
    assert AuditEvent.objects.count() == audit_before
    # the connection is back: the same ballot goes through
    response = member_client.post(
        f"/membres/votes/{open_vote.pk}/bulletin/",
        {f"grade-{pk}": "4" for pk in option_ids(open_vote)},
    )
    assert response.status_code == 200
    assert Ballot.objects.count() == 1


def test_a_ballot_cut_off_in_the_api_is_a_503_json(api_client, member, open_vote):
    api_client.force_authenticate(member)
    with connection.execute_wrapper(ConnectionLostOn("governance_participation")):
        response = api_client.post(
            f"/api/v1/votes/{open_vote.pk}/ballots/", a_valid_ballot(open_vote), format="json"
        )
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert body["detail"]
    assert body["errors"] == {}
    assert not Ballot.objects.exists()
    assert not Participation.objects.exists()


@pytest.mark.parametrize("table", ["marketplace_timetransfer", "core_auditevent"])
def test_a_transfer_cut_off_moves_no_minute(api_client, member, table):
    other = time_account_for_member(membership=MembershipFactory())
    mine = time_account_for_user(user=member)
    api_client.force_authenticate(member)
    fault = ConnectionLostOn(table)
    with connection.execute_wrapper(fault):
        response = api_client.post(
            "/api/v1/transfers/", {"to_account": other.pk, "minutes": 90}, format="json"
        )
    assert fault.tripped == 1
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert not TimeTransfer.objects.exists()
    assert set(
        TimeAccount.objects.filter(pk__in=[mine.pk, other.pk]).values_list(
            "balance_minutes", flat=True
        )
    ) == {0}


def test_a_lost_connection_outside_the_view_is_a_503_too(member):
    # The session is read by a middleware before any view runs.
    client = Client(raise_request_exception=False)
    client.force_login(member)
    with connection.execute_wrapper(ConnectionLostOn("django_session", verb="SELECT")):
        page = client.get("/")
        api = client.get("/api/v1/me/")
    assert page.status_code == 503
    assert "Service indisponible" in page.content.decode()
    assert api.status_code == 503
    assert api.json()["code"] == "database_unavailable"


def test_the_503_page_is_in_english_for_an_english_visitor(member_client, open_vote):
    member_client.cookies["terreau_language"] = "en"
    with connection.execute_wrapper(ConnectionLostOn("governance_participation")):
        response = member_client.post(
            f"/membres/votes/{open_vote.pk}/bulletin/",
            {f"grade-{pk}": "4" for pk in option_ids(open_vote)},
        )
    assert response.status_code == 503
    assert "Service unavailable" in response.content.decode()


def test_an_integrity_error_is_not_disguised_as_an_outage(member_client):
    from django.db import IntegrityError

    from backend.core.middleware import is_database_unavailable

    assert not is_database_unavailable(IntegrityError("duplicate key"))
    assert is_database_unavailable(OperationalError("server closed the connection"))
