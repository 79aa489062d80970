"""Journey 2: a pioneer fills their profile, then appears on the map and in the directory."""

import re

import pytest
from playwright.sync_api import expect

from pioneers.models import Theme, Visibility
from tests.e2e.conftest import LANGUAGE_AND_SCREEN, assert_accessible, in_language
from tests.factories import MembershipFactory, PioneerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Everything that is not the live server (the map's tiles) is answered locally.
NOT_LOCAL = re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])")


def field(label: str) -> re.Pattern:
    """A form field by its whole label; required fields' labels end with « * »."""
    return re.compile(rf"^{re.escape(label)}( \*)?$")


def visit(page, url):
    page.goto(url)
    assert_accessible(page)


def _offline(page):
    page.route(NOT_LOCAL, lambda route: route.fulfill(status=204))
    return page


@LANGUAGE_AND_SCREEN
def test_a_pioneer_fills_their_profile_and_appears_on_the_map_and_in_the_directory(
    open_page, live_server, colleges, language, viewport
):
    t = in_language(language)
    theme, _ = Theme.objects.update_or_create(
        slug="energie-partagee",
        defaults={
            "label_fr": "Énergie partagée",
            "label_en": "Shared energy",
            "group": "resilience",
            "position": 1,
        },
    )
    Theme.objects.update_or_create(
        slug="eau", defaults={"label_fr": "Eau", "label_en": "Water", "group": "boundary"}
    )
    theme_label = theme.label_fr if language == "fr" else theme.label_en
    # Given Inès, just admitted: a bare profile with no place, theme or skill
    ines = UserFactory(email="ines@example.org", first_name="Inès", last_name="Roux")
    MembershipFactory(user=ines, college=colleges["beneficiaires"])
    PioneerFactory(
        user=ines,
        display_name="Inès Roux",
        solution_title="Four solaire",
        commune="",
        postcode="",
        department="",
        latitude=None,
        longitude=None,
    )
    # and another pioneer elsewhere, whom the searches must leave out
    PioneerFactory(display_name="Hugo Martin", solution_title="Grainothèque", commune="Grenoble")

    # When Inès fills her profile
    me = open_page(ines, viewport=viewport, language=language)
    visit(me, live_server.url + "/pionniers/moi/")
    expect(me.locator("html")).to_have_attribute("lang", language)
    expect(me.get_by_role("heading", level=1)).to_have_text(t("My pioneer profile"))
    me.get_by_label(field(t("Your solution, in a few words"))).fill("Four solaire partagé")
    me.get_by_label(field(t("Description of the solution"))).fill(
        "Un four solaire pour cuire le pain du quartier."
    )
    me.get_by_role("checkbox", name=theme_label, exact=True).check()
    me.get_by_label(field(t("Skills you can share"))).fill("Compostage, menuiserie")
    me.get_by_label(field(t("Commune"))).fill("Briançon")
    me.get_by_label(field(t("Postcode"))).fill("05100")
    me.get_by_label(field(t("Latitude"))).fill("44.8964")
    me.get_by_label(field(t("Longitude"))).fill("6.6356")
    me.get_by_label(field(t("Contact e-mail"))).fill("four@example.org")
    who_sees = {
        "Position on the map": Visibility.PUBLIC,
        "Commune and postcode": Visibility.PUBLIC,
        "Skills": Visibility.MEMBERS,
        "Contact e-mail": Visibility.PRIVATE,
    }
    for what, level in who_sees.items():
        me.get_by_label(t("Who sees: %(what)s", what=t(what))).select_option(str(level.value))
    assert_accessible(me)
    me.get_by_role("button", name=t("Save my profile")).click()
    expect(me.get_by_text(t("Your profile is up to date."), exact=True)).to_be_visible()
    expect(me.get_by_label(field(t("Commune")))).to_have_value("Briançon")
    assert_accessible(me)

    # Then a visitor finds her on the map: the GeoJSON loads and shows one marker per
    # pioneer with a public position, hers with a popup naming her
    visitor = _offline(open_page(viewport=viewport, language=language))
    visit(visitor, live_server.url + "/pionniers/carte/")
    expect(visitor.locator("#pioneer-map")).to_have_attribute("data-loaded", "2")
    assert_accessible(visitor)
    visit(visitor, live_server.url + "/pionniers/carte/?q=Inès")
    expect(visitor.locator("#pioneer-map")).to_have_attribute("data-loaded", "1")
    marker = visitor.locator(".leaflet-marker-icon")
    expect(marker).to_have_count(1)
    marker.click()
    popup = visitor.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link", name="Inès Roux")).to_be_visible()
    expect(popup).to_contain_text("Four solaire partagé")
    expect(popup).to_contain_text("Briançon")
    # axe reads colours: wait for the popup's fade-in to end
    expect(visitor.locator(".leaflet-popup")).to_have_css("opacity", "1")
    assert_accessible(visitor)

    # And in the directory, by her name and by her theme
    visit(visitor, live_server.url + "/pionniers/")
    expect(visitor.locator("ul.cards > li")).to_have_count(2)
    search = visitor.get_by_role("search")
    search.get_by_label(t("Search"), exact=True).fill("Inès")
    search.get_by_role("button", name=t("Search")).click()
    expect(visitor.locator("ul.cards > li")).to_have_count(1)
    expect(visitor.get_by_role("link", name="Inès Roux")).to_be_visible()
    assert_accessible(visitor)
    search.get_by_label(t("Search"), exact=True).fill("")
    search.get_by_label(t("Theme"), exact=True).select_option(label=theme_label)
    search.get_by_role("button", name=t("Search")).click()
    cards = visitor.locator("ul.cards > li")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text("Four solaire partagé")
    expect(cards.get_by_role("listitem")).to_have_text([theme_label])
    assert_accessible(visitor)

    # And her public page shows what she made public, not her members-only skills
    # nor her private contact
    cards.get_by_role("link", name="Inès Roux").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Inès Roux")
    expect(visitor.get_by_text("Briançon (05100)")).to_be_visible()
    expect(visitor.get_by_text("Compostage")).to_have_count(0)
    expect(visitor.get_by_text("four@example.org")).to_have_count(0)
    assert_accessible(visitor)
