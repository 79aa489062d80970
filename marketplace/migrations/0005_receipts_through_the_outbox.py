# A receipt sent is now a sent row of the outbox under the key ``receipt:<contribution>``:
# the receipts already sent get theirs, so none goes out again after the upgrade.

from django.conf import settings
from django.db import migrations


def receipts_to_outbox(apps, schema_editor):
    Contribution = apps.get_model("marketplace", "Contribution")
    OutboxEmail = apps.get_model("core", "OutboxEmail")
    existing = set(
        OutboxEmail.objects.filter(key__startswith="receipt:").values_list("key", flat=True)
    )
    rows = []
    sent = Contribution.objects.filter(receipt_sent_at__isnull=False).order_by("pk")
    for contribution in sent.iterator(chunk_size=500):
        key = f"receipt:{contribution.pk}"
        if key in existing:
            continue
        rows.append(
            OutboxEmail(
                key=key,
                to=[contribution.email] if contribution.email else [],
                from_email=settings.DEFAULT_FROM_EMAIL,
                subject=f"receipt {contribution.receipt_number}",
                body="",
                status="sent",
                attempts=1,
                sent_at=contribution.receipt_sent_at,
            )
        )
    OutboxEmail.objects.bulk_create(rows, batch_size=500)


def outbox_to_receipts(apps, schema_editor):
    Contribution = apps.get_model("marketplace", "Contribution")
    OutboxEmail = apps.get_model("core", "OutboxEmail")
    rows = OutboxEmail.objects.filter(key__startswith="receipt:", status="sent")
    for key, sent_at in rows.values_list("key", "sent_at"):
        Contribution.objects.filter(pk=int(key.split(":")[1])).update(receipt_sent_at=sent_at)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_kit_outbox_idempotency'),
        ('marketplace', '0004_listings_share_pioneers_skills'),
    ]

    operations = [
        migrations.RunPython(receipts_to_outbox, outbox_to_receipts),
        migrations.RemoveField(
            model_name='contribution',
            name='receipt_sent_at',
        ),
    ]
