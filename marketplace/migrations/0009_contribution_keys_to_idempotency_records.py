# The keys of contributions move from the contribution's row to the one idempotency table
# (backend.core.idempotency): each keyed contribution becomes the first answer of its key,
# so a retry sent across the upgrade still gets its contribution back. Then the row's
# columns go.

from django.db import migrations

API_SCOPE = "marketplace.contribution"
FORM_SCOPE = "marketplace.contribution.form"
FORM_PREFIX = "form-"  # the old rows' mark of a key from the HTML form's token


def keys_to_records(apps, schema_editor):
    Contribution = apps.get_model("marketplace", "Contribution")
    IdempotencyRecord = apps.get_model("core", "IdempotencyRecord")
    rows = (
        Contribution.objects.exclude(idempotency_key="")
        .values_list("pk", "idempotency_scope", "idempotency_key")
        .order_by("pk")
    )
    for pk, old_scope, key in rows.iterator():
        scope = API_SCOPE
        if key.startswith(FORM_PREFIX):
            scope, key = FORM_SCOPE, key[len(FORM_PREFIX):]
        if old_scope.startswith("user:"):
            user_id = int(old_scope.removeprefix("user:"))
        else:  # "guest:<sha256 of the address>": the scope names the guest
            user_id, scope = None, f"{scope}:guest:{old_scope.removeprefix('guest:')[:40]}"
        IdempotencyRecord.objects.get_or_create(
            user_id=user_id,
            scope=scope,
            key=key,
            # No digest of the first request was kept: the key replays its contribution.
            defaults={"fingerprint": "", "status_code": 201, "response": {"id": pk}},
        )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_idempotency_guest_keys'),
        ('marketplace', '0008_merge_listing_territory'),
    ]

    operations = [
        migrations.RunPython(keys_to_records, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='contribution',
            name='contribution_idempotency_unique',
        ),
        migrations.RemoveField(
            model_name='contribution',
            name='idempotency_key',
        ),
        migrations.RemoveField(
            model_name='contribution',
            name='idempotency_scope',
        ),
    ]
