# The convocations and duty reminders already sent become sent rows of the outbox under
# the keys the code now uses, so nothing goes out again after the upgrade; the
# convocation marker itself is gone (who was convened is read from the outbox keys).
# Duty reminders stay: they are the facts the "once every 30 days" rule reads.

from collections import defaultdict

from django.conf import settings
from django.db import migrations


def markers_to_outbox(apps, schema_editor):
    ConvocationNotice = apps.get_model("governance", "ConvocationNotice")
    DutyReminder = apps.get_model("governance", "DutyReminder")
    OutboxEmail = apps.get_model("core", "OutboxEmail")
    existing = set(OutboxEmail.objects.values_list("key", flat=True))
    rows = []

    def sent(key, email, subject, sent_at):
        if key in existing:
            return
        existing.add(key)
        rows.append(
            OutboxEmail(
                key=key,
                to=[email] if email else [],
                from_email=settings.DEFAULT_FROM_EMAIL,
                subject=subject,
                body="",
                status="sent",
                attempts=1,
                sent_at=sent_at,
            )
        )

    notices = ConvocationNotice.objects.select_related("membership__user").order_by("pk")
    for notice in notices.iterator(chunk_size=500):
        sent(
            f"convocation:{notice.assembly_id}:{notice.membership_id}",
            notice.membership.user.email,
            "convocation",
            notice.sent_at,
        )
    groups = defaultdict(list)
    reminders = DutyReminder.objects.select_related("membership__user").order_by("pk")
    for reminder in reminders.iterator(chunk_size=500):
        groups[(reminder.membership_id, reminder.sent_at)].append(reminder)
    for (membership_id, sent_at), group in groups.items():
        duties = "+".join(sorted(r.duty for r in group))
        sent(
            f"duty-reminder:{membership_id}:{duties}:{sent_at.date().isoformat()}",
            group[0].membership.user.email,
            "duty reminder",
            sent_at,
        )
    OutboxEmail.objects.bulk_create(rows, batch_size=500)


def outbox_to_markers(apps, schema_editor):
    ConvocationNotice = apps.get_model("governance", "ConvocationNotice")
    OutboxEmail = apps.get_model("core", "OutboxEmail")
    keys = OutboxEmail.objects.filter(key__startswith="convocation:").values_list("key", flat=True)
    for key in keys:
        _, assembly_id, membership_id = key.split(":")
        ConvocationNotice.objects.get_or_create(
            assembly_id=int(assembly_id), membership_id=int(membership_id)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_kit_outbox_idempotency'),
        ('governance', '0003_merge_0002_assemblies_0002_votes'),
    ]

    operations = [
        migrations.RunPython(markers_to_outbox, outbox_to_markers),
        migrations.DeleteModel(
            name='ConvocationNotice',
        ),
    ]
