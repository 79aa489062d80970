"""Journey 1: a visitor signs up, confirms the e-mail, applies to become a pioneer; the
coordinator admits them."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from governance.models import Membership
from tests.e2e.conftest import DESKTOP, LANGUAGE_AND_SCREEN, PHONE, assert_accessible, in_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "ines@example.org"
PASSWORD = "une-graine-de-courage-2026"


def _confirmation_link() -> str:
    # The live server runs in the test's process and tasks run eagerly: the mail is
    # in the test outbox as soon as the signup's answer page is shown.
    (message,) = [m for m in mail.outbox if EMAIL in m.to]
    return re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)


@LANGUAGE_AND_SCREEN
def test_a_visitor_signs_up_applies_and_is_admitted(
    open_page, live_server, coordinator, colleges, language, viewport
):
    t = in_language(language)
    visitor = open_page(viewport=viewport, language=language)

    # When a visitor signs up
    visitor.goto(live_server.url + "/pionniers/devenir-pionnier/")
    expect(visitor.locator("html")).to_have_attribute("lang", language)
    assert_accessible(visitor)
    visitor.get_by_role("link", name=t("Sign up")).first.click()
    visitor.get_by_label(t("Email")).fill(EMAIL)
    visitor.get_by_label(re.compile(rf"^{re.escape(t('Password'))}[\s:]*$")).fill(PASSWORD)
    visitor.get_by_label(t("Password (again)")).fill(PASSWORD)
    assert_accessible(visitor)
    visitor.get_by_role("button", name=t("Sign Up")).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(t("Verify Your Email Address"))
    assert_accessible(visitor)

    # And confirms the address with the link of the e-mail
    visitor.goto(_confirmation_link())
    assert_accessible(visitor)
    visitor.get_by_role("button", name=t("Confirm")).click()
    expect(visitor.get_by_role("button", name=t("Log out"))).to_be_attached()

    # And sends a pioneer application
    visitor.goto(live_server.url + "/pionniers/devenir-pionnier/")
    visitor.get_by_label(t("Your name as pioneers will see it")).fill("Inès Roux")
    visitor.get_by_label(t("Your solution, in a few words")).fill("Four solaire partagé")
    visitor.get_by_label(t("Describe your solution")).fill("Un four solaire pour le quartier.")
    visitor.get_by_label(t("Commune")).fill("Briançon")
    assert_accessible(visitor)
    visitor.get_by_role("button", name=t("Send my application")).click()
    expect(visitor.get_by_role("button", name=t("Update my application"))).to_be_visible()
    assert_accessible(visitor)

    # Then the coordinator finds the application and admits her
    boss = open_page(
        coordinator, viewport=DESKTOP if viewport == PHONE else PHONE, language=language
    )
    boss.goto(live_server.url + "/pionniers/candidatures/")
    assert_accessible(boss)
    boss.get_by_role("link", name="Inès Roux").first.click()
    expect(boss.get_by_role("heading", level=1)).to_have_text(
        t("Application of %(name)s", name="Inès Roux")
    )
    assert_accessible(boss)
    boss.get_by_label(t("Admit into the pioneers' college")).check()
    boss.get_by_label(t("Reason (sent to the candidate)")).fill("Une solution exemplaire.")
    boss.get_by_role("button", name=t("Record the decision")).click()
    expect(
        boss.get_by_text(t("The decision was recorded and e-mailed to the candidate."))
    ).to_be_visible()
    assert_accessible(boss)

    # And she is a member of the pioneers' college, told by e-mail
    membership = Membership.objects.get(user__email=EMAIL)
    assert membership.college == colleges["beneficiaires"]
    assert any(EMAIL in m.to and m is not mail.outbox[0] for m in mail.outbox)
