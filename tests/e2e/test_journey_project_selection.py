"""Journey (issue 15 §1, §2, §4): the pioneers' vote decides, projects are carried out one
by one, their needs meet the place des marchés.

Voters grade three projects by majority judgment (services, not clicks); the coordinator
closes the vote from its page; the results page names the selected project; the winner's
page says what the votes decided and lists its needs with the hours wanted; the place des
marchés lists the winner's needs as requests. The coordinator starts the winner (first of
the published ranking: no reason); starting another selected project answers 409 naming
the running one, nothing changed; the ranking page shows the queue. axe on each page, in
French and in English."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.core.money import format_minutes
from governance.votes.services import OptionInput, vote_cast, vote_create
from marketplace.models import Listing
from pioneers.models import Skill
from projects.models import Project, ProjectNeed, ProjectTransition
from projects.services import ranking_publish
from tests.e2e.conftest import (
    DESKTOP,
    IN_BOTH_LANGUAGES,
    PHONE,
    assert_accessible,
    in_language,
)
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# title, slug, estimated cost (the published ranking weighs the cost only: cheaper first)
VOTED = [
    ("Four solaire", "four-solaire", 1_000),
    ("Grainothèque", "grainotheque", 50_000),
    ("Atelier vélo", "atelier-velo", 90_000),
]
# Selected by an earlier vote, second in the ranking: the next one once the winner runs.
EARLIER = ("Ressourcerie", "ressourcerie", 20_000)
OUT_OF_ORDER_REASON = "La ressourcerie a un local prêt tout de suite, la mairie attend."


@pytest.fixture
def setting(coordinator, colleges):
    skills = {
        slug: Skill.objects.create(name=name, slug=slug)
        for slug, name in [("menuiserie", "Menuiserie"), ("jardinage", "Jardinage")]
    }
    # Proposed by a member, who holds the projects' requests in the place des marchés.
    author = UserFactory(email="lea@example.org", first_name="Léa")
    MembershipFactory(user=author, college=colleges["beneficiaires"], shares=1)
    projects = {
        slug: ProjectFactory(
            title=title,
            slug=slug,
            estimated_cost_cents=cost,
            status="accepted_for_vote",
            created_by=author,
        )
        for title, slug, cost in VOTED
    }
    for project in projects.values():
        project.authors.add(author)
    for project in projects.values():
        ProjectNeed.objects.create(project=project, skill=skills["menuiserie"], minutes_wanted=600)
    ProjectNeed.objects.create(
        project=projects["four-solaire"], skill=skills["jardinage"], minutes_wanted=90
    )
    title, slug, cost = EARLIER
    projects[slug] = ProjectFactory(title=title, slug=slug, estimated_cost_cents=cost)
    # The published ranking (cost alone): Four solaire, Ressourcerie, Grainothèque, Atelier vélo.
    ranking_publish(actor=coordinator, weight_concern=0, weight_cost=1, weight_self_financing=0)

    now = timezone.now()
    vote = vote_create(
        actor=coordinator,
        title="Projet commun 2027",
        method="majority_judgment",
        options=[OptionInput.project(projects[slug].pk) for _t, slug, _c in VOTED],
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=7),
    )
    option = {o.subject_id: str(o.pk) for o in vote.options.all()}
    # Four solaire graded best by most voters, then Grainothèque, then Atelier vélo.
    for i, grades in enumerate([(6, 3, 1), (5, 4, 2), (5, 2, 2), (4, 5, 1), (6, 3, 0)]):
        voter = UserFactory(email=f"votant{i}@example.org")
        MembershipFactory(user=voter, college=colleges["beneficiaires"], shares=1)
        vote_cast(
            user=voter,
            vote=vote,
            grades={
                option[projects[slug].pk]: grade
                for (_t, slug, _c), grade in zip(VOTED, grades, strict=True)
            },
        )
    return vote, projects


def _status(project) -> str:
    return Project.objects.get(pk=project.pk).status


@IN_BOTH_LANGUAGES
def test_the_vote_selects_a_project_that_starts_alone_and_opens_its_needs(
    open_page, live_server, coordinator, colleges, setting, language
):
    t = in_language(language)
    vote, projects = setting
    winner, earlier = projects["four-solaire"], projects["ressourcerie"]
    boss = open_page(coordinator, viewport=DESKTOP, language=language)

    # When the coordinator closes the graded vote from its page
    boss.goto(f"{live_server.url}/membres/votes/{vote.pk}/")
    assert_accessible(boss)
    boss.get_by_role("button", name=t("Close the vote now and count it")).click()
    expect(boss.get_by_text(t("The vote is closed and counted."))).to_be_visible()

    # Then it lands on the results page, which says which project was selected
    expect(boss.get_by_role("heading", level=1)).to_have_text(
        t("Results: %(title)s", title="Projet commun 2027")
    )
    outcome = boss.locator("#outcome")
    expect(outcome.get_by_role("heading", level=2)).to_have_text(t("What the vote decided"))
    expect(outcome).to_contain_text(
        t(
            "Selected project: « %(label)s ». The other projects of this vote are not selected.",
            label="Four solaire",
        )
    )
    assert_accessible(boss)
    assert [_status(projects[slug]) for _t, slug, _c in VOTED] == [
        "selected",
        "not_selected",
        "not_selected",
    ]

    # And a pioneer sees, on the winner's page, what the votes decided and its needs
    pioneer_user = UserFactory(email="ines@example.org", first_name="Inès", language=language)
    MembershipFactory(user=pioneer_user, college=colleges["beneficiaires"], shares=1)
    pioneer = open_page(pioneer_user, viewport=PHONE, language=language)
    pioneer.goto(f"{live_server.url}/projets/four-solaire/")
    decided = pioneer.locator("section", has=pioneer.locator("#h-vote-decisions"))
    expect(decided.get_by_role("heading", level=2)).to_have_text(t("What the votes decided"))
    expect(decided.get_by_role("listitem")).to_contain_text(
        ["Projet commun 2027 — " + t("this project was selected")]
    )
    needs = pioneer.locator("section.project-needs")
    expect(needs.get_by_role("heading", level=2)).to_have_text(t("Needs and hours given"))
    expect(needs.locator('[data-need-wanted="menuiserie"]')).to_have_text(format_minutes(600))
    expect(needs.locator('[data-need-wanted="jardinage"]')).to_have_text(format_minutes(90))
    assert_accessible(pioneer)

    # And the place des marchés lists the winner's needs as requests (not the losers')
    pioneer.goto(f"{live_server.url}/marche/")
    results = pioneer.locator("#listing-results")
    for skill in ("Menuiserie", "Jardinage"):
        card = results.locator(
            "article", has=pioneer.get_by_role("link", name=f"{skill} — Four solaire")
        )
        expect(card).to_have_count(1)
        expect(card).to_contain_text(t("Request"))
    expect(results.get_by_role("link", name="Menuiserie — Grainothèque")).to_have_count(0)
    assert_accessible(pioneer)
    card_link = results.get_by_role("link", name="Menuiserie — Four solaire")
    card_link.click()
    expect(pioneer.get_by_role("heading", level=1)).to_have_text("Menuiserie — Four solaire")

    # When the coordinator starts the winner, first of the published ranking: no reason
    boss.goto(f"{live_server.url}/projets/four-solaire/")
    boss.get_by_label(t("New state")).select_option(value="in_progress")
    boss.get_by_role("button", name=t("Apply")).click()
    in_progress = t("In progress")
    expect(
        boss.get_by_text(t("The project is now « %(state)s ».", state=in_progress))
    ).to_be_visible()
    assert _status(winner) == "in_progress"

    # And then tries to start the Ressourcerie, selected earlier, with a public reason
    boss.goto(f"{live_server.url}/projets/ressourcerie/")
    boss.get_by_label(t("New state")).select_option(value="in_progress")
    boss.get_by_label(
        t(
            "Reason (required to decline, return or abandon, and public to start a project "
            "that is not first in the ranking)"
        )
    ).fill(OUT_OF_ORDER_REASON)
    with boss.expect_response(lambda r: r.request.method == "POST") as answer:
        boss.get_by_role("button", name=t("Apply")).click()
    # Then the page answers 409, naming the running project; nothing changed
    assert answer.value.status == 409
    refused = t.plural(
        "« %(titles)s » is already in progress: projects are carried out one by one "
        "(at most %(max)d at a time).",
        "« %(titles)s » are already in progress: projects are carried out one by one "
        "(at most %(max)d at a time).",
        1,
        titles="Four solaire",
        max=1,
    )
    expect(boss.get_by_text(refused).first).to_be_visible()
    # the choice and the public reason are still there, to try again once it is done
    expect(boss.get_by_label(t("New state"))).to_have_value("in_progress")
    expect(boss.locator("#transition-reason")).to_have_value(OUT_OF_ORDER_REASON)
    assert_accessible(boss)
    assert _status(earlier) == "selected"
    assert not ProjectTransition.objects.filter(project=earlier).exists()
    assert Project.objects.filter(status="in_progress").get() == winner

    # And the ranking page shows the queue: the winner running, the Ressourcerie next
    pioneer.goto(f"{live_server.url}/projets/classement/")
    queue = pioneer.locator("#queue")
    expect(queue.get_by_role("heading", level=2)).to_have_text(t("The queue"))
    running = queue.locator("tr.queue-running")
    expect(running).to_have_count(1)
    expect(running.locator("td").first).to_have_text(in_progress)
    expect(running.get_by_role("rowheader")).to_contain_text("Four solaire")
    following = queue.locator("tr.queue-next")
    expect(following.locator("td").first).to_have_text(t("Next"))
    expect(following.get_by_role("rowheader")).to_contain_text("Ressourcerie")
    # the projects the vote did not select leave the queue
    expect(queue.get_by_role("link", name="Grainothèque")).to_have_count(0)
    expect(queue.get_by_role("link", name="Atelier vélo")).to_have_count(0)
    assert_accessible(pioneer)
    assert Listing.objects.filter(project=winner, need_skill__isnull=False).count() == 2
