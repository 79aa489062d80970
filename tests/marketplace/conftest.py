"""Fixtures for contributions and funds: a fake Stripe API server and signed webhooks."""

import itertools
import time

import pytest

from tests.stripe_fake import SECRET_KEY, WEBHOOK_SECRET, FakeStripe, install, signed

__all__ = ["WEBHOOK_SECRET", "signed"]  # imported from here by the webhook tests
_ids = itertools.count(1)


@pytest.fixture
def project_factory(db):
    from tests.factories import ProjectFactory

    return ProjectFactory


@pytest.fixture
def project(project_factory):
    return project_factory(title="Atelier vélo", slug="atelier-velo", status="selected")


@pytest.fixture
def fake_stripe(httpserver, settings):
    fake = install(httpserver, FakeStripe())
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_API_BASE = httpserver.url_for("/").rstrip("/")
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return fake


@pytest.fixture
def stripe_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return WEBHOOK_SECRET


def event_id() -> str:
    return f"evt_test_{next(_ids)}"


def session_event(
    kind: str,
    contribution,
    *,
    amount_total: int | None = None,
    payment_status: str = "paid",
    id: str | None = None,
    session_id: str | None = None,
) -> dict:
    return {
        "id": id or event_id(),
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "data": {
            "object": {
                "id": session_id or contribution.stripe_session_id or f"cs_test_{contribution.pk}",
                "object": "checkout.session",
                "client_reference_id": str(contribution.pk),
                "metadata": {"contribution_id": str(contribution.pk)},
                "amount_total": contribution.amount_cents if amount_total is None else amount_total,
                "currency": "eur",
                "payment_status": payment_status,
                "payment_intent": f"pi_test_{contribution.pk}",
            }
        },
    }


def refund_event(contribution, *, amount_refunded: int, amount: int | None = None) -> dict:
    return {
        "id": event_id(),
        "object": "event",
        "type": "charge.refunded",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": f"ch_test_{contribution.pk}",
                "object": "charge",
                "amount": contribution.amount_cents if amount is None else amount,
                "amount_captured": contribution.amount_cents if amount is None else amount,
                "amount_refunded": amount_refunded,
                "currency": "eur",
                "payment_intent": f"pi_test_{contribution.pk}",
                "metadata": {"contribution_id": str(contribution.pk)},
            }
        },
    }


def post_webhook(client, event: dict, **kwargs):
    payload, header = signed(event, **kwargs)
    return client.post(
        "/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


@pytest.fixture
def card_contribution(db, fake_stripe, project):
    """A card contribution whose Checkout Session is open (at the fake Stripe)."""
    from marketplace.services.contributions import contribution_start

    return contribution_start(
        actor=None, project=project, amount_cents=2500, email="ami@example.org"
    )


@pytest.fixture
def paid_contribution_factory(db, coordinator):
    """Money received by hand: the shortest way to fill a fund."""
    from marketplace.services.contributions import contribution_manual_create

    counter = itertools.count(1)

    def make(*, project=None, amount_cents=10_000, public=True, name="Camille", **kwargs):
        from django.utils import timezone

        return contribution_manual_create(
            actor=coordinator,
            project=project,
            method="cash",
            amount_cents=amount_cents,
            received_on=timezone.localdate(),
            reference=kwargs.pop("reference", f"CASH-{next(counter)}-{next(_ids)}"),
            name=name,
            public=public,
            **kwargs,
        )

    return make
