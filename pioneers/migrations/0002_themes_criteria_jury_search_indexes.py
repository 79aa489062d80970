"""The seed's themes and admission criteria (editable afterwards in the admin), the jury
group, and on PostgreSQL the GIN indexes of the full-text documents."""

from django.db import migrations

THEMES = [
    # slug, group, French, English
    ("changement-climatique", "boundary", "Changement climatique", "Climate change"),
    ("erosion-biodiversite", "boundary", "Érosion de la biodiversité", "Biodiversity erosion"),
    (
        "changement-utilisation-sols",
        "boundary",
        "Changement d'utilisation des sols",
        "Land-use change",
    ),
    ("acidification-oceans", "boundary", "Acidification des océans", "Ocean acidification"),
    ("alimentation", "resilience", "Alimentation", "Food"),
    ("energie", "resilience", "Énergie", "Energy"),
    ("mobilite", "resilience", "Mobilité", "Mobility"),
    ("solidarite", "resilience", "Solidarité", "Solidarity"),
    ("gouvernance", "resilience", "Gouvernance", "Governance"),
]

CRITERIA = [
    (
        "echelle-impact",
        "Échelle d'impact ou périmètre d'action",
        "Scale of impact or scope of action",
        "Jusqu'où porte l'action de la solution.",
        "How far the solution's action reaches.",
        [
            ("Personnelle ou familiale", "Personal or household"),
            ("Quartier ou commune", "Neighbourhood or commune"),
            ("Territoire (intercommunalité, département, région)", "Territory (district, department, region)"),
            ("National ou international", "National or international"),
        ],
    ),
    (
        "degre-information",
        "Degré d'information",
        "Degree of information",
        "À quel point la solution est documentée et partagée.",
        "How well the solution is documented and shared.",
        [
            ("Peu documentée", "Little documented"),
            ("Présentée publiquement", "Presented publicly"),
            ("Documentée et partagée (guides, vidéos)", "Documented and shared (guides, videos)"),
            ("Ressources ouvertes reprises par d'autres", "Open resources reused by others"),
        ],
    ),
    (
        "connexions-produites",
        "Connexions produites",
        "Connections produced",
        "Les liens que la solution crée entre les personnes et les acteurs.",
        "The links the solution creates between people and organisations.",
        [
            ("Action isolée", "Isolated action"),
            ("Quelques partenaires", "A few partners"),
            ("Réseau local actif", "Active local network"),
            ("Réseau qui essaime ailleurs", "A network that spreads elsewhere"),
        ],
    ),
    (
        "soin-au-vivant",
        "Degré de soin au vivant",
        "Care for the living",
        "Ce que la solution apporte au vivant.",
        "What the solution brings to living beings.",
        [
            ("Neutre", "Neutral"),
            ("Réduit les atteintes", "Reduces harm"),
            ("Protège", "Protects"),
            ("Régénère", "Regenerates"),
        ],
    ),
    (
        "rayonnement-poetique",
        "Rayonnement poétique",
        "Poetic radiance",
        "La beauté, le sens et l'envie d'agir que la solution fait naître.",
        "The beauty, meaning and wish to act the solution inspires.",
        [
            ("Discret", "Discreet"),
            ("Touche son entourage", "Touches the people around"),
            ("Inspire au-delà de son cercle", "Inspires beyond its circle"),
            ("Fait récit et change les imaginaires", "Tells a story that changes imaginations"),
        ],
    ),
    (
        "changement-innovation",
        "Degré de changement ou d'innovation sociale/sociétale",
        "Degree of social or societal change or innovation",
        "Ce que la solution change dans la façon de vivre ensemble.",
        "What the solution changes in the way we live together.",
        [
            ("Reproduit l'existant", "Reproduces what exists"),
            ("Adapte une pratique connue", "Adapts a known practice"),
            ("Innove localement", "Innovates locally"),
            ("Ouvre une voie nouvelle", "Opens a new way"),
        ],
    ),
    (
        "engagement",
        "Degré d'engagement ou de motivation",
        "Degree of engagement or motivation",
        "La place que la solution tient dans la vie de son porteur.",
        "The place the solution holds in its carrier's life.",
        [
            ("Intérêt naissant", "Emerging interest"),
            ("Engagement ponctuel", "Occasional engagement"),
            ("Engagement régulier", "Regular engagement"),
            ("Engagement au cœur de sa vie", "Engagement at the heart of their life"),
        ],
    ),
]

GIN_INDEXES = {
    "pioneer_search_public_gin": "search_public",
    "pioneer_search_members_gin": "search_members",
}


def seed(apps, schema_editor):
    Theme = apps.get_model("pioneers", "Theme")
    Criterion = apps.get_model("pioneers", "Criterion")
    CriterionLevel = apps.get_model("pioneers", "CriterionLevel")
    Group = apps.get_model("auth", "Group")
    for position, (slug, group, fr, en) in enumerate(THEMES):
        Theme.objects.get_or_create(
            slug=slug,
            defaults={"group": group, "label_fr": fr, "label_en": en, "position": position},
        )
    for position, (slug, fr, en, desc_fr, desc_en, levels) in enumerate(CRITERIA):
        criterion, created = Criterion.objects.get_or_create(
            slug=slug,
            defaults={
                "label_fr": fr,
                "label_en": en,
                "description_fr": desc_fr,
                "description_en": desc_en,
                "position": position,
            },
        )
        if created:
            CriterionLevel.objects.bulk_create(
                CriterionLevel(criterion=criterion, value=value, label_fr=lfr, label_en=len_)
                for value, (lfr, len_) in enumerate(levels, start=1)
            )
    Group.objects.get_or_create(name="pioneer_jury")


def search_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in GIN_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON pioneers_pioneer USING gin ({column})"
        )


def search_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in GIN_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("pioneers", "0001_profiles_admission_import"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(search_indexes_create, search_indexes_drop),
    ]
