"""Journey: a member suggests a resource, two committee members review it on the grid, it
is published, a visitor finds it by search and leaves feedback (fr and en, with axe)."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import translation
from playwright.sync_api import expect

from commons.models import Axis, Resource, ReviewCriterion
from commons.services.committee import committee_member_appoint
from tests.e2e.conftest import IN_BOTH_LANGUAGES, PHONE, assert_accessible, in_language
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Énergies renouvelables citoyennes"


def _review(page, t, language):
    with translation.override(language):
        criteria = [c.label for c in ReviewCriterion.objects.all()]
        top = ReviewCriterion.objects.first().levels.order_by("-value").first().label
    page.get_by_role("link", name=t("Review on the grid")).click()
    assert_accessible(page)
    for label in criteria:
        page.get_by_role("group", name=label).get_by_label(top).check()
    page.get_by_role("group", name=t("Your recommendation")).get_by_label(t("Publish")).check()
    page.get_by_label(t("Comment for the authors")).fill("Sources solides.")
    page.get_by_role("button", name=t("Record my review")).click()
    expect(page.get_by_text(t("Your review is recorded."))).to_be_visible()


@IN_BOTH_LANGUAGES
def test_a_suggestion_is_reviewed_published_found_and_commented(
    open_page, live_server, coordinator, member, language
):
    t = in_language(language)
    # A transactional test empties the tables after each run: put the vocabulary and the
    # grid of the data migration back (it only adds what is missing).
    importlib.import_module("commons.migrations.0002_vocabulary_grid_unaccent").forwards(
        django_apps, None
    )
    reviewers = [UserFactory(email=f"comite{i}@example.org") for i in range(2)]
    for person in reviewers:
        committee_member_appoint(actor=coordinator, user=person)
    with translation.override(language):
        energy = Axis.objects.get(slug="energetique").label

    # A member suggests a resource (the machine may be busy: the first load waits longer)
    author = open_page(member, language=language)
    author.set_default_timeout(30_000)
    author.goto(live_server.url + "/ressources/proposer/")
    expect(author.locator("html")).to_have_attribute("lang", language)
    assert_accessible(author)
    author.locator("#id_title").fill(TITLE)
    author.locator("#id_summary").fill("Monter une centrale villageoise avec les habitants.")
    author.locator("#id_kind").select_option(label=t("Working method"))
    author.locator("#id_authors").fill("La Traverse")
    author.get_by_role("group", name=t("Resilience axes")).get_by_label(energy).check()
    author.get_by_role("button", name=t("Suggest"), exact=True).click()
    expect(author.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(author)
    resource_url = author.url

    # Nothing is public yet
    visitor = open_page(viewport=PHONE, language=language)
    response = visitor.goto(resource_url)
    assert response.status == 404

    # Two committee members review it on the grid; the second publishes the decision
    first = open_page(reviewers[0], language=language)
    first.goto(resource_url)
    _review(first, t, language)
    second = open_page(reviewers[1], language=language)
    second.goto(resource_url)
    _review(second, t, language)
    second.get_by_role("group", name=t("Decision")).get_by_label(t("Published")).check()
    second.get_by_label(t("Reasons (published)")).fill("Méthode éprouvée, sources citées.")
    second.get_by_role("button", name=t("Publish the decision")).click()
    expect(second.get_by_text(t("The decision is published."))).to_be_visible()
    assert_accessible(second)
    assert Resource.objects.get(title=TITLE).status == "published"

    # A visitor finds it by searching without accents, and a reader leaves feedback
    visitor.goto(live_server.url + "/ressources/")
    assert_accessible(visitor)
    visitor.get_by_role("searchbox", name=t("Search")).fill("energie")
    visitor.get_by_role("button", name=t("Search")).click()
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(visitor)
    reader = open_page(UserFactory(email="lectrice@example.org"), language=language)
    reader.goto(visitor.url)
    reader.get_by_label(t("I used this resource")).check()
    reader.get_by_label(t("How well did it work?")).select_option("5")
    reader.get_by_label(t("Your comment")).fill("Utilisé avec le conseil municipal.")
    reader.get_by_role("button", name=t("Send my feedback")).click()
    expect(reader.get_by_text(t("Thank you for your feedback."))).to_be_visible()
    expect(reader.get_by_text("Utilisé avec le conseil municipal.")).to_be_visible()
    assert_accessible(reader)
