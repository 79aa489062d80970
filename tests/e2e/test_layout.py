"""Navigation and layout in a real browser: the seven-section menu on a phone (a
disclosure button that works with and without JavaScript) and on a desktop, no
horizontal scrolling at 375 px, the member dashboard, htmx filters with and without
JavaScript. axe runs on the menu and the dashboard at both sizes."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from governance.assemblies.models import Assembly
from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible
from tests.factories import (
    ExchangeFactory,
    ListingFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = [
    "Home",
    "Pioneers",
    "Projects",
    "Commons",
    "Votes",
    "Marketplace",
    "Cooperative",
    "Contribute",
]
LONG = "Réemploi-des-matériaux-de-construction-intercommunautaire-et-solidaire"

# The main pages a member goes through (the map has its own test).
MAIN_PAGES = [
    "/",
    "/tableau-de-bord/",
    "/pionniers/",
    "/projets/",
    "/projets/classement/",
    "/membres/votes/",
    "/marche/",
    "/marche/echanges/",
    "/heures/",
    "/a-propos/",
    "/membres/",
    "/membres/colleges/",
    "/membres/assemblees/",
    "/fonds/",
    "/contribuer/",
]


@pytest.fixture
def busy_member(colleges):
    """A member with something in every panel of the dashboard, and long names."""
    user = UserFactory(email="camille@example.org", first_name="Camille", last_name="Lefèvre")
    membership = MembershipFactory(user=user, college=colleges["fondateurs"], shares=1)
    project = ProjectFactory(title=f"Projet {LONG}", status="submitted")
    project.authors.add(user)
    VoteFactory(title=f"Scrutin {LONG}")
    Assembly.objects.create(
        title="Assemblée générale ordinaire",
        date=timezone.now() + datetime.timedelta(days=20),
        status="convened",
    )
    listing = ListingFactory(owner=membership, title=f"Atelier {LONG}")
    ExchangeFactory(listing=listing, status="proposed")
    ListingFactory(title="Cours de couture", kind="request")
    return user


def _main_menu(page):
    return page.get_by_role("navigation", name="Main navigation")


def test_on_a_phone_the_menu_folds_behind_a_button(open_page, live_server, busy_member):
    page = open_page(busy_member, viewport=PHONE)
    page.goto(live_server.url + "/")
    menu = _main_menu(page)
    expect(menu).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link")).to_have_text(SECTIONS)
    assert_accessible(page)  # the open menu, on a phone
    menu.get_by_role("link", name="Marketplace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Marketplace")
    expect(_main_menu(page)).to_be_hidden()  # a new page starts with the menu folded
    sub = page.get_by_role("navigation", name="In the section Marketplace")
    expect(sub.locator('[aria-current="page"]')).to_have_text("Listings")
    sub.get_by_role("link", name="My exchanges").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My exchanges")
    assert_accessible(page)


def test_on_a_phone_the_menu_opens_without_javascript(browser, live_server, settings):
    context = browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        expect(_main_menu(page)).to_be_hidden()
        page.get_by_text("Menu", exact=True).click()
        _main_menu(page).get_by_role("link", name="Projects").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("projects")
    finally:
        context.close()


def test_on_a_desktop_the_menu_is_always_shown(open_page, live_server, busy_member):
    page = open_page(busy_member, viewport=DESKTOP)
    page.goto(live_server.url + "/membres/colleges/")
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    menu = _main_menu(page)
    expect(menu.get_by_role("link")).to_have_text(SECTIONS)
    expect(menu.locator('[aria-current="true"]')).to_have_text("Cooperative")
    sub = page.get_by_role("navigation", name="In the section Cooperative")
    expect(sub.locator('[aria-current="page"]')).to_have_text("Colleges")
    assert_accessible(page)
    # The dashboard from the account menu.
    page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name="My dashboard"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My dashboard")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_dashboard_shows_each_panel(open_page, live_server, busy_member, viewport):
    page = open_page(busy_member, viewport=viewport)
    page.goto(live_server.url + "/tableau-de-bord/")
    for title in (
        "My membership and duties",
        "My hours",
        "Votes awaiting my ballot",
        "Exchanges waiting for me",
        "Assemblies to come",
        "My projects",
        "My contributions",
    ):
        expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
    expect(page.get_by_role("link", name=f"Scrutin {LONG}")).to_be_visible()
    expect(page.get_by_role("link", name=f"Atelier {LONG}")).to_be_visible()
    assert_accessible(page)


def test_no_main_page_scrolls_sideways_on_a_phone(open_page, live_server, busy_member):
    page = open_page(busy_member, viewport=PHONE)
    too_wide = {}
    for path in MAIN_PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
    assert too_wide == {}


def test_listing_filters_update_in_place_with_htmx(open_page, live_server, busy_member):
    page = open_page(busy_member, viewport=PHONE)
    page.goto(live_server.url + "/marche/")
    page.evaluate("window.__same_document = true")
    page.get_by_label("Kind").select_option("request")
    expect(page.get_by_role("link", name="Cours de couture")).to_be_visible()
    expect(page.get_by_role("link", name=f"Atelier {LONG}")).to_be_hidden()
    assert page.evaluate("window.__same_document === true")  # no page load: htmx swapped
    assert "kind=request" in page.url  # the address follows, to share or reload
    expect(page.get_by_role("status").filter(has_text="1 listing")).to_be_attached()
    assert_accessible(page)


def test_listing_filters_work_without_javascript(browser, live_server, settings, colleges):
    ListingFactory(title="Cours de couture", kind="request")
    ListingFactory(title="Taille des haies", kind="offer")
    context = browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/marche/")
        page.get_by_label("Kind").select_option("offer")
        page.get_by_role("button", name="Filter").click()
        expect(page.get_by_role("link", name="Taille des haies")).to_be_visible()
        expect(page.get_by_role("link", name="Cours de couture")).to_be_hidden()
        assert "kind=offer" in page.url
    finally:
        context.close()


def _grade_all(page, grade="Bien"):  # the factory's grades are French labels
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label(grade, exact=True).check()


def test_the_ballot_is_cast_in_place_with_htmx(open_page, live_server, busy_member):
    vote = busy_member_vote()
    page = open_page(busy_member, viewport=PHONE)
    page.goto(f"{live_server.url}/membres/votes/{vote.pk}/bulletin/")
    page.evaluate("window.__same_document = true")
    _grade_all(page)
    page.get_by_role("button", name="Cast my ballot").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Your ballot is cast")
    expect(heading).to_be_focused()  # told what changed
    assert page.evaluate("window.__same_document === true")
    assert page.title() == "Your receipt · Terreau"
    assert_accessible(page)


def test_the_ballot_is_cast_without_javascript(browser, live_server, settings, busy_member):
    from django.test import Client

    vote = busy_member_vote()
    client = Client()
    client.force_login(busy_member)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    context.add_cookies(
        [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
            {"name": session.key, "value": session.value, "url": live_server.url},
        ]
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/membres/votes/{vote.pk}/bulletin/")
        _grade_all(page)
        page.get_by_role("button", name="Cast my ballot").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot is cast")
    finally:
        context.close()


def busy_member_vote():
    from governance.models import Vote

    return Vote.objects.get(title=f"Scrutin {LONG}")
