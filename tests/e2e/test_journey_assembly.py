"""Journey 7: the coordinator convenes and opens an assembly, members vote a resolution
(one by proxy) on the live vote page, and the minutes show the result."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from governance.assemblies.services import assembly_create, resolution_create
from governance.models import CooperativeSettings
from tests.e2e.conftest import IN_BOTH_LANGUAGES, PHONE, assert_accessible, in_language
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _member(email, first_name, colleges):
    user = UserFactory(email=email, first_name=first_name, last_name="Test")
    return MembershipFactory(user=user, college=colleges["fondateurs"], shares=1)


@IN_BOTH_LANGUAGES
def test_members_vote_a_resolution_in_assembly_one_by_proxy(
    open_page, live_server, coordinator, colleges, language
):
    t = in_language(language)
    # Given an assembly held today (the notice period set to none so that it can be
    # convened and opened within the test) with one resolution on its agenda
    settings_row = CooperativeSettings.load()
    settings_row.assembly_notice_days = 0
    settings_row.save()
    alice = _member("alice@example.org", "Alice", colleges)
    bob = _member("bob@example.org", "Bob", colleges)
    claire = _member("claire@example.org", "Claire", colleges)
    assembly = assembly_create(
        actor=coordinator,
        title="Assemblée générale 2026",
        date=timezone.now() - datetime.timedelta(minutes=5),
        place="Die",
    )
    resolution_create(
        actor=coordinator,
        assembly=assembly,
        title="Approbation des comptes",
        text="L'assemblée approuve les comptes de l'exercice.",
    )
    detail_url = f"{live_server.url}/membres/assemblees/{assembly.pk}/"
    boss = open_page(coordinator, language=language)
    as_alice = open_page(alice.user, language=language)
    as_bob = open_page(bob.user, viewport=PHONE, language=language)
    as_claire = open_page(claire.user, language=language)

    # When the coordinator convenes the members from the console
    boss.goto(detail_url)
    expect(boss.locator("html")).to_have_attribute("lang", language)
    assert_accessible(boss)
    boss.get_by_role("link", name=t("Coordinator's console")).click()
    boss.get_by_role("button", name=t("Convene the members")).click()
    expect(boss.get_by_text(t("Members are being convened by e-mail."))).to_be_visible()
    expect(boss.get_by_role("button", name=t("Open the assembly"))).to_be_visible()
    expect(boss.locator("main")).to_contain_text(t("Convened"))
    assert_accessible(boss)

    # And Claire, who cannot come, gives her proxy to Bob
    as_claire.goto(detail_url)
    assert_accessible(as_claire)
    as_claire.get_by_label(t("Give my proxy to")).select_option(str(bob.pk))
    as_claire.get_by_role("button", name=t("Give my proxy")).click()
    expect(as_claire.get_by_text(t("Your proxy is recorded."))).to_be_visible()
    assert_accessible(as_claire)

    # And the coordinator opens the assembly
    boss.get_by_role("button", name=t("Open the assembly")).click()
    expect(boss.get_by_text(t("The assembly is open."))).to_be_visible()

    # And Alice and Bob check in (Claire is represented): the quorum is reached
    for page in (as_alice, as_bob):
        page.goto(detail_url)
        page.get_by_role("button", name=t("I am here")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Vote on the resolutions"))
        expect(page.get_by_text(t("No resolution is open for the vote right now."))).to_be_visible()

    # And the coordinator opens the resolution's vote
    boss.reload()
    boss.get_by_role("button", name=t("Open the vote")).click()
    expect(boss.get_by_text(t("Vote opened."))).to_be_visible()
    assert_accessible(boss)

    # And they vote on the live vote page, Bob for Claire too
    for page in (as_alice, as_bob):
        page.reload()
        expect(page.get_by_role("group", name=t("My vote"))).to_be_visible()
        assert_accessible(page)
    mine = as_alice.get_by_role("group", name=t("My vote"))
    mine.get_by_label(t("Yes")).check()
    mine.get_by_role("button", name=t("Vote")).click()
    expect(as_alice.get_by_text(t("Vote recorded."))).to_be_visible()
    as_bob.get_by_role("group", name=t("My vote")).get_by_label(t("Yes")).check()
    as_bob.get_by_role("group", name=t("My vote")).get_by_role("button", name=t("Vote")).click()
    expect(as_bob.get_by_text(t("Vote recorded."))).to_be_visible()
    for_claire = as_bob.get_by_role("group", name=t("For %(name)s (proxy)", name="Claire Test"))
    for_claire.get_by_label(t("No")).check()
    for_claire.get_by_role("button", name=t("Vote")).click()
    expect(
        as_bob.get_by_role("group", name=t("For %(name)s (proxy)", name="Claire Test"))
    ).to_contain_text(t("recorded:") + " " + t("No"))
    assert_accessible(as_bob)

    # And the coordinator closes the vote
    boss.reload()
    boss.get_by_role("button", name=t("Close the vote")).click()
    expect(boss.get_by_text(t("Vote closed."))).to_be_visible()

    # Then the minutes show the resolution adopted, two yes against one no by proxy
    for page in (boss, as_claire):
        page.goto(detail_url)
        page.get_by_role("link", name=t("Minutes")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            t("Minutes of the general assembly")
        )
        expect(page.get_by_role("heading", name="1. Approbation des comptes")).to_be_visible()
        expect(page.get_by_text(t("Adopted"))).to_be_visible()
        assert_accessible(page)
