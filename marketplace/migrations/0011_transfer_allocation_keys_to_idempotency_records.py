# The keys of time transfers and fund allocations move from their rows to the one
# idempotency table (backend.core.idempotency), as the contributions' did (0009): each
# keyed row becomes the first answer of its key, so a form or a client that retries
# across the upgrade still gets its transfer or allocation back. Then the columns go.
#
# The old keys were "form-<token>" (an HTML form's hidden token), "demo-…" (the demo
# seeder, which now finds its rows by their content) or an API client's own key.

from django.db import migrations

FORM_PREFIX = "form-"
DEMO_PREFIX = "demo-"
# (model, scope of an API key, scope of a form's token, the empty key of the old rows)
KEYED = [
    ("TimeTransfer", "marketplace.transfer", "marketplace.transfer.form", None),
    ("FundAllocation", "marketplace.allocation", "marketplace.allocation.form", ""),
]


def keys_to_records(apps, schema_editor):
    IdempotencyRecord = apps.get_model("core", "IdempotencyRecord")
    for model_name, api_scope, form_scope, empty in KEYED:
        rows = (
            apps.get_model("marketplace", model_name)
            .objects.exclude(idempotency_key=empty)
            .exclude(idempotency_key__isnull=True)
            .values_list("pk", "created_by_id", "idempotency_key")
            .order_by("pk")
        )
        for pk, user_id, key in rows.iterator():
            if key.startswith(DEMO_PREFIX):
                continue
            scope = api_scope
            if key.startswith(FORM_PREFIX):
                scope, key = form_scope, key[len(FORM_PREFIX) :]
            IdempotencyRecord.objects.get_or_create(
                user_id=user_id,  # None: the system's own calls, as the services file them
                scope=scope,
                key=key,
                # No digest of the first request was kept: the key replays its row.
                defaults={"fingerprint": "", "status_code": 201, "response": {"id": pk}},
            )


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_idempotency_guest_keys"),
        ("marketplace", "0010_merge_keys_and_project_needs"),
    ]

    operations = [
        migrations.RunPython(keys_to_records, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="fundallocation",
            name="allocation_idempotency_unique",
        ),
        migrations.RemoveConstraint(
            model_name="timetransfer",
            name="time_transfer_idempotency_key",
        ),
        migrations.RemoveField(
            model_name="fundallocation",
            name="idempotency_key",
        ),
        migrations.RemoveField(
            model_name="timetransfer",
            name="idempotency_key",
        ),
    ]
