"""Project needs become skills with hours wanted: each name of the old comma list
that matches a skill (case- and accent-insensitive) becomes a need, and the names left
over stay, as written, in the project's note on its needs (the renamed column). The
project's needed time is shared evenly between its needs (one hour at least each)."""

import django.db.models.deletion
from django.db import migrations, models

from projects.needs import needs_text_split, skill_key


def needs_from_text(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    ProjectNeed = apps.get_model("projects", "ProjectNeed")
    Skill = apps.get_model("pioneers", "Skill")
    known = {}
    for skill in Skill.objects.order_by("pk"):
        known.setdefault(skill_key(skill.slug), skill.pk)
        known.setdefault(skill_key(skill.name), skill.pk)
    for project in Project.objects.exclude(needs_note="").only("pk", "needs_note", "needed_minutes"):
        skills, leftover = needs_text_split(project.needs_note, known)
        if not skills:
            continue
        share = max(60, (project.needed_minutes or 0) // len(skills))
        ProjectNeed.objects.bulk_create(
            [ProjectNeed(project_id=project.pk, skill_id=pk, minutes_wanted=share) for pk in skills]
        )
        Project.objects.filter(pk=project.pk).update(needs_note=", ".join(leftover)[:500])


def text_from_needs(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    ProjectNeed = apps.get_model("projects", "ProjectNeed")
    names: dict[int, list[str]] = {}
    for project_id, name in ProjectNeed.objects.order_by("pk").values_list("project_id", "skill__name"):
        names.setdefault(project_id, []).append(name)
    for project in Project.objects.filter(pk__in=names).only("pk", "needs_note"):
        text = ", ".join([*names[project.pk], *([project.needs_note] if project.needs_note else [])])
        Project.objects.filter(pk=project.pk).update(needs_note=text[:500])


class Migration(migrations.Migration):

    dependencies = [
        ('pioneers', '0005_pioneer_territory'),
        ('projects', '0005_ranking_extra_weights'),
    ]

    operations = [
        migrations.RenameField(
            model_name="project", old_name="needed_skills", new_name="needs_note"
        ),
        migrations.AlterField(
            model_name='project',
            name='needs_note',
            field=models.CharField(blank=True, help_text='What the needs listed above do not say.', max_length=500, verbose_name='note on the needs'),
        ),
        migrations.CreateModel(
            name='ProjectNeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('minutes_wanted', models.PositiveIntegerField(verbose_name='time wanted (minutes)')),
                ('given_minutes', models.PositiveIntegerField(default=0, verbose_name='time given (minutes)')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='needs', to='projects.project', verbose_name='project')),
                ('skill', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='project_needs', to='pioneers.skill', verbose_name='skill')),
            ],
            options={
                'verbose_name': 'project need',
                'verbose_name_plural': 'project needs',
                'ordering': ['skill__name', 'id'],
                'constraints': [models.UniqueConstraint(fields=('project', 'skill'), name='project_need_one_per_skill'), models.CheckConstraint(condition=models.Q(('minutes_wanted__gte', 60)), name='project_need_at_least_one_hour')],
            },
        ),
        migrations.RunPython(needs_from_text, text_from_needs),
    ]
