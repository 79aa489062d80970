"""Journey 6: a visitor makes a free-price contribution and sees it on the funds page.

Stripe is a local fake over HTTP (tests/stripe_fake.py), reached by the real ``stripe``
library through ``STRIPE_API_BASE``: it opens the Checkout Session, serves the Checkout
page whose « Pay » delivers the signed ``checkout.session.completed`` to the live
server's webhook, then sends the browser back to the success page.
"""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from backend.core.money import format_cents
from marketplace.models import Contribution, StripeEvent
from tests.e2e.conftest import LANGUAGE_AND_SCREEN, assert_accessible, in_language
from tests.factories import ProjectFactory
from tests.stripe_fake import SECRET_KEY, WEBHOOK_SECRET, FakeStripe, install

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fake_stripe(httpserver, settings, live_server):
    fake = install(
        httpserver,
        FakeStripe(
            checkout_base=httpserver.url_for("/").rstrip("/"),
            webhook_url=live_server.url + "/stripe/webhook/",
        ),
    )
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_API_BASE = httpserver.url_for("/").rstrip("/")
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    # Stripe's success_url and cancel_url are built on SITE_URL: the live server here.
    settings.SITE_URL = live_server.url
    return fake


def euros(cents: int, language: str) -> str:
    with translation.override(language):
        return format_cents(cents)


@LANGUAGE_AND_SCREEN
def test_a_visitor_contributes_at_a_free_price_and_sees_it_on_the_funds_page(
    open_page, live_server, fake_stripe, language, viewport
):
    t = in_language(language)
    ProjectFactory(title="Atelier vélo", slug="atelier-velo", status="selected")
    visitor = open_page(viewport=viewport, language=language)

    # Given the public funds page, where nothing was received yet
    visitor.goto(live_server.url + "/fonds/")
    expect(visitor.locator("html")).to_have_attribute("lang", language)
    expect(visitor.get_by_text(t("No contribution yet: be the first!"))).to_be_visible()
    assert_accessible(visitor)

    # When a visitor chooses 30 € for the bicycle workshop, by card, shown publicly
    visitor.goto(live_server.url + "/contribuer/projet/atelier-velo/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        t("Support “%(title)s”", title="Atelier vélo")
    )
    assert_accessible(visitor)
    visitor.get_by_label(t("Another amount"), exact=True).check()
    visitor.get_by_label(t("Another amount, in euros")).fill("30")
    expect(visitor.get_by_label(t("By card (Stripe)"))).to_be_checked()
    visitor.get_by_label(t("Your e-mail address, for the receipt")).fill("camille@example.org")
    visitor.get_by_label(t("Your name (optional)")).fill("Camille")
    visitor.get_by_label(t("A message (optional)")).fill("Pour les vélos du quartier")
    visitor.get_by_label(t("Show my name and message on the public funds page")).check()
    visitor.get_by_role("button", name=t("Contribute")).click()

    # Then Stripe's (fake) Checkout asks for 30 € for the project, and she pays
    expect(visitor.get_by_role("heading", name="Fake Stripe Checkout")).to_be_visible()
    expect(visitor.get_by_test_id("amount")).to_have_text("30.00 EUR")
    expect(visitor.get_by_test_id("product")).to_contain_text("Atelier vélo")
    visitor.get_by_role("button", name="Pay").click()

    # And back on Terreau the contribution is already confirmed by the signed webhook
    expect(visitor.get_by_role("heading", level=1)).to_have_text(t("Your contribution"))
    expect(
        visitor.get_by_text(t("Thank you! We received %(amount)s.", amount=euros(3000, language)))
    ).to_be_visible()
    assert_accessible(visitor)
    contribution = Contribution.objects.get()
    assert (contribution.status, contribution.amount_received_cents) == ("paid", 3000)
    assert contribution.language == language
    assert [status for _event, status in fake_stripe.delivered] == [200]
    assert StripeEvent.objects.get().outcome == "applied"

    # And the funds page shows her name, the amount and her message
    visitor.goto(live_server.url + "/fonds/")
    latest = visitor.locator("ul.contributions li")
    expect(latest).to_have_count(1)
    expect(latest).to_contain_text("Camille")
    expect(latest).to_contain_text(euros(3000, language))
    expect(latest).to_contain_text("Pour les vélos du quartier")
    expect(visitor.get_by_role("row", name="Atelier vélo")).to_contain_text(euros(3000, language))
    assert_accessible(visitor)
