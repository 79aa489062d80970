"""Every endpoint that accepts an ``Idempotency-Key`` keeps the one contract of
``backend.core.idempotency``: a retry (even at the same instant) writes once and gets the
first answer, the same key with another body is a 409, a key over 255 characters a 400."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from commons.models import Resource
from events.models import Event, Registration
from governance.models import ShareSubscription
from governance.votes.models import Vote
from marketplace.models import Contribution, FundAllocation, TimeTransfer
from marketplace.services.contributions import contribution_manual_create
from marketplace.services.ledger import time_account_for_member
from observatory.models import GridVersion
from pioneers.models import Application
from projects.models import Project
from tests.concurrency import run_concurrently
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


@dataclass
class World:
    member: object
    coordinator: object
    candidate: object
    payee_account: int
    project: int
    event: int
    now: datetime.datetime  # fixed for the test: a retry sends the very same body
    guest: None = None  # no account: the key is filed under the e-mail address sent


@dataclass(frozen=True)
class Endpoint:
    url: str | Callable[["World"], str]
    who: str  # the World attribute that sends the request
    body: Callable[[World, int], dict]  # a valid body; another ``n`` gives another body
    count: Callable[[], int]  # the rows a successful request adds one of


def _vote(world: World, n: int) -> dict:
    now = world.now
    return {
        "title": f"Choix n° {n}",
        "method": "majority_judgment",
        "options": [{"label": "Jardin partagé"}, {"label": "Atelier vélo"}],
        "opens_at": (now - datetime.timedelta(minutes=1)).isoformat(),
        "closes_at": (now + datetime.timedelta(days=7)).isoformat(),
        "secret": True,
        "electorate": {"colleges": [], "pioneers_only": False},
    }


ENDPOINTS = {
    "projects": Endpoint(
        "/api/v1/projects/",
        "member",
        lambda w, n: {"title": f"Atelier vélo {n}", "summary": "Réparer ensemble."},
        lambda: Project.objects.count(),
    ),
    "votes": Endpoint("/api/v1/votes/", "coordinator", _vote, lambda: Vote.objects.count()),
    "pioneer-applications": Endpoint(
        "/api/v1/pioneers/applications/",
        "candidate",
        lambda w, n: {
            "display_name": "Cédric V.",
            "solution_title": f"Nettoyer les berges n° {n}",
            "solution_description": "Des journées de ramassage en amont du fleuve.",
        },
        lambda: Application.objects.count(),
    ),
    "contributions": Endpoint(
        "/api/v1/contributions/",
        "member",
        lambda w, n: {
            "target": {"type": "cooperative"},
            "amount_cents": 1500 + n,
            "currency": "EUR",
        },
        lambda: Contribution.objects.filter(user__isnull=False).count(),
    ),
    "guest-contributions": Endpoint(
        "/api/v1/contributions/",
        "guest",
        lambda w, n: {
            "target": {"type": "cooperative"},
            "amount_cents": 1500 + n,
            "currency": "EUR",
            "email": "invitee@example.org",
        },
        lambda: Contribution.objects.filter(user__isnull=True).count(),
    ),
    "fund-allocations": Endpoint(
        "/api/v1/funds/allocations/",
        "coordinator",
        lambda w, n: {"project": w.project, "amount_cents": 3_000 + n, "currency": "EUR"},
        lambda: FundAllocation.objects.count(),
    ),
    "time-transfers": Endpoint(
        "/api/v1/transfers/",
        "member",
        lambda w, n: {"to_account": w.payee_account, "minutes": 30 + n},
        lambda: TimeTransfer.objects.count(),
    ),
    "share-subscriptions": Endpoint(
        "/api/v1/share-subscriptions/",
        "member",
        lambda w, n: {"shares": n, "college": "fondateurs", "payment": "transfer"},
        lambda: ShareSubscription.objects.filter(payment_method="transfer").count(),
    ),
    "resources": Endpoint(
        "/api/v1/resources/",
        "member",
        lambda w, n: {
            "title": f"Énergies renouvelables citoyennes n° {n}",
            "summary": "Monter une centrale solaire villageoise.",
            "kind": "method",
            "authors": "Énergie partagée",
        },
        lambda: Resource.objects.count(),
    ),
    "observatory-grids": Endpoint(
        "/api/v1/observatory/grids/",
        "coordinator",
        lambda w, n: {
            "note": f"Version n° {n}",
            "indicators": [
                {
                    "compass": "individual",
                    "code": f"valeurs-{n}",
                    "name": "Cohérence avec les valeurs",
                    "definition": "À quel point la solution traduit ses valeurs.",
                }
            ],
        },
        lambda: GridVersion.objects.count(),
    ),
    # No body to speak of: another one (a note the API ignores) is still another request.
    "event-registration": Endpoint(
        lambda w: f"/api/v1/events/{w.event}/registration/",
        "member",
        lambda w, n: {} if n == 1 else {"note": n},
        lambda: Registration.objects.count(),
    ),
}


def _url(endpoint: Endpoint, world: World) -> str:
    return endpoint.url(world) if callable(endpoint.url) else endpoint.url


@pytest.fixture
def world(colleges, member, coordinator) -> World:
    contribution_manual_create(  # money in the cooperative's fund, to allocate
        actor=coordinator,
        project=None,
        method="cash",
        amount_cents=100_000,
        received_on=timezone.localdate(),
        reference="CASH-1",
        name="Camille",
        public=True,
    )
    time_account_for_member(membership=member.membership)
    return World(
        member=member,
        coordinator=coordinator,
        candidate=UserFactory(email="candidat@example.org"),
        payee_account=time_account_for_member(membership=MembershipFactory()).pk,
        project=ProjectFactory(status="selected").pk,
        event=Event.objects.create(
            kind="convivial",
            title="Fête des pionniers",
            visibility="public",
            starts_at=timezone.now() + datetime.timedelta(days=10),
            ends_at=timezone.now() + datetime.timedelta(days=10, hours=3),
            created_by=coordinator,
        ).pk,
        now=timezone.now().replace(microsecond=0),
    )


def _client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_every_endpoint_that_reads_the_header_is_in_the_table():
    """A new endpoint taking ``Idempotency-Key`` must join ENDPOINTS (and these tests)."""
    from django.conf import settings
    from django.urls import get_resolver

    from tests.core.test_kit_locks_scan import ROOT

    readers = set()
    for app in settings.TERREAU_APPS:
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "idempotent_response(" in text or "idempotent(" in text:
                readers.add(str(path.relative_to(ROOT)))
    assert readers == {
        "backend/api/idempotency.py",
        "backend/core/idempotency.py",
        "projects/api.py",
        "governance/votes/api.py",
        "pioneers/api.py",
        "marketplace/api/contributions.py",
        "marketplace/services/contributions.py",
        "marketplace/api/ledger.py",
        "governance/api.py",
        "commons/api.py",
        "events/api.py",
        "observatory/api.py",
    }
    for endpoint in ENDPOINTS.values():
        example = endpoint.url(SimpleNamespace(event=1)) if callable(endpoint.url) else endpoint.url
        get_resolver().resolve(example)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_reused_key_with_another_body_is_409_and_an_overlong_key_400(world, name):
    endpoint = ENDPOINTS[name]
    client = _client(getattr(world, endpoint.who))
    before = endpoint.count()
    first = client.post(_url(endpoint, world), endpoint.body(world, 1), format="json",
                        HTTP_IDEMPOTENCY_KEY="k" * 255)  # fmt: skip
    assert first.status_code == 201, first.json()
    assert endpoint.count() == before + 1
    # the same key, another body: refused, nothing written
    reused = client.post(_url(endpoint, world), endpoint.body(world, 2), format="json",
                         HTTP_IDEMPOTENCY_KEY="k" * 255)  # fmt: skip
    assert (reused.status_code, reused.json()["code"]) == (409, "idempotency_key_reused")
    # one character too many: refused, nothing written
    overlong = client.post(_url(endpoint, world), endpoint.body(world, 3), format="json",
                           HTTP_IDEMPOTENCY_KEY="x" * 256)  # fmt: skip
    assert (overlong.status_code, overlong.json()["code"]) == (400, "idempotency_key_invalid")
    assert endpoint.count() == before + 1
    # the same key and body: the first answer again
    again = client.post(_url(endpoint, world), endpoint.body(world, 1), format="json",
                        HTTP_IDEMPOTENCY_KEY="k" * 255)  # fmt: skip
    assert (again.status_code, again.json()) == (201, first.json())
    assert endpoint.count() == before + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_two_concurrent_requests_with_one_key_write_once_and_answer_the_same(world, name):
    endpoint = ENDPOINTS[name]
    user = getattr(world, endpoint.who)
    body = endpoint.body(world, 1)
    before = endpoint.count()

    def send():
        response = _client(user).post(
            _url(endpoint, world), body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1"
        )
        return response.status_code, response.json()

    results = run_concurrently([send, send])
    assert not [r for r in results if isinstance(r, Exception)], results
    (status_a, answer_a), (status_b, answer_b) = results
    assert status_a == status_b == 201, results
    assert answer_a == answer_b
    assert endpoint.count() == before + 1
