"""Journey: a pioneer fills their yearly compasses, the coordinator validates them, and
the observatory shows the new figure after the refresh (axe on every page)."""

import re

import pytest
from playwright.sync_api import expect

from observatory.models import Assessment, Respondent
from observatory.services import grid_default_ensure
from territories.services import territories_load
from tests.e2e.conftest import DESKTOP, IN_BOTH_LANGUAGES, PHONE, assert_accessible, in_language
from tests.factories import MembershipFactory, PioneerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page, url):
    # The first request of a live server imports and compiles everything: a loaded
    # machine may need more than the default 10 s for it.
    page.goto(url, timeout=60_000)
    assert_accessible(page)


@IN_BOTH_LANGUAGES
def test_compasses_filled_validated_and_shown_in_the_observatory(
    open_page, live_server, colleges, coordinator, language
):
    t = in_language(language)
    territories_load()  # a transactional test before may have emptied the tables
    grid = grid_default_ensure()
    ines = UserFactory(email="ines@example.org", first_name="Inès", last_name="Roux")
    MembershipFactory(user=ines, college=colleges["beneficiaires"])
    pioneer = PioneerFactory(
        user=ines,
        display_name="Inès Roux",
        solution_title="Four solaire",
        commune="Die",
        postcode="26150",
        territory_id="com-26113",
        location_visibility=0,
    )
    asked = [i for i in grid.indicators.all() if i.respondent == Respondent.PIONEER]

    # Inès fills her compasses of the year and sends them
    me = open_page(ines, viewport=PHONE if language == "fr" else DESKTOP, language=language)
    visit(me, live_server.url + "/observatoire/boussoles/")
    expect(me.get_by_role("heading", level=1)).to_have_text(t("My compasses"))
    me.get_by_role("button", name=t("Fill in")).click()
    expect(me.get_by_text(t("Draft"), exact=False).first).to_be_visible()
    assert_accessible(me)
    for indicator in asked:
        me.get_by_label(indicator.name, exact=True).select_option("4")
    me.get_by_role("button", name=t("Send for validation")).click()
    expect(me.get_by_text(t("Sent to the coordinator for validation."))).to_be_visible()
    expect(me.get_by_text(t("Submitted for validation"), exact=False).first).to_be_visible()
    assessment = Assessment.objects.get(pioneer=pioneer)
    assert assessment.status == "submitted"

    # Visitors see nothing of it yet
    visitor = open_page(language=language)
    visit(
        visitor, live_server.url + "/observatoire/?indicator=valeurs&scale=department&period=year"
    )
    expect(visitor.get_by_text(t("No figure for this choice yet."))).to_be_visible()

    # The coordinator validates it
    jardinier = open_page(coordinator, language=language)
    visit(jardinier, live_server.url + "/observatoire/validation/")
    jardinier.get_by_role("link", name=re.compile("Inès Roux")).click()
    assert_accessible(jardinier)
    jardinier.get_by_label("Essaimage constaté", exact=True).select_option("3")
    jardinier.get_by_role("button", name=t("Validate")).click()
    expect(jardinier.get_by_text(t("Nothing to validate."))).to_be_visible()

    # The observatory shows the new figure (the refresh ran after the validation)
    visit(
        visitor, live_server.url + "/observatoire/?indicator=valeurs&scale=department&period=year"
    )
    row = visitor.get_by_role("row", name=re.compile("Drôme"))
    expect(row).to_contain_text("4,00" if language == "fr" else "4.00")
    expect(visitor.locator("[data-refreshed]")).not_to_have_attribute("data-refreshed", "")
    # and her pioneer page shows the compasses with their data table
    visit(visitor, f"{live_server.url}/pionniers/{pioneer.pk}/")
    expect(visitor.get_by_role("heading", name=t("The three compasses"))).to_be_visible()
    expect(visitor.locator("svg.compass-chart")).to_have_count(1)
