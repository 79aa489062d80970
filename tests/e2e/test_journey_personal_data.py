"""Journey: a member downloads their data and asks for erasure; the coordinator finds
both in the audit journal."""

import io
import json
import pathlib
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_downloads_then_erases_their_data_and_the_journal_shows_it(
    open_page, live_server, colleges, coordinator
):
    # Given Alice, a member
    alice = UserFactory(email="alice@example.org", first_name="Alice", last_name="Martin")
    MembershipFactory(user=alice, college=colleges["fondateurs"], shares=1)
    as_alice = open_page(alice)

    # When she opens "My data" from the account menu and downloads the archive
    as_alice.goto(live_server.url + "/")
    as_alice.get_by_role("navigation", name="Your account").get_by_role(
        "link", name="My data"
    ).click()
    expect(as_alice.get_by_role("heading", level=1)).to_have_text("My data")
    assert_accessible(as_alice)
    with as_alice.expect_download() as download:
        as_alice.get_by_role("button", name="Download my data (zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(pathlib.Path(download.value.path()).read_bytes()))
    data = json.loads(archive.read("data.json"))
    assert data["governance"]["membership"][0]["shares_held"] == 1

    # And asks for erasure, confirming with her password
    as_alice.get_by_role("link", name="Ask for the erasure of my data").click()
    expect(as_alice.get_by_text("This cannot be undone.")).to_be_visible()
    assert_accessible(as_alice)
    as_alice.get_by_label("Your password").fill(PASSWORD)
    as_alice.get_by_label("I understand that my account will be closed").check()
    as_alice.get_by_role("button", name="Erase my data and close my account").click()

    # Then she is logged out with a goodbye
    expect(as_alice.get_by_text("Your personal data has been erased. Goodbye.")).to_be_visible()
    account_menu = as_alice.get_by_role("navigation", name="Your account")
    expect(account_menu.get_by_role("link", name="Log in")).to_be_visible()

    # And the coordinator finds both events in the journal
    as_coordinator = open_page(coordinator)
    as_coordinator.goto(live_server.url + "/journal/")
    assert_accessible(as_coordinator)
    as_coordinator.get_by_label("Action", exact=True).fill("privacy.")
    as_coordinator.get_by_role("button", name="Filter").click()
    expect(as_coordinator.get_by_role("rowheader", name="privacy.erase")).to_be_visible()
    expect(as_coordinator.get_by_role("rowheader", name="privacy.export")).to_be_visible()
    expect(as_coordinator.get_by_text("Alice")).to_have_count(0)
    assert_accessible(as_coordinator)
