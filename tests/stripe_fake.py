"""A local fake of the part of Stripe Terreau uses, served over HTTP by pytest-httpserver.

Terreau talks to it through the real ``stripe`` library (``STRIPE_API_BASE`` points the
library here). It answers ``POST /v1/checkout/sessions`` like Stripe (the same
Idempotency-Key gives the same session back) and, for the browser journeys, serves the
Checkout page itself: the session's ``url`` opens a local page whose « Pay » button
marks the session paid, delivers the signed ``checkout.session.completed`` event to
the site's webhook (as Stripe does, from its own servers) and sends the browser back to
the ``success_url``; « Cancel » goes back to the ``cancel_url``.
"""

import html
import itertools
import json
import re
import time
import urllib.request
from dataclasses import dataclass, field

import stripe
from werkzeug import Request, Response

WEBHOOK_SECRET = "whsec_test_terreau_secret"
SECRET_KEY = "sk_test_terreau"
_ids = itertools.count(1)

CHECKOUT_PAGE = re.compile(r"^/c/pay/(cs_test_\d+)$")
CHECKOUT_PAY = re.compile(r"^/c/pay/(cs_test_\d+)/(pay|cancel)$")


def signed(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """The payload and ``Stripe-Signature`` header Stripe would send for this event."""
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    return payload, header


@dataclass
class FakeStripe:
    """Checkout Sessions kept in memory; ``checkout_base`` is where their pages live."""

    sessions: list[dict] = field(default_factory=list)
    idempotency_keys: list[str] = field(default_factory=list)
    fail_next: int = 0
    by_key: dict[str, dict] = field(default_factory=dict)
    by_id: dict[str, dict] = field(default_factory=dict)
    checkout_base: str = "https://checkout.stripe.com"
    webhook_url: str = ""
    webhook_secret: str = WEBHOOK_SECRET
    delivered: list[tuple[dict, int]] = field(default_factory=list)

    # ------------------------------------------------------------------ API

    def handle(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return Response(json.dumps({"error": {"type": "authentication_error"}}), 401)
        if self.fail_next:
            self.fail_next -= 1
            body = {"error": {"type": "invalid_request_error", "message": "Refused by the fake"}}
            return Response(json.dumps(body), 400, content_type="application/json")
        key = request.headers.get("Idempotency-Key", "")
        self.idempotency_keys.append(key)
        if key in self.by_key:  # Stripe answers a repeated key with the first result
            return Response(json.dumps(self.by_key[key]), 200, content_type="application/json")
        form = request.form.to_dict()
        number = next(_ids)
        session = {
            "id": f"cs_test_{number}",
            "object": "checkout.session",
            "url": f"{self.checkout_base}/c/pay/cs_test_{number}",
            "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
            "currency": form["line_items[0][price_data][currency]"],
            "client_reference_id": form.get("client_reference_id"),
            "status": "open",
            "payment_status": "unpaid",
        }
        self.sessions.append(form)
        self.by_key[key] = session
        self.by_id[session["id"]] = {"session": session, "form": form}
        return Response(json.dumps(session), 200, content_type="application/json")

    # ------------------------------------------------------------------ Checkout pages

    def checkout_page(self, request: Request) -> Response:
        session_id = CHECKOUT_PAGE.match(request.path).group(1)
        found = self.by_id.get(session_id)
        if found is None:
            return Response("No such session", 404)
        session, form = found["session"], found["form"]
        euros = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
        product = html.escape(form.get("line_items[0][price_data][product_data][name]", ""))
        page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fake Stripe Checkout</title></head>
<body><main>
<h1>Fake Stripe Checkout</h1>
<p data-testid="product">{product}</p>
<p data-testid="amount">{euros}</p>
<form method="post" action="/c/pay/{session_id}/pay"><button type="submit">Pay</button></form>
<form method="post" action="/c/pay/{session_id}/cancel"><button type="submit">Cancel</button></form>
</main></body></html>"""
        return Response(page, 200, content_type="text/html; charset=utf-8")

    def checkout_action(self, request: Request) -> Response:
        session_id, action = CHECKOUT_PAY.match(request.path).groups()
        found = self.by_id.get(session_id)
        if found is None:
            return Response("No such session", 404)
        session, form = found["session"], found["form"]
        if action == "cancel":
            return Response("", 303, headers={"Location": form["cancel_url"]})
        session.update(status="complete", payment_status="paid")
        if self.webhook_url:
            self.deliver(self.completed_event(session_id))
        success = form["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        return Response("", 303, headers={"Location": success})

    def completed_event(self, session_id: str) -> dict:
        found = self.by_id[session_id]
        session, form = found["session"], found["form"]
        metadata = {
            key[len("metadata[") : -1]: value
            for key, value in form.items()
            if key.startswith("metadata[")
        }
        return {
            "id": f"evt_test_{next(_ids)}",
            "object": "event",
            "type": "checkout.session.completed",
            "created": int(time.time()),
            "livemode": False,
            "data": {
                "object": {
                    **session,
                    "metadata": metadata,
                    "payment_intent": f"pi_test_{session_id}",
                }
            },
        }

    def deliver(self, event: dict) -> int:
        """POST the event, signed, to the site's webhook; the answer's status is kept."""
        payload, header = signed(event, secret=self.webhook_secret)
        request = urllib.request.Request(  # noqa: S310 (the live server's http address)
            self.webhook_url,
            data=payload.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status = response.status
        self.delivered.append((event, status))
        return status


def install(httpserver, fake: FakeStripe) -> FakeStripe:
    """Route the pytest-httpserver's requests to the fake (API and Checkout pages)."""
    httpserver.expect_request("/v1/checkout/sessions", method="POST").respond_with_handler(
        fake.handle
    )
    httpserver.expect_request(CHECKOUT_PAGE, method="GET").respond_with_handler(fake.checkout_page)
    httpserver.expect_request(CHECKOUT_PAY, method="POST").respond_with_handler(
        fake.checkout_action
    )
    return fake
