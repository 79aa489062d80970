"""The five axes of seed 001, the audiences, the published review grid, and the
``unaccent`` extension the French search needs on PostgreSQL."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

AXES = [
    ("alimentaire", "Résilience alimentaire", "Food resilience"),
    ("energetique", "Résilience énergétique", "Energy resilience"),
    (
        "autonomie-solidarite",
        "Autonomie intellectuelle et solidarité sociale",
        "Intellectual autonomy and social solidarity",
    ),
    ("sanitaire", "Résilience sanitaire", "Health resilience"),
    ("economique", "Résilience économique", "Economic resilience"),
]

AUDIENCES = [
    ("elus", "Élu·es et collectivités", "Elected officials and local authorities"),
    ("collectifs-citoyens", "Collectifs citoyens", "Citizen groups"),
    ("associations", "Associations", "Associations"),
    ("entreprises", "Entreprises", "Companies"),
    ("agents", "Agents et technicien·nes", "Local government staff"),
    ("grand-public", "Grand public", "General public"),
]

LEVELS = [
    (0, "Absent", "Absent"),
    (1, "Insuffisant", "Insufficient"),
    (2, "Satisfaisant", "Satisfactory"),
    (3, "Excellent", "Excellent"),
]

CRITERIA = [
    (
        "robustesse-scientifique",
        "Robustesse scientifique",
        "Scientific robustness",
        "Les faits sont sourcés, les chiffres vérifiables, les limites dites (critère de "
        "scientificité). Doit être au moins « Satisfaisant » pour chaque relecteur.",
        "Facts are sourced, figures checkable, limits stated. Must be at least "
        "« Satisfactory » in every review.",
        True,
    ),
    (
        "utilite",
        "Utilité pour les territoires",
        "Usefulness for territories",
        "La ressource aide concrètement des élu·es, collectifs ou associations à agir.",
        "The resource concretely helps officials, groups or associations to act.",
        False,
    ),
    (
        "clarte",
        "Clarté et accessibilité",
        "Clarity and accessibility",
        "Lisible par le public visé, sans jargon inutile.",
        "Readable by its audience, without needless jargon.",
        False,
    ),
    (
        "reutilisabilite",
        "Réutilisabilité",
        "Reusability",
        "Licence ouverte, sources et fichiers réutilisables, adaptable à d'autres territoires.",
        "Open licence, reusable sources and files, adaptable to other territories.",
        False,
    ),
]


def forwards(apps, schema_editor):
    Axis = apps.get_model("commons", "Axis")
    Audience = apps.get_model("commons", "Audience")
    ReviewCriterion = apps.get_model("commons", "ReviewCriterion")
    ReviewLevel = apps.get_model("commons", "ReviewLevel")
    for position, (slug, fr, en) in enumerate(AXES):
        Axis.objects.get_or_create(
            slug=slug, defaults={"label_fr": fr, "label_en": en, "position": position}
        )
    for position, (slug, fr, en) in enumerate(AUDIENCES):
        Audience.objects.get_or_create(
            slug=slug, defaults={"label_fr": fr, "label_en": en, "position": position}
        )
    for position, (slug, fr, en, dfr, den, required) in enumerate(CRITERIA):
        criterion, _ = ReviewCriterion.objects.get_or_create(
            slug=slug,
            defaults={
                "label_fr": fr,
                "label_en": en,
                "description_fr": dfr,
                "description_en": den,
                "required": required,
                "pass_value": 2,
                "position": position,
            },
        )
        for value, lfr, len_ in LEVELS:
            ReviewLevel.objects.get_or_create(
                criterion=criterion, value=value, defaults={"label_fr": lfr, "label_en": len_}
            )


class Migration(migrations.Migration):
    dependencies = [("commons", "0001_initial")]

    operations = [
        # CreateExtension does nothing on another database (SQLite: folded search_text).
        UnaccentExtension(),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
