import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone

from governance.assemblies import services
from governance.assemblies.models import Attendance, Proxy, ResolutionVote
from governance.assemblies.selectors import assembly_quorum
from governance.errors import GovernanceError
from governance.models import CooperativeSettings
from governance.selectors import member_get_with_duties

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(colleges, membership_factory):
    """Ten members: 4 founders, 3 pioneers, 3 local authorities."""
    spread = ["fondateurs"] * 4 + ["beneficiaires"] * 3 + ["collectivites"] * 3
    return [membership_factory(college=colleges[slug], shares=1) for slug in spread]


def _open_assembly(coordinator, **kwargs):
    date = timezone.now() - datetime.timedelta(hours=1)
    return services.assembly_create(
        actor=coordinator,
        title="AG",
        date=date,
        convened_on=timezone.localdate() - datetime.timedelta(days=20),
        **kwargs,
    )


def test_convening_respects_the_notice_period(coordinator, people):
    soon = services.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=10)
    )
    with pytest.raises(GovernanceError) as err:
        services.assembly_convene(actor=coordinator, assembly=soon)
    assert err.value.code == "notice_period"
    assert "15 jours" in err.value.message
    soon.refresh_from_db()
    assert soon.status == "draft"


def test_convening_emails_every_member_an_icalendar_once(
    coordinator, people, django_capture_on_commit_callbacks
):
    from governance.assemblies.tasks import assembly_convocations_send

    assembly = services.assembly_create(
        actor=coordinator,
        title="AG d'automne",
        date=timezone.now() + datetime.timedelta(days=30),
        place="Limoges",
    )
    services.resolution_create(actor=coordinator, assembly=assembly, title="Comptes", text="…")
    with django_capture_on_commit_callbacks(execute=True):
        services.assembly_convene(actor=coordinator, assembly=assembly)
    assert len(mail.outbox) == 10
    message = mail.outbox[0]
    assert "Convocation" in message.subject
    assert "Comptes" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("assemblee.ics", "text/calendar")
    content = content.decode() if isinstance(content, bytes) else content
    assert "BEGIN:VEVENT" in content
    assert "Limoges" in content
    from backend.core.models import AuditEvent

    sent = AuditEvent.objects.get(action="assembly.convocations_sent", target_id=str(assembly.pk))
    assert sent.data == {"sent": 10}
    # running the task again sends nothing more
    assert assembly_convocations_send(assembly.pk) == 0
    assert len(mail.outbox) == 10


def test_assembly_opens_on_its_day_not_before(coordinator, people):
    later = services.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )
    services.assembly_convene(actor=coordinator, assembly=later)
    with pytest.raises(GovernanceError) as err:
        services.assembly_open(actor=coordinator, assembly=later)
    assert err.value.code == "too_early"


def test_recorded_after_the_fact_is_open_at_once(coordinator, people):
    assembly = _open_assembly(coordinator)
    assert assembly.status == "open"
    assert assembly.members_with_voting_rights == 10


def test_recording_after_the_fact_needs_a_past_date(coordinator, people):
    with pytest.raises(GovernanceError) as err:
        services.assembly_create(
            actor=coordinator,
            title="AG",
            date=timezone.now() + datetime.timedelta(days=40),
            convened_on=timezone.localdate(),
        )
    assert err.value.code == "not_in_the_past"


def test_proxy_rules(coordinator, people):
    assembly = services.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )
    services.assembly_convene(actor=coordinator, assembly=assembly)
    a, b, c, d, e = people[:5]
    services.proxy_give(actor=a.user, assembly=assembly, giver=a, holder=b)
    # no chains, either way
    with pytest.raises(GovernanceError) as err:
        services.proxy_give(actor=c.user, assembly=assembly, giver=c, holder=a)
    assert err.value.code == "proxy_chain"
    with pytest.raises(GovernanceError) as err:
        services.proxy_give(actor=b.user, assembly=assembly, giver=b, holder=c)
    assert err.value.code == "proxy_chain"
    # at most two proxies per holder (the default)
    services.proxy_give(actor=c.user, assembly=assembly, giver=c, holder=b)
    with pytest.raises(GovernanceError) as err:
        services.proxy_give(actor=d.user, assembly=assembly, giver=d, holder=b)
    assert err.value.code == "proxy_limit"
    # a new proxy replaces the old one; revocable until the assembly opens
    services.proxy_give(actor=a.user, assembly=assembly, giver=a, holder=e)
    assert Proxy.objects.filter(giver=a, revoked_at__isnull=True).get().holder == e
    assert services.proxy_revoke(actor=a.user, assembly=assembly, giver=a) == 1
    with pytest.raises(GovernanceError):
        services.proxy_give(actor=a.user, assembly=assembly, giver=a, holder=a)


def test_proxy_limit_is_a_setting(coordinator, people):
    coop = CooperativeSettings.load()
    coop.max_proxies_per_holder = 1
    coop.save()
    assembly = _open_assembly(coordinator)
    services.proxy_give(actor=coordinator, assembly=assembly, giver=people[0], holder=people[1])
    with pytest.raises(GovernanceError):
        services.proxy_give(actor=coordinator, assembly=assembly, giver=people[2], holder=people[1])


def test_attending_voids_the_proxy_and_members_cannot_give_one_once_open(coordinator, people):
    assembly = services.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )
    services.assembly_convene(actor=coordinator, assembly=assembly)
    a, b = people[:2]
    services.proxy_give(actor=a.user, assembly=assembly, giver=a, holder=b)
    services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=a)
    assert not Proxy.objects.filter(giver=a, revoked_at__isnull=True).exists()
    assert Proxy.objects.get(giver=a).revoked_reason == "attended"
    opened = _open_assembly(coordinator)
    with pytest.raises(GovernanceError) as err:
        services.proxy_give(actor=people[3].user, assembly=opened, giver=people[3], holder=b)
    assert err.value.code == "proxy_closed"


def test_votes_open_only_with_quorum(coordinator, people):
    assembly = _open_assembly(coordinator)  # ordinary, first convocation: 1/5 needed
    resolution = services.resolution_create(
        actor=coordinator, assembly=assembly, title="R", text="T"
    )
    services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=people[0])
    with pytest.raises(GovernanceError) as err:
        services.resolution_open(actor=coordinator, resolution=resolution)
    assert err.value.code == "quorum_not_reached"
    assert "1 sur 10" in err.value.message
    services.proxy_give(actor=coordinator, assembly=assembly, giver=people[1], holder=people[0])
    quorum = assembly_quorum(assembly=assembly)
    assert (quorum.present, quorum.represented) == (1, 1)
    opened = services.resolution_open(actor=coordinator, resolution=resolution)
    assert opened.quorum_reached is True
    assert opened.quorum_ratio == pytest.approx(0.2)


def test_extraordinary_second_convocation_uses_its_own_threshold(coordinator, people):
    assembly = _open_assembly(coordinator, kind="extraordinary", convocation=2)
    assert assembly_quorum(assembly=assembly).threshold == pytest.approx(0.2)
    second_ordinary = _open_assembly(coordinator, convocation=2)
    assert assembly_quorum(assembly=second_ordinary).reached  # no quorum on second call


def test_invalid_colleges_block_the_vote(coordinator, people, colleges):
    from governance.services import college_update

    assembly = _open_assembly(coordinator)
    for m in people[:3]:
        services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=m)
    resolution = services.resolution_create(
        actor=coordinator, assembly=assembly, title="R", text="T"
    )
    college_update(actor=coordinator, college=colleges["salaries"], vote_weight=20)
    with pytest.raises(GovernanceError) as err:
        services.resolution_open(actor=coordinator, resolution=resolution)
    assert err.value.code == "colleges_invalid"


def _vote(resolution, membership, choice, on_behalf_of=None):
    return services.resolution_vote_cast(
        user=membership.user, resolution=resolution, choice=choice, on_behalf_of=on_behalf_of
    )


def test_full_assembly_weighted_by_college(coordinator, people, colleges):
    assembly = _open_assembly(coordinator)
    founders, pioneers, authorities = people[:4], people[4:7], people[7:]
    services.proxy_give(actor=coordinator, assembly=assembly, giver=pioneers[2], holder=pioneers[0])
    resolution = services.resolution_create(
        actor=coordinator, assembly=assembly, title="R", text="T"
    )
    for m in founders + pioneers[:2] + authorities:
        services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=m)
    services.resolution_open(actor=coordinator, resolution=resolution)
    for m in founders:
        _vote(resolution, m, "no")  # founders 20 %: 0/4 yes
    _vote(resolution, pioneers[0], "yes")
    _vote(resolution, pioneers[0], "yes", on_behalf_of=pioneers[2])
    _vote(resolution, pioneers[1], "abstain")  # pioneers 30 %: 2/2 yes
    _vote(resolution, authorities[0], "yes")
    _vote(resolution, authorities[1], "no")  # authorities 15 %: 1/2 yes
    _vote(resolution, authorities[1], "yes")  # a second vote replaces the first: 2/2
    closed = services.resolution_close(actor=coordinator, resolution=resolution)
    # over founders, pioneers and authorities (65 %): (20×0 + 30×1 + 15×1) / 65 = 45/65
    assert closed.weighted_yes == pytest.approx(45 / 65)
    assert closed.adopted is True
    rows = {c["college"]: c for c in closed.result["colleges"]}
    assert (rows["fondateurs"]["yes"], rows["fondateurs"]["no"]) == (0, 4)
    assert rows["beneficiaires"]["abstain"] == 1
    assert rows["salaries"]["effective_weight"] is None
    assert ResolutionVote.objects.filter(resolution=resolution).count() == 9


def test_vote_errors_change_nothing(coordinator, people, membership_factory):
    assembly = _open_assembly(coordinator)
    for m in people[:3]:
        services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=m)
    resolution = services.resolution_create(
        actor=coordinator, assembly=assembly, title="R", text="T"
    )
    with pytest.raises(GovernanceError) as err:
        _vote(resolution, people[0], "yes")
    assert err.value.code == "vote_closed"
    services.resolution_open(actor=coordinator, resolution=resolution)
    with pytest.raises(GovernanceError) as err:
        _vote(resolution, people[0], "peut-être")
    assert err.value.code == "invalid_choice"
    with pytest.raises(GovernanceError) as err:
        _vote(resolution, people[0], "yes", on_behalf_of=people[5])
    assert err.value.code == "no_proxy"
    resigned = membership_factory(status="resigned")
    with pytest.raises(GovernanceError) as err:
        _vote(resolution, resigned, "yes")
    assert err.value.code == "no_voting_rights"
    services.resolution_close(actor=coordinator, resolution=resolution)
    with pytest.raises(GovernanceError) as err:
        _vote(resolution, people[0], "yes")
    assert err.value.status_code == 409
    assert not ResolutionVote.objects.exists()


def test_voting_checks_the_voter_in(coordinator, people):
    assembly = _open_assembly(coordinator)
    for m in people[:2]:
        services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=m)
    resolution = services.resolution_create(
        actor=coordinator, assembly=assembly, title="R", text="T"
    )
    services.resolution_open(actor=coordinator, resolution=resolution)
    _vote(resolution, people[5], "yes")
    assert Attendance.objects.filter(assembly=assembly, membership=people[5]).exists()


def test_assembly_duty_follows_the_last_closed_assembly(coordinator, people):
    assert member_get_with_duties(membership_id=people[0].pk).duty_assembly is None
    assembly = _open_assembly(coordinator)
    services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=people[0])
    services.proxy_give(actor=coordinator, assembly=assembly, giver=people[1], holder=people[0])
    services.assembly_close(actor=coordinator, assembly=assembly)
    states = [member_get_with_duties(membership_id=m.pk).duty_assembly for m in people[:3]]
    assert states == [True, True, False]


def test_result_of_a_resolution_is_one_aggregate_query(
    coordinator, people, django_assert_max_num_queries
):
    from governance.assemblies.selectors import resolution_choice_counts

    assembly = _open_assembly(coordinator)
    for m in people:
        services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=m)
    resolution = services.resolution_create(
        actor=coordinator, assembly=assembly, title="R", text="T"
    )
    services.resolution_open(actor=coordinator, resolution=resolution)
    for m in people:
        _vote(resolution, m, "yes")
    with django_assert_max_num_queries(1):
        counts = resolution_choice_counts(resolution=resolution)
    assert sum(row["yes"] for row in counts) == 10


def test_minutes_as_pdf(coordinator_client, coordinator, people):
    from pypdf import PdfReader

    assembly = _open_assembly(coordinator)
    for m in people[:3]:
        services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=m)
    resolution = services.resolution_create(
        actor=coordinator, assembly=assembly, title="Approbation des comptes", text="Texte"
    )
    services.resolution_open(actor=coordinator, resolution=resolution)
    _vote(resolution, people[0], "yes")
    services.assembly_close(actor=coordinator, assembly=assembly)
    response = coordinator_client.get(
        f"/membres/assemblees/{assembly.pk}/proces-verbal/?format=pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Approbation des comptes" in text
    assert "Adoptée" in text
    assert people[0].user.last_name in text
