"""Journey 3: a pioneer proposes a project, another flags concern and comments, the
coordinator accepts it for a vote and publishes a ranking."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import IN_BOTH_LANGUAGES, PHONE, assert_accessible, in_language
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Grainothèque du Briançonnais"


def _pioneer(email, colleges):
    user = UserFactory(email=email)
    MembershipFactory(user=user, college=colleges["beneficiaires"], shares=1)
    return user


def _next_step(page, t, state):
    page.get_by_label(t("New state")).select_option(label=t(state))
    page.get_by_role("button", name=t("Apply")).click()
    status = page.locator("main p").filter(has_text=t("Status:")).first
    expect(status).to_contain_text(t(state))


@IN_BOTH_LANGUAGES
def test_a_project_is_proposed_discussed_accepted_and_ranked(
    open_page, live_server, coordinator, colleges, language
):
    t = in_language(language)
    author = open_page(_pioneer("auteur@example.org", colleges), language=language)
    other = open_page(_pioneer("voisine@example.org", colleges), viewport=PHONE, language=language)
    boss = open_page(coordinator, language=language)

    # When a pioneer proposes a project and submits it
    author.goto(live_server.url + "/projets/proposer/")
    expect(author.locator("html")).to_have_attribute("lang", language)
    assert_accessible(author)
    author.get_by_label(t("Title")).fill(TITLE)
    author.get_by_label(t("Summary")).fill("Des semences libres pour tous.")
    author.get_by_label(t("Description"), exact=True).fill("Une grainothèque dans chaque village.")
    author.get_by_role("button", name=t("Save")).click()
    expect(author.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(author)
    _next_step(author, t, "Submitted")
    project_url = author.url

    # And another pioneer, on her phone, says it concerns her (in place, by htmx) and comments
    other.goto(project_url)
    assert_accessible(other)
    concern = other.get_by_role("button", name=t("This project concerns me"))
    expect(concern).to_have_attribute("aria-pressed", "false")
    concern.click()
    expect(other.get_by_role("button", name=t("This project concerns me"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(other.locator("#concern")).to_contain_text(
        t.plural("%(n)s pioneer is concerned", "%(n)s pioneers are concerned", 1, n=1)
    )
    other.get_by_label(t("Your comment")).fill("Je peux prêter mon local.")
    other.get_by_role("button", name=t("Comment"), exact=True).click()
    expect(
        other.get_by_role("paragraph").filter(has_text="Je peux prêter mon local.")
    ).to_be_visible()
    assert_accessible(other)

    # And the coordinator reviews it and accepts it for a vote
    boss.goto(project_url)
    assert_accessible(boss)
    _next_step(boss, t, "In review")
    _next_step(boss, t, "Accepted for a vote")
    assert_accessible(boss)

    # Then the coordinator publishes a ranking where the project appears
    boss.goto(live_server.url + "/projets/classement/")
    assert_accessible(boss)
    boss.get_by_role("button", name=t("Publish")).click()
    expect(boss.get_by_text(t("The ranking is published."))).to_be_visible()
    expect(boss.get_by_role("main")).to_contain_text(TITLE)
    assert_accessible(boss)
