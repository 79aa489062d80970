import csv
import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone

from governance import services
from governance.duties import duty_states, in_good_standing
from governance.errors import GovernanceError
from governance.models import CharterAcceptance, CooperativeSettings, DutyReminder, Membership
from governance.selectors import (
    capital_total_cents,
    member_get_with_duties,
    member_list_with_standing,
)
from governance.services import duty_reminders_send

pytestmark = pytest.mark.django_db


def _states(membership) -> dict[str, str]:
    return {
        s.duty.code: s.state
        for s in duty_states(member_get_with_duties(membership_id=membership.pk))
    }


def test_shares_count_only_once_paid(coordinator, membership_factory):
    m = membership_factory()
    sub = services.shares_subscribe(actor=coordinator, membership=m, quantity=2)
    m.refresh_from_db()
    assert m.shares_held == 0
    services.shares_mark_paid(actor=coordinator, subscription=sub, payment_reference="VIR-1")
    services.shares_mark_paid(actor=coordinator, subscription=sub)  # a retry changes nothing
    m.refresh_from_db()
    assert m.shares_held == 2
    assert capital_total_cents() == {
        "subscribed_cents": 10000,
        "paid_cents": 10000,
        "refunded_cents": 0,
        "unpaid_cents": 0,
        "capital_cents": 10000,
    }


def test_unit_value_is_the_nominal_value_of_the_day(coordinator, membership_factory):
    m = membership_factory()
    first = services.shares_subscribe(actor=coordinator, membership=m, quantity=1)
    coop = CooperativeSettings.load()
    coop.share_nominal_cents = 10000
    coop.save()
    second = services.shares_subscribe(actor=coordinator, membership=m, quantity=1)
    assert (first.unit_value_cents, second.unit_value_cents) == (5000, 10000)


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True])
def test_bad_share_quantities_are_refused(coordinator, membership_factory, quantity):
    m = membership_factory()
    with pytest.raises(GovernanceError):
        services.shares_subscribe(actor=coordinator, membership=m, quantity=quantity)
    assert not m.subscriptions.exists()


def test_refund_never_exceeds_shares_held(coordinator, membership_factory):
    m = membership_factory(shares=2)
    with pytest.raises(GovernanceError) as err:
        services.shares_refund(actor=coordinator, membership=m, quantity=3)
    assert err.value.code == "refund_exceeds_shares"
    services.shares_refund(actor=coordinator, membership=m, quantity=2, reference="RBT-1")
    m.refresh_from_db()
    assert m.shares_held == 0
    assert capital_total_cents()["capital_cents"] == 0


def test_paid_before_subscribed_is_refused(coordinator, membership_factory):
    m = membership_factory()
    today = timezone.localdate()
    with pytest.raises(GovernanceError):
        services.shares_subscribe(
            actor=coordinator,
            membership=m,
            quantity=1,
            subscribed_on=today,
            paid_on=today - datetime.timedelta(days=1),
        )


def test_duties_of_a_member(coordinator, member, colleges):
    m = member.membership
    assert _states(m) == {
        "shares": "met",
        "charter": "not_applicable",
        "assembly": "not_applicable",
        "profile": "not_applicable",
    }
    charter = services.charter_publish(actor=coordinator, title="Charte", text="Texte")
    assert _states(m)["charter"] == "unmet"
    services.charter_accept(membership=m, charter=charter)
    assert _states(m)["charter"] == "met"
    # a new version makes the acceptance due again
    services.charter_publish(actor=coordinator, title="Charte", text="Texte v2")
    assert _states(m)["charter"] == "unmet"
    with pytest.raises(GovernanceError) as err:
        services.charter_accept(membership=m, charter=charter)
    assert err.value.code == "charter_outdated"


def test_minimum_shares_comes_from_the_settings(member):
    coop = CooperativeSettings.load()
    coop.min_shares = 2
    coop.save()
    assert _states(member.membership)["shares"] == "unmet"


def test_standing_filter_in_sql_matches_the_python_reading(
    coordinator, membership_factory, colleges
):
    charter = services.charter_publish(actor=coordinator, title="Charte", text="Texte")
    ok = membership_factory(shares=1)
    CharterAcceptance.objects.create(membership=ok, charter=charter)
    no_share = membership_factory()
    CharterAcceptance.objects.create(membership=no_share, charter=charter)
    no_charter = membership_factory(shares=1)
    good = set(member_list_with_standing(standing=True).values_list("pk", flat=True))
    bad = set(member_list_with_standing(standing=False).values_list("pk", flat=True))
    assert good == {ok.pk}
    assert bad == {no_share.pk, no_charter.pk}
    for m in member_list_with_standing():
        assert in_good_standing(m) == (m.pk in good)


def test_duties_overview_runs_a_fixed_number_of_queries(membership_factory, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.charter_publish(actor=coordinator, title="Charte", text="Texte")
    CooperativeSettings.load()
    membership_factory.create_batch(10)
    with CaptureQueriesContext(connection) as small_run:
        small = [in_good_standing(m) for m in member_list_with_standing()]
    membership_factory.create_batch(150)
    with CaptureQueriesContext(connection) as large_run:
        large = [in_good_standing(m) for m in member_list_with_standing()]
    assert len(small) == 10
    assert len(large) == 160
    # the list, the charter, the last assembly and the last representative election
    assert len(small_run) == len(large_run) <= 5


def test_reminders_once_per_duty_per_30_days_in_the_member_language(
    coordinator, membership_factory, django_capture_on_commit_callbacks
):
    services.charter_publish(actor=coordinator, title="Charte", text="Texte")
    m = membership_factory(user__email="retard@example.org", user__language="en")
    membership_factory(shares=1, user__email="ajour@example.org")  # misses only the charter
    now = timezone.now()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert duty_reminders_send(now=now) == 2
    sent = {msg.to[0]: msg for msg in mail.outbox}
    assert "shares" in sent["retard@example.org"].body.lower()
    assert "Hello" in sent["retard@example.org"].body  # English for an English speaker
    assert "Bonjour" in sent["ajour@example.org"].body
    assert set(DutyReminder.objects.filter(membership=m).values_list("duty", flat=True)) == {
        "shares",
        "charter",
    }
    from backend.core.models import AuditEvent

    reminded = AuditEvent.objects.get(action="membership.duties_reminded", target_id=str(m.pk))
    assert sorted(reminded.data["duties"]) == ["charter", "shares"]

    mail.outbox.clear()
    assert duty_reminders_send(now=now + datetime.timedelta(days=29)) == 0
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert duty_reminders_send(now=now + datetime.timedelta(days=31)) == 2
    assert len(mail.outbox) == 2
    assert DutyReminder.objects.filter(membership=m).count() == 4


def test_a_reminder_is_sent_once_by_the_outbox_even_if_its_record_is_lost(
    coordinator, membership_factory, django_capture_on_commit_callbacks
):
    from backend.core.models import OutboxEmail

    m = membership_factory(user__email="retard@example.org")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert duty_reminders_send(now=now) == 1
    duties = "+".join(
        sorted(DutyReminder.objects.filter(membership=m).values_list("duty", flat=True))
    )
    key = f"duty-reminder:{m.pk}:{duties}:{now.date().isoformat()}"
    assert OutboxEmail.objects.get(key=key).status == OutboxEmail.Status.SENT
    # the 30-day record gone (a run racing this one, a restore): the outbox still says no
    DutyReminder.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert duty_reminders_send(now=now) == 0
    assert len(mail.outbox) == 1
    assert not DutyReminder.objects.exists()  # nothing recorded that was not sent


def test_reminders_skip_members_in_good_standing_and_former_members(
    coordinator, membership_factory
):
    membership_factory(shares=1)
    membership_factory(status="resigned", number=None)
    assert duty_reminders_send() == 0
    assert not DutyReminder.objects.exists()
    from backend.core.models import AuditEvent

    assert not AuditEvent.objects.filter(action="membership.duties_reminded").exists()


def test_reminder_task_runs_the_service(coordinator, membership_factory):
    from governance.tasks import duty_reminders

    membership_factory()
    assert duty_reminders.delay().get() == 1


def test_register_csv_parses_back(coordinator_client, coordinator, membership_factory):
    m = membership_factory(shares=3, user__first_name="Zoé", user__last_name="Martin")
    services.shares_refund(actor=coordinator, membership=m, quantity=1, reference="RBT")
    response = coordinator_client.get("/membres/gestion/registre/?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Date", "Numéro", "Sociétaire"]
    body = rows[1:]
    assert [r[5] for r in body] == ["3", "-1"]
    assert [r[7] for r in body] == ["150.00", "-50.00"]
    assert body[0][2] == "Zoé Martin"


def test_member_csv_parses_back_with_filters(coordinator_client, membership_factory, colleges):
    membership_factory(college=colleges["salaries"], shares=1, user__email="s@example.org")
    membership_factory(college=colleges["fondateurs"], user__email="f@example.org")
    response = coordinator_client.get("/membres/gestion/?college=salaries&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["E-mail"] for r in rows] == ["s@example.org"]
    assert rows[0]["Parts détenues"] == "1"


def test_membership_counts_do_not_move_when_a_member_leaves(coordinator, member):
    services.membership_change_status(
        actor=coordinator, membership=member.membership, status="resigned"
    )
    assert Membership.objects.active().count() == 0
