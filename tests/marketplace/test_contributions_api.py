"""POST /api/v1/contributions/ and GET /api/v1/contributions/{id}/."""

import pytest

from backend.core.models import AuditEvent, IdempotencyRecord
from marketplace.models import Contribution, ContributionSettings, Fund
from marketplace.services.contributions import IDEMPOTENCY_SCOPE_API, guest_idempotency_scope

pytestmark = pytest.mark.django_db

URL = "/api/v1/contributions/"


def _body(**overrides):
    body = {
        "target": {"type": "cooperative"},
        "amount_cents": 1500,
        "currency": "EUR",
        "email": "ami@example.org",
    }
    body.update(overrides)
    return body


def test_without_stripe_keys_the_api_gives_manual_instructions(api_client, settings):
    # given the embedded default: no Stripe keys
    settings.STRIPE_SECRET_KEY = ""
    ContributionSettings.objects.create(pk=1, bank_transfer_instructions="IBAN FR76 1234")
    # when
    response = api_client.post(URL, _body(message="Merci !"), format="json")
    # then
    assert response.status_code == 201
    data = response.json()
    contribution = Contribution.objects.get()
    assert data["id"] == contribution.pk
    assert data["status"] == "pending"
    assert data["checkout_url"] is None
    assert f"TERREAU-{contribution.pk}" in data["manual_instructions"]
    assert "IBAN FR76 1234" in data["manual_instructions"]
    assert data["target"] == {"type": "cooperative", "id": None, "title": "La coopérative"}
    assert contribution.channel == "manual"
    assert contribution.message == "Merci !"
    assert contribution.user is None
    assert AuditEvent.objects.filter(action="contribution.create").count() == 1


def test_with_stripe_a_checkout_session_is_opened_server_side(api_client, fake_stripe, project):
    # when
    response = api_client.post(
        URL, _body(target={"type": "project", "id": project.pk}, amount_cents=4200), format="json"
    )
    # then
    assert response.status_code == 201, response.json()
    data = response.json()
    contribution = Contribution.objects.get()
    assert data["status"] == "pending"
    assert data["checkout_url"].startswith("https://checkout.stripe.com/")
    assert data["manual_instructions"] is None
    assert contribution.checkout_url == data["checkout_url"]
    assert contribution.stripe_session_id.startswith("cs_test_")
    assert contribution.fund.project == project
    (sent,) = fake_stripe.sessions
    assert sent["client_reference_id"] == str(contribution.pk)
    assert sent["metadata[contribution_id]"] == str(contribution.pk)
    assert sent["payment_intent_data[metadata][contribution_id]"] == str(contribution.pk)
    assert sent["line_items[0][price_data][unit_amount]"] == "4200"
    assert sent["line_items[0][price_data][currency]"] == "eur"
    assert sent["mode"] == "payment"
    assert sent["customer_email"] == "ami@example.org"
    assert sent["success_url"].endswith("?session_id={CHECKOUT_SESSION_ID}")
    assert str(contribution.public_token) in sent["cancel_url"]
    assert fake_stripe.idempotency_keys == [f"terreau-contribution-{contribution.public_token}"]


def test_a_member_contributes_with_their_account_email(api_client, member, fake_stripe):
    api_client.force_authenticate(member)
    response = api_client.post(URL, _body(email=""), format="json")
    assert response.status_code == 201
    contribution = Contribution.objects.get()
    assert contribution.user == member
    assert contribution.email == member.email


def test_a_guest_must_give_an_email(api_client):
    response = api_client.post(URL, _body(email=""), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "email_required"
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        (99, "amount_cents"),  # below the default minimum of 1 €
        (500_001, "amount_cents"),  # above the default maximum of 5 000 €
        (0, "amount_cents"),
        (-1500, "amount_cents"),
        (15.5, "amount_cents"),
        (1500.0, "amount_cents"),
        ("1500", "amount_cents"),
        (True, "amount_cents"),
        (None, "amount_cents"),
        ([1500], "amount_cents"),
    ],
)
def test_bad_amounts_are_refused_with_a_readable_message(api_client, amount, field):
    response = api_client.post(URL, _body(amount_cents=amount), format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert body["detail"]
    assert not Contribution.objects.exists()
    assert not Fund.objects.exists()


def test_limits_come_from_the_settings(api_client):
    ContributionSettings.objects.create(pk=1, min_amount_cents=1000, max_amount_cents=2000)
    too_small = api_client.post(URL, _body(amount_cents=999), format="json")
    assert too_small.status_code == 400
    assert "10" in too_small.json()["detail"]
    assert api_client.post(URL, _body(amount_cents=2000), format="json").status_code == 201


@pytest.mark.parametrize("currency", ["USD", "eur", "", None, 978])
def test_wrong_currency_is_refused(api_client, currency):
    response = api_client.post(URL, _body(currency=currency), format="json")
    assert response.status_code == 400
    assert "currency" in response.json()["errors"]
    assert not Contribution.objects.exists()


def test_missing_currency_is_refused(api_client):
    body = _body()
    del body["currency"]
    assert api_client.post(URL, body, format="json").status_code == 400


@pytest.mark.parametrize(
    "target",
    [
        {"type": "project"},
        {"type": "planet"},
        {"type": "project", "id": "x"},
        "cooperative",
        None,
    ],
)
def test_malformed_targets_are_refused(api_client, target):
    response = api_client.post(URL, _body(target=target), format="json")
    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_unknown_project_is_a_400(api_client):
    response = api_client.post(URL, _body(target={"type": "project", "id": 999}), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_project"


def test_a_draft_project_does_not_accept_contributions(api_client, project_factory):
    draft = project_factory(status="draft")
    response = api_client.post(
        URL, _body(target={"type": "project", "id": draft.pk}), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "target_closed"
    assert not Contribution.objects.exists()
    assert not Fund.objects.exists()


def test_malformed_json_is_a_400(api_client):
    response = api_client.post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400


def test_idempotency_key_makes_a_retry_create_nothing(api_client, fake_stripe):
    # given a first request
    first = api_client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    # when the client retries with the same key
    second = api_client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    # then the same contribution and the same Checkout Session come back
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Contribution.objects.count() == 1
    assert len(fake_stripe.sessions) == 1


def test_the_same_key_from_another_guest_is_another_contribution(api_client):
    api_client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = api_client.post(
        URL, _body(email="autre@example.org"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert other.status_code == 201
    assert Contribution.objects.count() == 2


def test_reusing_a_key_for_a_different_amount_is_a_conflict(api_client):
    api_client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = api_client.post(
        URL, _body(amount_cents=9900), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Contribution.objects.count() == 1


def test_a_stripe_failure_is_a_502_and_the_retry_opens_the_session(api_client, fake_stripe):
    # given Stripe refuses the first call
    fake_stripe.fail_next = 1
    # when
    failed = api_client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    # then nothing is charged and the pledge waits without a session
    assert failed.status_code == 502
    assert failed.json()["code"] == "payment_provider_unavailable"
    contribution = Contribution.objects.get()
    assert contribution.checkout_url == ""
    # when the client retries with its key
    retried = api_client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    # then the same contribution gets its session
    assert retried.status_code == 201
    assert retried.json()["id"] == contribution.pk
    assert retried.json()["checkout_url"]
    assert Contribution.objects.count() == 1


def test_contribution_endpoint_is_rate_limited(api_client):
    statuses = [
        api_client.post(URL, _body(amount_cents=1), format="json").status_code for _ in range(31)
    ]
    assert statuses[:30] == [400] * 30
    assert statuses[30] == 429
    assert api_client.post(URL, _body(), format="json").json()["code"] == "throttled"
    assert not Contribution.objects.exists()


def test_an_overlong_idempotency_key_is_refused(api_client):
    # The one rule of every endpoint (backend.core.idempotency): 255 characters at most.
    response = api_client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Contribution.objects.exists()


def test_a_guest_key_of_255_characters_is_kept_and_replayed(api_client):
    first = api_client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 255)
    again = api_client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 255)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Contribution.objects.count() == 1
    # filed in the one table, under the guest's address (no account to file it under)
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.key) == (None, "k" * 255)
    assert record.scope == guest_idempotency_scope(IDEMPOTENCY_SCOPE_API, "ami@example.org")


# --- GET /api/v1/contributions/{id}/ -------------------------------------------------


@pytest.fixture
def members_contribution(member):
    from marketplace.services.contributions import contribution_start

    return contribution_start(actor=member, project=None, amount_cents=2000, card=False)


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("owner", 200), ("other_member", 404), ("coordinator", 200)],
)
def test_contribution_detail_is_for_its_owner_and_the_coordinator(
    api_client, members_contribution, member, coordinator, user_factory, who, status
):
    users = {
        "anonymous": None,
        "owner": member,
        "other_member": user_factory(),
        "coordinator": coordinator,
    }
    if users[who]:
        api_client.force_authenticate(users[who])
    response = api_client.get(f"{URL}{members_contribution.pk}/")
    assert response.status_code == status
    if status == 200:
        data = response.json()
        assert data["id"] == members_contribution.pk
        assert data["status"] == "pending"
        assert data["amount_cents"] == 2000
        assert data["email"] == member.email
        assert data["transfer_reference"] == f"TERREAU-{members_contribution.pk}"
    else:
        assert response.json()["code"] == "not_found"


def test_a_guest_contribution_is_visible_only_to_the_coordinator(api_client, member, coordinator):
    from marketplace.services.contributions import contribution_start

    guest = contribution_start(actor=None, project=None, amount_cents=2000, email=member.email)
    api_client.force_authenticate(member)
    assert api_client.get(f"{URL}{guest.pk}/").status_code == 404
    api_client.force_authenticate(coordinator)
    assert api_client.get(f"{URL}{guest.pk}/").status_code == 200


def test_unknown_contribution_is_a_404(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    assert api_client.get(f"{URL}424242/").status_code == 404
