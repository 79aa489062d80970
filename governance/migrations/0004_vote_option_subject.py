"""Vote options refer to their subject by kind and id instead of a foreign key to
projects.Project (governance sits left of projects: backend/core/layers.py).

A database migrated before this change still has ``governance_voteoption.project_id``
(migration 0002 created it then; 0002 no longer does). Its values move to
``subject_kind = 'project'``, ``subject_id = project_id``, then the column goes. A fresh
database never had the column and this step does nothing there.
"""

from django.db import migrations, models

TABLE = "governance_voteoption"
LEGACY = "project_id"


def _columns(schema_editor) -> set[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, TABLE)}


def legacy_project_links_move(apps, schema_editor) -> None:
    if LEGACY not in _columns(schema_editor):
        return
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        # The append-only guard of 0002 refuses any UPDATE of a closed vote's options;
        # this one changes no vote's meaning, only how the link is stored.
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
    schema_editor.execute(
        f"UPDATE {TABLE} SET subject_kind = 'project', subject_id = {LEGACY} "  # noqa: S608
        f"WHERE {LEGACY} IS NOT NULL"
    )
    if postgres:
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        # CASCADE drops the foreign key and the partial unique index on the column.
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN {LEGACY} CASCADE")
    else:
        # SQLite cannot drop a column under a foreign key: rebuild the table from the
        # model's state, which has no project column (Django's own way on SQLite).
        schema_editor._remake_table(apps.get_model("governance", "VoteOption"))


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0003_merge_0002_assemblies_0002_votes"),
    ]

    operations = [
        # Nullable and without default: a plain ALTER TABLE ADD COLUMN on both databases,
        # so the legacy column is still there for the copy below.
        migrations.AddField(
            model_name="voteoption",
            name="subject_kind",
            field=models.CharField(
                blank=True, max_length=30, null=True, verbose_name="subject kind"
            ),
        ),
        migrations.AddField(
            model_name="voteoption",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="subject id"),
        ),
        migrations.RunPython(legacy_project_links_move, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="voteoption",
            constraint=models.UniqueConstraint(
                condition=models.Q(("subject_id__isnull", False)),
                fields=("vote", "subject_kind", "subject_id"),
                name="vote_option_subject_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="voteoption",
            constraint=models.CheckConstraint(
                condition=models.Q(("subject_id__isnull", True), ("subject_kind__isnull", True))
                | models.Q(("subject_id__isnull", False), ("subject_kind__isnull", False)),
                name="vote_option_subject_whole",
            ),
        ),
        migrations.AddIndex(
            model_name="voteoption",
            index=models.Index(fields=["subject_kind", "subject_id"], name="vote_option_subject"),
        ),
    ]
