"""Journey 4: members grade projects by majority judgment; the coordinator closes the
vote; everyone sees the merit profiles. Plus a keyboard-only ballot."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from governance.votes.services.lifecycle import OptionInput, vote_create
from tests.e2e.conftest import IN_BOTH_LANGUAGES, PHONE, assert_accessible, in_language
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECTS = ["Four solaire", "Grainothèque", "Atelier vélo"]


@pytest.fixture
def vote(coordinator, colleges):
    projects = [ProjectFactory(title=title, status="accepted_for_vote") for title in PROJECTS]
    now = timezone.now()
    return vote_create(
        actor=coordinator,
        title="Projets communs 2026",
        method="majority_judgment",
        options=[OptionInput.project(p.pk) for p in projects],
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=7),
    )


def _member(email, colleges):
    user = UserFactory(email=email)
    MembershipFactory(user=user, college=colleges["fondateurs"], shares=1)
    return user


def _grade(page, t, vote_url, grades):
    """Fill the ballot with the mouse: ``grades`` maps an option to a grade position."""
    page.goto(vote_url)
    assert_accessible(page)
    page.get_by_role("link", name=t("Vote"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Ballot: %(title)s", title="Projets communs 2026")
    )
    assert_accessible(page)
    for label, position in grades.items():
        page.get_by_role("group", name=label).get_by_role("radio").nth(position).check()
    page.get_by_role("button", name=t("Cast my ballot")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your ballot is cast"))
    assert_accessible(page)


@IN_BOTH_LANGUAGES
def test_members_grade_projects_and_everyone_sees_the_merit_profiles(
    open_page, live_server, vote, coordinator, colleges, language
):
    t = in_language(language)
    vote_url = f"{live_server.url}/membres/votes/{vote.pk}/"
    alice = open_page(_member("alice@example.org", colleges), language=language)
    bob = open_page(_member("bob@example.org", colleges), viewport=PHONE, language=language)
    boss = open_page(coordinator, language=language)

    # When two members grade the three projects (Bob on his phone)
    _grade(alice, t, vote_url, {"Four solaire": 6, "Grainothèque": 4, "Atelier vélo": 1})
    _grade(bob, t, vote_url, {"Four solaire": 5, "Grainothèque": 3, "Atelier vélo": 2})

    # And the coordinator closes the vote from its page
    boss.goto(vote_url)
    assert_accessible(boss)
    boss.get_by_role("button", name=t("Close the vote now and count it")).click()
    expect(boss.get_by_text(t("The vote is closed and counted."))).to_be_visible()

    # Then everyone sees the results with the merit-profile chart, the winner first
    for page in (boss, alice, bob):
        page.goto(vote_url)
        page.get_by_role("link", name=t("See the results")).first.click()
        chart = page.get_by_role("img", name=t("Merit profiles"))
        expect(chart).to_be_visible()
        expect(chart.locator("text").first).to_contain_text("1. Four solaire")
        assert_accessible(page)


def test_a_member_casts_a_ballot_with_the_keyboard_only(open_page, live_server, vote, colleges):
    # In French, the site's default language (the mouse journey above runs in both)
    t = in_language("fr")
    page = open_page(_member("clavier@example.org", colleges), language="fr")
    page.goto(f"{live_server.url}/membres/votes/{vote.pk}/bulletin/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Ballot: %(title)s", title="Projets communs 2026")
    )
    assert_accessible(page)

    # Tab until the first grade of the first option has the focus
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type === 'radio'"):
            break
    # Each option: Space grades it (with the grade in focus), Tab goes to the next option
    for label in PROJECTS:
        focused = page.evaluate(
            "document.activeElement.closest('fieldset').querySelector('legend').textContent"
        )
        assert focused == label
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == t("Cast my ballot")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your ballot is cast"))
    assert_accessible(page)
