"""Journey (issue 15): the jardinier's door, subscribing one share online, and the page
« Fonctionnement de la fédération ».

A pioneer writes to the jardinier, the coordinator answers from the inbox, the pioneer
reads the answer; a newcomer subscribes one share through the local fake Stripe
Checkout (tests/stripe_fake.py) and the duty « souscrire » turns green. axe on each page.
"""

import pytest
from playwright.sync_api import expect

from governance.models import ShareSubscription
from governance.threads.models import CoordinatorThread, ThreadStatus
from tests.e2e.conftest import (
    DESKTOP,
    IN_BOTH_LANGUAGES,
    LANGUAGE_AND_SCREEN,
    PHONE,
    assert_accessible,
    in_language,
)
from tests.factories import MembershipFactory, PioneerFactory, UserFactory
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
    settings.SITE_URL = live_server.url
    return fake


@IN_BOTH_LANGUAGES
def test_a_pioneer_writes_to_the_jardinier_who_answers(
    open_page, live_server, coordinator, colleges, language
):
    t = in_language(language)
    user = UserFactory(email="ines@example.org", first_name="Inès", language=language)
    MembershipFactory(user=user, college=colleges["beneficiaires"], shares=1)
    PioneerFactory(user=user, display_name="Inès")
    pioneer = open_page(user, viewport=PHONE, language=language)

    # Given the pioneer's dashboard, with the jardinier's door
    pioneer.goto(live_server.url + "/tableau-de-bord/")
    pioneer.get_by_role("link", name=t("Write to the jardinier")).first.click()
    expect(pioneer.get_by_role("heading", level=1)).to_have_text(t("New message to the jardinier"))
    assert_accessible(pioneer)

    # When she writes
    pioneer.get_by_label(t("Subject")).fill("Mon atelier vélo")
    pioneer.get_by_label(t("Your message")).fill("Par où commencer ?")
    pioneer.get_by_role("button", name=t("Send")).click()
    expect(pioneer.get_by_role("heading", level=1)).to_have_text("Mon atelier vélo")
    expect(pioneer.get_by_test_id("thread-status")).to_have_text(
        t("Open, awaiting the coordinator")
    )
    assert_accessible(pioneer)
    thread = CoordinatorThread.objects.get()

    # Then the coordinator sees it in the inbox, with the count in the menu, and answers
    boss = open_page(coordinator, viewport=DESKTOP, language=language)
    boss.goto(live_server.url + "/membres/jardinier/")
    expect(boss.get_by_test_id("menu-badge")).to_contain_text("1")
    assert_accessible(boss)
    boss.get_by_role("link", name="Mon atelier vélo").click()
    boss.get_by_label(t("Your answer")).fill("Déposez-le depuis « Proposer un projet ».")
    boss.get_by_role("button", name=t("Send")).click()
    expect(boss.get_by_test_id("thread-status")).to_have_text(t("Answered"))
    assert_accessible(boss)

    # And the pioneer reads the answer
    pioneer.goto(live_server.url + f"/membres/jardinier/{thread.pk}/")
    expect(pioneer.get_by_text("Déposez-le depuis « Proposer un projet ».")).to_be_visible()
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.ANSWERED

    # And the federation page shows the median first-answer time, without names
    pioneer.goto(live_server.url + "/membres/fonctionnement/")
    expect(pioneer.get_by_role("heading", level=1)).to_have_text(t("How the federation works"))
    expect(pioneer.get_by_test_id("median-answer")).not_to_have_text(t("no answered message yet"))
    assert_accessible(pioneer)


@LANGUAGE_AND_SCREEN
def test_a_newcomer_subscribes_one_share_by_card_and_the_duty_turns_green(
    open_page, live_server, fake_stripe, colleges, language, viewport
):
    t = in_language(language)
    newcomer = UserFactory(email="nouvelle@example.org", language=language)
    visitor = open_page(newcomer, viewport=viewport, language=language)

    visitor.goto(live_server.url + "/membres/souscrire/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(t("Subscribe to the cooperative"))
    assert_accessible(visitor)
    visitor.get_by_label(t("Number of shares")).fill("1")
    visitor.get_by_label(t("College")).select_option("fondateurs")
    visitor.get_by_label(t("By card")).check()
    visitor.get_by_role("button", name=t("Subscribe")).click()

    # The fake Stripe Checkout asks for one share (50 €) and she pays
    expect(visitor.get_by_role("heading", name="Fake Stripe Checkout")).to_be_visible()
    expect(visitor.get_by_test_id("amount")).to_have_text("50.00 EUR")
    visitor.get_by_role("button", name="Pay").click()

    # Back on Terreau the signed webhook has already paid the share
    expect(visitor.get_by_role("heading", level=1)).to_have_text(t("Subscribe to the cooperative"))
    expect(visitor.get_by_test_id("subscription-status")).to_have_text(t("Paid up"))
    subscription = ShareSubscription.objects.get()
    assert subscription.paid_on is not None
    assert subscription.membership.shares_held == 1

    # And on « My rights and duties » the duty « souscrire » is met
    visitor.goto(live_server.url + "/membres/")
    duty = visitor.locator(".duty").filter(
        has_text=t("Subscribe at least the minimum number of shares")
    )
    expect(duty).to_have_class("duty duty-met")
    assert_accessible(visitor)
