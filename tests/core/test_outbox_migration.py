"""The upgrade to the outbox: the send-once markers that existed before (convocations,
duty reminders, receipts) become sent outbox rows under the keys the code now uses, so
nothing is sent again once it runs — checked through Django's migration executor on a
database taken back to before the change."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from backend.core.models import OutboxEmail
from tests.marketplace.conftest import paid_contribution_factory  # noqa: F401 (a fixture)

BEFORE = [
    ("core", "0004_digestpreference"),
    ("governance", "0003_merge_0002_assemblies_0002_votes"),
    ("marketplace", "0004_listings_share_pioneers_skills"),
]
# Forwards to the newest migrations (which include the outbox's): later ones of other
# changes must run too, or the test leaves a database older than the models.
UPGRADES = {
    ("core", "0005_sent_email_replaced_by_outbox"),
    ("governance", "0004_send_once_through_the_outbox"),
    ("marketplace", "0005_receipts_through_the_outbox"),
}


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    leaves = executor.loader.graph.leaf_nodes()
    plan = {node for leaf in leaves for node in executor.loader.graph.forwards_plan(leaf)}
    assert UPGRADES.issubset(plan)
    return leaves


@pytest.mark.django_db(transaction=True)
def test_sent_markers_become_sent_outbox_rows_and_nothing_goes_twice(
    coordinator,
    colleges,
    membership_factory,
    paid_contribution_factory,  # noqa: F811
):
    from governance.assemblies import services as assemblies
    from governance.assemblies.notifications import assembly_convocations_queue
    from marketplace.tasks import contribution_receipts_catch_up

    convened, not_convened = (
        membership_factory(college=colleges["fondateurs"], shares=1) for _ in range(2)
    )
    assembly = assemblies.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )
    receipted = paid_contribution_factory(amount_cents=1_000, email="recu@example.org")
    unreceipted = paid_contribution_factory(amount_cents=2_000, email="attente@example.org")
    long_ago = timezone.now() - datetime.timedelta(days=2)
    sent_at = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)

    OutboxEmail.objects.all().delete()  # what today's code queued: not in an old database
    # given the database as it was before the outbox replaced the markers
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("governance", "Assembly").objects.filter(pk=assembly.pk).update(status="convened")
    old.get_model("governance", "ConvocationNotice").objects.create(
        assembly_id=assembly.pk, membership_id=convened.pk
    )
    reminder = old.get_model("governance", "DutyReminder").objects
    for duty in ("shares", "charter"):
        reminder.create(membership_id=convened.pk, duty=duty, sent_at=sent_at)
    contributions = old.get_model("marketplace", "Contribution").objects
    contributions.filter(pk__in=[receipted.pk, unreceipted.pk]).update(paid_at=long_ago)
    contributions.filter(pk=receipted.pk).update(receipt_sent_at=sent_at)

    # when the upgrade runs
    executor = MigrationExecutor(connection)
    executor.migrate(_latest(executor))
    mail.outbox.clear()

    # then each marker is a sent row under its key
    rows = {row.key: row for row in OutboxEmail.objects.all()}
    assert set(rows) == {
        f"convocation:{assembly.pk}:{convened.pk}",
        f"duty-reminder:{convened.pk}:charter+shares:2026-11-02",
        f"receipt:{receipted.pk}",
    }
    assert all(row.status == OutboxEmail.Status.SENT for row in rows.values())
    assert rows[f"receipt:{receipted.pk}"].sent_at == sent_at
    assert rows[f"receipt:{receipted.pk}"].to == ["recu@example.org"]
    assert rows[f"convocation:{assembly.pk}:{convened.pk}"].to == [convened.user.email]
    # and running the senders again reaches only whoever was never written to
    assert assembly_convocations_queue(assembly_id=assembly.pk) == 1
    assert contribution_receipts_catch_up() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [not_convened.user.email, "attente@example.org"]
    )


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_can_be_reversed(coordinator, colleges, membership_factory):
    from governance.assemblies import services as assemblies

    member = membership_factory(college=colleges["fondateurs"], shares=1)
    assembly = assemblies.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )
    OutboxEmail.objects.create(
        key=f"convocation:{assembly.pk}:{member.pk}",
        to=[member.user.email],
        from_email="t@example.org",
        subject="s",
        body="b",
        status=OutboxEmail.Status.SENT,
        sent_at=timezone.now(),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    notices = old.get_model("governance", "ConvocationNotice").objects
    assert list(notices.values_list("assembly_id", "membership_id")) == [(assembly.pk, member.pk)]
    executor = MigrationExecutor(connection)
    executor.migrate(_latest(executor))
