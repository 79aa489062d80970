"""Journey (issue 15 §5): a pioneer stands for representative of the community (a too
short statement is refused first, with its message), the coordinator puts the election to
the vote. axe on each page, in French and in English."""

import pytest
from playwright.sync_api import expect

from governance.representative.models import Candidacy
from governance.representative.services import candidacy_stand, election_create
from tests.e2e.conftest import (
    DESKTOP,
    IN_BOTH_LANGUAGES,
    PHONE,
    assert_accessible,
    in_language,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATEMENT = "Je porterai la voix des pionniers auprès du jardinier et de la coopérative."


@IN_BOTH_LANGUAGES
def test_a_pioneer_stands_and_the_coordinator_puts_it_to_the_vote(
    open_page, live_server, coordinator, colleges, language
):
    t = in_language(language)
    election = election_create(actor=coordinator, title="Représentant 2027")
    other = MembershipFactory(
        user=UserFactory(email="jules@example.org", first_name="Jules"),
        college=colleges["beneficiaires"],
    )
    candidacy_stand(user=other.user, election=election, statement=STATEMENT)
    user = UserFactory(email="ines@example.org", first_name="Inès", language=language)
    MembershipFactory(user=user, college=colleges["beneficiaires"], shares=1)
    pioneer = open_page(user, viewport=PHONE, language=language)

    # Given the colleges page, which leads to the elections
    pioneer.goto(live_server.url + "/membres/colleges/")
    expect(pioneer.get_by_test_id("mandate")).to_have_text(
        t("No representative of the community is in office.")
    )
    pioneer.get_by_role("link", name=t("Elections and candidates")).click()
    pioneer.get_by_role("link", name="Représentant 2027").click()
    assert_accessible(pioneer)

    # When she stands with too short a statement, then with a real one
    pioneer.get_by_label(t("Your statement")).fill("Votez pour moi.")
    pioneer.get_by_role("button", name=t("Stand"), exact=True).click()
    too_short = t(
        "Your statement is too short: write at least %(min)d characters (you wrote %(count)d).",
        min=50,
        count=15,
    )
    expect(pioneer.get_by_text(too_short).first).to_be_visible()
    assert not Candidacy.objects.filter(membership__user=user).exists()
    pioneer.get_by_label(t("Your statement")).fill(STATEMENT + " Inès")
    pioneer.get_by_role("button", name=t("Stand"), exact=True).click()
    expect(pioneer.get_by_role("button", name=t("Withdraw my candidacy"))).to_be_visible()
    expect(pioneer.get_by_test_id("candidacy")).to_have_count(2)
    assert_accessible(pioneer)

    # Then the coordinator puts the election to the vote; candidacies close
    boss = open_page(coordinator, viewport=DESKTOP, language=language)
    boss.goto(live_server.url + f"/membres/representant/{election.pk}/")
    boss.get_by_label(t("Opens at")).fill("2020-01-01T10:00")
    boss.get_by_label(t("Closes at")).fill("2099-01-01T10:00")
    boss.get_by_role("button", name=t("Put to the vote")).click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("Représentant 2027")
    election.refresh_from_db()
    assert election.vote is not None
    assert election.vote.options.count() == 2
    pioneer.reload()
    expect(pioneer.get_by_role("button", name=t("Withdraw my candidacy"))).to_have_count(0)
