"""Demo projects across the lifecycle, concern flags from the demo pioneers, a published ranking."""

import contextlib
import datetime

from django.utils import timezone
from django.utils.text import slugify

from backend.accounts.models import User
from pioneers.models import Skill, Theme
from projects import services
from projects.errors import ProjectError
from projects.models import Project, ProjectNeed, RankingSnapshot
from projects.selectors import project_commune_of

_PATHS = {
    "draft": [],
    "submitted": ["submitted"],
    "in_review": ["submitted", "in_review"],
    "returned": ["submitted", "in_review", "returned"],
    "declined": ["submitted", "in_review", "declined"],
    "accepted_for_vote": ["submitted", "in_review", "accepted_for_vote"],
    "selected": ["submitted", "in_review", "accepted_for_vote", "selected"],
    "not_selected": ["submitted", "in_review", "accepted_for_vote", "not_selected"],
    "in_progress": ["submitted", "in_review", "accepted_for_vote", "selected", "in_progress"],
    "abandoned": ["abandoned"],
    "completed": [
        "submitted", "in_review", "accepted_for_vote", "selected", "in_progress", "completed",
    ],
}  # fmt: skip
_REASONS = {
    "returned": "Merci de préciser le budget poste par poste.",
    "declined": "Le projet sert surtout une structure privée, pas l'intérêt général des pionniers.",
}
_AUTHOR_STEPS = {"submitted", "abandoned"}  # the authors abandon their own draft

# slug, title, summary, status, cost €, self-financing €, skills, hours, author, concerned by
PROJECTS = [
    ("atelier-reparation-partage", "Atelier de réparation partagé",
     "Un atelier mobile où chacun répare ses objets avec l'aide des pionniers.",
     "selected", 8_000, 2_000, "mécanique, électronique, animation", 120, "ines", ["ines", "hugo"]),
    ("carte-solutions-citoyennes", "Carte des solutions citoyennes",
     "Géolocaliser les 600 solutions filmées pour favoriser l'entraide locale.",
     "in_progress", 10_000, 1_000, "développement web, cartographie", 200, "hugo", ["ines", "hugo"]),
    ("grille-indicateurs-impact", "Grille d'indicateurs d'impact",
     "Co-construire des indicateurs de l'engagement sociétal et les tester sur un territoire.",
     "selected", 14_600, 0, "évaluation, statistiques", 160, "ines", ["hugo"]),
    ("films-pionniers", "Films de présentation des pionniers",
     "Tourner de courts films pour faire connaître les projets de la communauté.",
     "accepted_for_vote", 15_000, 5_000, "tournage, montage vidéo", 80, "hugo", ["ines"]),
    ("nettoyage-berges", "Journées de nettoyage des berges",
     "Organiser des journées collectives de nettoyage en amont des fleuves.",
     "accepted_for_vote", 1_500, 1_500, "logistique, communication", 60, "ines", ["ines", "hugo"]),
    ("rencontre-annuelle", "Rencontre annuelle des pionniers",
     "Un moment convivial pour se rencontrer et choisir ensemble les prochains projets.",
     "completed", 3_000, 1_000, "organisation d'événements", 40, "hugo", []),
    ("place-des-marches", "Test de la place des marchés",
     "Expérimenter l'échange de compétences et d'heures entre pionniers.",
     "in_review", 2_000, 0, "animation, comptabilité", 50, "ines", ["hugo"]),
    ("mentorat-porteurs", "Mentorat des porteurs de projet",
     "Associer chaque nouveau pionnier à un pionnier expérimenté.",
     "submitted", 500, 0, "accompagnement", 100, "hugo", ["ines"]),
    ("jardin-semences", "Grainothèque partagée",
     "Un réseau de boîtes à semences libres dans les lieux des pionniers.",
     "returned", 1_200, 300, "jardinage", 30, "ines", []),
    ("salon-prive", "Stand dans un salon professionnel",
     "Louer un stand pour une seule structure membre.",
     "declined", 6_000, 0, "", 10, "hugo", []),
    ("formation-financement", "Formation à la recherche de financements",
     "Mutualiser les savoir-faire pour trouver des financements.",
     "not_selected", 4_000, 0, "financement, rédaction", 24, "ines", []),
    ("four-solaire-collectif", "Four solaire collectif",
     "Construire un four solaire pour les fêtes de quartier.",
     "abandoned", 900, 0, "menuiserie", 20, "ines", []),
    ("guide-resilience", "Guide pratique de la résilience locale",
     "Rassembler les méthodes des pionniers dans un guide libre.",
     "draft", 2_500, 500, "rédaction, mise en page", 60, "hugo", []),
]  # fmt: skip


def seed(*, stdout) -> None:
    people = {
        "ines": User.objects.filter(email="ines.pionniere@terreau.coop").first(),
        "hugo": User.objects.filter(email="hugo.pionnier@terreau.coop").first(),
    }
    coordinator = User.objects.filter(email="jardinier@terreau.coop").first()
    if not all(people.values()) or coordinator is None:
        stdout.write("projects: demo people missing, skipped")
        return
    created = 0
    themes = list(Theme.objects.order_by("position", "slug"))
    # The completed project first: it went through « in progress » before the running one
    # started (one project in progress at a time, issue 15 §2).
    ordered = sorted(PROJECTS, key=lambda row: row[3] != "completed")
    for slug, title, summary, status, cost, own, skills, hours, author, concerned in ordered:
        if Project.objects.filter(slug=slug).exists():
            continue
        project = Project.objects.create(
            slug=slug,
            title=title,
            summary=summary,
            description=f"## {title}\n\n{summary}\n\n*Projet de démonstration.*",
            estimated_cost_cents=cost * 100,
            self_financing_cents=own * 100,
            self_financing_note="Participation libre et bénévolat des pionniers." if own else "",
            needed_minutes=hours * 60,
            created_by=people[author],
            # Where the service puts a proposal: its proposer's commune.
            territory_id=project_commune_of([people[author]]),
        )
        names = [name.strip() for name in skills.split(",")]
        for name in names:
            skill, _created = Skill.objects.get_or_create(
                slug=slugify(name), defaults={"name": name}
            )
            ProjectNeed.objects.create(
                project=project, skill=skill, minutes_wanted=max(60, hours * 60 // len(names))
            )
        project.authors.add(people[author])
        # Two themes per project, spread over the seed's themes.
        if themes:
            project.themes.set([themes[created % len(themes)], themes[(created + 3) % len(themes)]])
        for step in _PATHS[status]:
            actor = people[author] if step in _AUTHOR_STEPS else coordinator
            services.project_transition(
                actor=actor, project=project, to=step, reason=_REASONS.get(step, "")
            )
        project.refresh_from_db()
        for name in concerned:
            if project.status in services.concern.CONCERN_OPEN_STATES:
                with contextlib.suppress(ProjectError):  # not (yet) an active pioneer
                    services.concern_flag(actor=people[name], project=project)
        if status in {"in_progress", "completed"}:
            services.milestone_create(
                actor=coordinator,
                project=project,
                title="Lancement",
                due_on=timezone.localdate() - datetime.timedelta(days=30),
            )
            services.project_update_create(
                actor=people[author],
                project=project,
                text="Le projet a démarré : premières réunions et répartition des rôles.",
                progress_percent=100 if status == "completed" else 35,
            )
        if status in {"submitted", "selected"}:
            comment = services.comment_create(
                actor=people["hugo" if author == "ines" else "ines"],
                project=project,
                body="Très bonne idée, je peux donner quelques heures.",
            )
            services.comment_create(
                actor=people[author], project=project, body="Merci, je note !", parent=comment
            )
        created += 1
    if not RankingSnapshot.objects.exists():
        services.ranking_publish(
            actor=coordinator,
            weight_concern=50,
            weight_cost=30,
            weight_self_financing=20,
            note="Premier classement : priorité aux projets qui concernent le plus de pionniers.",
        )
    stdout.write(f"projects: {created} demo projects added")
