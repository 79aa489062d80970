"""Journey 5: two members agree on an exchange and see their balances move."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import IN_BOTH_LANGUAGES, PHONE, assert_accessible, in_language
from tests.factories import ListingFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page, url):
    page.goto(url)
    assert_accessible(page)


@IN_BOTH_LANGUAGES
def test_two_members_agree_on_an_exchange_and_their_balances_move(
    open_page, live_server, colleges, language
):
    t = in_language(language)
    # Given Alice offers 1 h 30 of gardening and Bob is another member
    alice = UserFactory(email="alice@example.org", first_name="Alice", last_name="Martin")
    bob = UserFactory(email="bob@example.org", first_name="Bob", last_name="Durand")
    alice_membership = MembershipFactory(user=alice, college=colleges["fondateurs"])
    MembershipFactory(user=bob, college=colleges["fondateurs"])
    ListingFactory(owner=alice_membership, title="Aide au jardin", estimated_minutes=90)
    as_alice = open_page(alice, language=language)
    as_bob = open_page(bob, viewport=PHONE, language=language)

    # When Bob finds the listing on the marketplace (on his phone) and answers it
    visit(as_bob, live_server.url + "/marche/")
    expect(as_bob.locator("html")).to_have_attribute("lang", language)
    as_bob.get_by_role("link", name="Aide au jardin").click()
    expect(as_bob.get_by_role("heading", level=1)).to_have_text("Aide au jardin")
    assert_accessible(as_bob)
    as_bob.get_by_label(t("Minutes you propose")).fill("90")
    as_bob.get_by_label(t("Message")).fill("Samedi matin ?")
    as_bob.get_by_role("button", name=t("Send my answer")).click()
    expect(as_bob.get_by_role("heading", level=1)).to_contain_text("Aide au jardin")
    assert_accessible(as_bob)

    # And Alice accepts it from her exchanges, then marks it done once given
    visit(as_alice, live_server.url + "/marche/echanges/")
    as_alice.get_by_role("rowheader").get_by_role("link", name="Aide au jardin").click()
    expect(as_alice.get_by_text("Samedi matin ?")).to_be_visible()
    assert_accessible(as_alice)
    as_alice.get_by_role("button", name=t("Accept")).click()
    expect(as_alice.get_by_text(t("Exchange accepted."))).to_be_visible()
    assert_accessible(as_alice)
    as_alice.get_by_role("button", name=t("Mark as done")).click()
    expect(as_alice.get_by_text(t("Marked as done: the other party will confirm."))).to_be_visible()
    assert_accessible(as_alice)

    # And Bob, who received the time, confirms it
    as_bob.reload()
    as_bob.get_by_role("button", name=t("Confirm and transfer the hours")).click()
    expect(as_bob.get_by_text(t("Confirmed: the hours have been transferred."))).to_be_visible()
    assert_accessible(as_bob)

    # Then each sees the balance moved on their hours page
    visit(as_alice, live_server.url + "/heures/")
    expect(as_alice.locator("dl.figures dd").first).to_have_text("1\u00a0h\u00a030")
    visit(as_bob, live_server.url + "/heures/")
    expect(as_bob.locator("dl.figures dd").first).to_have_text("−1\u00a0h\u00a030")
