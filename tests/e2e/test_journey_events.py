"""Journey: a member registers for a work meeting from the project's page, gets the
confirmation e-mail, the coordinator closes the meeting with its minutes, and the
minutes show on the project."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.core.models import OutboxEmail
from events.models import Event, Registration
from tests.e2e.conftest import LANGUAGE_AND_SCREEN, assert_accessible, in_language
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEETING = "Réunion de chantier du four"


@LANGUAGE_AND_SCREEN
def test_a_member_registers_for_a_meeting_and_reads_its_minutes_on_the_project(
    open_page, live_server, coordinator, colleges, language, viewport
):
    t = in_language(language)
    member = UserFactory(email="participante@example.org", language=language)
    MembershipFactory(user=member, college=colleges["fondateurs"], shares=1)
    project = ProjectFactory(status="in_progress", title="Four à pain partagé")
    start = timezone.now() + datetime.timedelta(days=3)
    meeting = Event.objects.create(
        kind="work_meeting", title=MEETING, project=project, visibility="members",
        starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=6,
        commune="Embrun", created_by=coordinator,
    )  # fmt: skip
    page = open_page(member, viewport=viewport, language=language)
    boss = open_page(coordinator, language=language)

    # When the member opens the project and registers for its meeting
    page.goto(live_server.url + project.get_absolute_url())
    expect(page.get_by_role("heading", name=t("Meetings and minutes"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=t("Register for %(title)s", title=MEETING)).click()
    expect(page.get_by_text(t("You are registered. A confirmation is on its way."))).to_be_visible()
    expect(page.locator("section[aria-labelledby=h-meetings]")).to_contain_text(
        t("You are registered.")
    )

    # Then the confirmation e-mail, in her language, carries the event
    email = OutboxEmail.objects.get(key__startswith="event-registration:")
    assert email.to == [member.email]
    assert MEETING in email.subject
    assert [a["filename"] for a in email.attachments] == ["evenement.ics"]
    assert Registration.objects.get(event=meeting, user=member).status == "registered"

    # And the agenda and the event page show it
    page.goto(live_server.url + "/evenements/")
    expect(page.get_by_role("link", name=MEETING)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=MEETING).click()
    expect(page.locator("#registration-status")).to_have_text(t("You are registered."))
    assert_accessible(page)

    # When the coordinator (whose dashboard shows the rhythm duties) opens the forms
    boss.goto(live_server.url + "/tableau-de-bord/")
    expect(boss.get_by_role("heading", name=t("Rhythm of the cooperative"))).to_be_visible()
    assert_accessible(boss)
    boss.goto(live_server.url + f"/evenements/nouveau/?project={project.pk}")
    assert_accessible(boss)
    # and closes the meeting with its minutes, ticking her present
    boss.goto(live_server.url + f"/evenements/{meeting.pk}/cloturer/")
    assert_accessible(boss)
    boss.get_by_label(t("Meeting minutes")).fill("Le four est commandé.")
    boss.get_by_label(t("Decisions")).fill("Cuisson collective le samedi.")
    boss.get_by_label(member.display_name).check()
    boss.get_by_role("button", name=t("Close and publish the minutes")).click()
    expect(boss.get_by_text(t("The event is closed and its minutes published."))).to_be_visible()
    assert_accessible(boss)

    # Then the minutes show on the project, and on the event page for the member
    page.goto(live_server.url + project.get_absolute_url())
    link = page.locator(f'a[href="/evenements/{meeting.pk}/#h-minutes"]')
    expect(link).to_contain_text(MEETING)
    link.click()
    expect(page.get_by_text("Le four est commandé.")).to_be_visible()
    minutes = page.locator("section[aria-labelledby=h-minutes]")
    expect(minutes.get_by_role("listitem").filter(has_text=member.display_name)).to_be_visible()
    assert_accessible(page)


def test_the_private_calendar_page_is_accessible(open_page, live_server, member):
    page = open_page(member, language="fr")
    page.goto(live_server.url + "/evenements/calendrier/")
    assert_accessible(page)
    page.get_by_role("button", name="Créer mon adresse privée").click()
    expect(page.get_by_label("Votre adresse privée")).to_have_value(
        __import__("re").compile(r"/calendar/.+\.ics$")
    )
    assert_accessible(page)
