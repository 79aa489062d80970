"""Demo pioneers: about sixty solutions spread over the communes named in the seeds.

Most come in through the import (as a catalogue of filmed initiatives would), a few
through the admission flow (application, jury scores, decision); Inès and Hugo, the demo
pioneers, get their profiles — Hugo's is out of date, so his "profile" duty shows unmet.
Safe to run again: imports match on external ids, people on their e-mail address.
"""

import csv
import datetime
import io
import random
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from backend.accounts.models import User
from pioneers import services
from pioneers.models import Application, ApplicationStatus, Criterion, Pioneer, Theme
from pioneers.rules import JURY_GROUP

COMMUNES = Path(__file__).resolve().parent / "data" / "communes.csv"

SOLUTIONS = [
    # title, description, themes, skills
    (
        "Nettoyage des berges du fleuve",
        "Des journées de ramassage collectif en amont du fleuve, pour qu'aucun déchet ne parte à la mer en cas de crue.",
        ["acidification-oceans", "erosion-biodiversite"],
        ["animation de chantiers", "tri des déchets"],
    ),
    (
        "Jardin partagé en permaculture",
        "Un jardin ouvert au quartier où l'on apprend à cultiver sans labour et à composter.",
        ["alimentation", "changement-utilisation-sols"],
        ["permaculture", "compostage"],
    ),
    (
        "Repair café",
        "Chaque mois, des bénévoles réparent avec les habitants leurs objets du quotidien.",
        ["changement-climatique", "solidarite"],
        ["réparation électroménager", "couture"],
    ),
    (
        "Grainothèque de semences anciennes",
        "Une bibliothèque de graines paysannes reproductibles, échangées librement.",
        ["erosion-biodiversite", "alimentation"],
        ["sélection de semences", "maraîchage"],
    ),
    (
        "Coopérative citoyenne d'énergie solaire",
        "Des habitants financent et installent des panneaux solaires sur les toits publics.",
        ["energie", "changement-climatique"],
        ["photovoltaïque", "finance participative"],
    ),
    (
        "Covoiturage solidaire rural",
        "Une communauté de conducteurs qui emmène les personnes sans voiture vers les services.",
        ["mobilite", "solidarite"],
        ["animation de réseau", "logistique"],
    ),
    (
        "Ressourcerie de village",
        "Collecte, réemploi et revente à petit prix des objets dont on ne veut plus.",
        ["changement-climatique", "solidarite"],
        ["menuiserie", "réemploi"],
    ),
    (
        "Plantation de haies bocagères",
        "Avec les agriculteurs, des kilomètres de haies replantées pour l'eau et les oiseaux.",
        ["erosion-biodiversite", "changement-utilisation-sols"],
        ["plantation d'arbres", "botanique"],
    ),
    (
        "Épicerie vrac et circuits courts",
        "Une épicerie associative qui achète directement aux producteurs du territoire.",
        ["alimentation", "changement-climatique"],
        ["gestion associative", "comptabilité"],
    ),
    (
        "Budget participatif de quartier",
        "Les habitants proposent et votent les projets financés par la commune.",
        ["gouvernance"],
        ["facilitation", "démocratie participative"],
    ),
    (
        "Centre de soins de la faune sauvage",
        "Recueillir, soigner et relâcher les animaux sauvages blessés.",
        ["erosion-biodiversite"],
        ["soins animaliers", "sensibilisation"],
    ),
    (
        "Rucher pédagogique",
        "Des ruches installées dans les écoles pour découvrir les pollinisateurs.",
        ["erosion-biodiversite", "alimentation"],
        ["apiculture", "pédagogie"],
    ),
    (
        "Vélo-école et atelier d'autoréparation",
        "Apprendre à rouler en ville et à entretenir son vélo soi-même.",
        ["mobilite", "changement-climatique"],
        ["mécanique vélo", "pédagogie"],
    ),
    (
        "Habitat participatif à énergie positive",
        "Un immeuble conçu et géré par ses habitants, qui produit plus d'énergie qu'il n'en consomme.",
        ["energie", "gouvernance"],
        ["éco-construction", "gouvernance partagée"],
    ),
    (
        "Réseau d'entraide face aux crues",
        "Des voisins formés qui s'organisent avant, pendant et après les inondations.",
        ["solidarite", "gouvernance"],
        ["gestion de crise", "premiers secours"],
    ),
    (
        "Ferme urbaine sur les toits",
        "Des potagers sur les toits de la ville, cultivés avec une association d'insertion.",
        ["alimentation", "changement-utilisation-sols"],
        ["agriculture urbaine", "maraîchage"],
    ),
    (
        "Monnaie locale complémentaire",
        "Une monnaie qui fait circuler l'argent entre les commerces du territoire.",
        ["gouvernance", "solidarite"],
        ["économie locale", "animation de réseau"],
    ),
    (
        "Compostage collectif en pied d'immeuble",
        "Des bacs de compost gérés par les habitants, et un guide pour en ouvrir d'autres.",
        ["changement-climatique", "changement-utilisation-sols"],
        ["compostage", "animation de chantiers"],
    ),
    (
        "Fresque du climat pour les élus",
        "Des ateliers pour comprendre ensemble les causes et les effets du dérèglement.",
        ["changement-climatique", "gouvernance"],
        ["animation d'ateliers", "climatologie"],
    ),
    (
        "Cantine 100 % locale",
        "Une cantine scolaire approvisionnée par les fermes à moins de 50 km.",
        ["alimentation"],
        ["cuisine collective", "achats publics"],
    ),
    (
        "Sentinelles de la rivière",
        "Des citoyens qui mesurent la qualité de l'eau et alertent en cas de pollution.",
        ["acidification-oceans", "erosion-biodiversite"],
        ["analyse de l'eau", "sciences participatives"],
    ),
    (
        "Autopartage de village",
        "Trois voitures électriques partagées par cinquante foyers.",
        ["mobilite", "energie"],
        ["gestion de flotte", "animation de réseau"],
    ),
    (
        "Tiers-lieu rural",
        "Un lieu ouvert pour travailler, apprendre et monter des projets ensemble.",
        ["gouvernance", "solidarite"],
        ["facilitation", "gestion de lieu"],
    ),
    (
        "Régénération des sols vivants",
        "Accompagner les agriculteurs vers des sols couverts et riches en vie.",
        ["changement-utilisation-sols", "alimentation"],
        ["agronomie", "couverts végétaux"],
    ),
]

FIRST_NAMES = [
    "Camille", "Lucie", "Mathis", "Nadia", "Théo", "Aurélie", "Karim", "Élodie", "Julien",
    "Manon", "Bastien", "Salomé", "Yacine", "Chloé", "Antoine", "Maëlle", "Rachid", "Pauline",
    "Gaël", "Inès", "Louis", "Sarah", "Émile", "Fanny",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Roux", "Fabre", "Garnier", "Chevalier", "Lambert", "Bonnet", "Faure", "Mercier",
    "Blanc", "Guerin", "Muller", "Henry", "Rousseau", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Vidal",
]  # fmt: skip

CATALOGUE_SIZE = 54

APPLICANTS = [
    # e-mail, first, last, commune, solution index, outcome
    ("amelie.roya@demo.terreau.coop", "Amélie", "Giordano", "Breil-sur-Roya", 14, "admitted"),
    ("thomas.bauges@demo.terreau.coop", "Thomas", "Favre", "Le Châtelard", 7, "admitted"),
    ("noemie.migne@demo.terreau.coop", "Noémie", "Brunet", "Migné-Auxances", 22, "admitted"),
    ("samir.limoges@demo.terreau.coop", "Samir", "Haddad", "Limoges", 16, "admitted"),
    ("claire.nevers@demo.terreau.coop", "Claire", "Dubois", "Nevers", 19, "submitted"),
    ("paul.jura@demo.terreau.coop", "Paul", "Vuillemin", "Lons-le-Saunier", 4, "more_info"),
]


def _communes() -> list[dict]:
    with COMMUNES.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _catalogue_csv(communes: list[dict]) -> bytes:
    """The demo catalogue, as the CSV a coordinator would upload."""
    rng = random.Random(2021)  # noqa: S311 — demo data, not secrets
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "external_id",
            "display_name",
            "solution_title",
            "description",
            "commune",
            "postcode",
            "latitude",
            "longitude",
            "themes",
            "skills",
            "video_url",
        ]
    )
    for number in range(1, CATALOGUE_SIZE + 1):
        # Every commune of the list, then round again; names and solutions mixed apart.
        commune = communes[(number - 1) % len(communes)]
        title, description, themes, skills = SOLUTIONS[(number * 7) % len(SOLUTIONS)]
        first = FIRST_NAMES[number % len(FIRST_NAMES)]
        name = f"{first} {LAST_NAMES[(number * 5 + number // len(LAST_NAMES)) % len(LAST_NAMES)]}"
        # A few kilometres around the commune's centre, so that markers do not overlap.
        lat = float(commune["latitude"]) + rng.uniform(-0.04, 0.04)
        lon = float(commune["longitude"]) + rng.uniform(-0.05, 0.05)
        writer.writerow(
            [
                f"opala-demo-{number:03d}",
                name,
                f"{title} — {commune['commune']}",
                description,
                commune["commune"],
                commune["postcode"],
                f"{lat:.5f}",
                f"{lon:.5f}",
                ";".join(themes),
                ";".join(skills),
                f"https://onpassealacte.fr/initiative.demo-{number:03d}.html",
            ]
        )
    return out.getvalue().encode()


def _person(email: str, first: str, last: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        from backend.accounts.demo import DEMO_PASSWORD

        user = User(email=email, first_name=first, last_name=last)
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _demo_profiles(coordinator: User | None, communes: dict[str, dict]) -> int:
    created = 0
    profiles = [
        (
            "ines.pionniere@terreau.coop",
            "Jardin d'entraide de Briançon",
            "Un jardin partagé où l'on cultive, cuisine et s'entraide en montagne.",
            "Briançon",
            ["alimentation", "solidarite"],
            ["maraîchage", "cuisine collective"],
            False,
        ),
        (
            "hugo.pionnier@terreau.coop",
            "Atelier vélo de Grenoble",
            "Un atelier où chacun apprend à réparer son vélo, et des balades pour oser rouler.",
            "Grenoble",
            ["mobilite"],
            ["mécanique vélo"],
            True,
        ),
    ]
    for email, title, description, place, themes, skills, stale in profiles:
        user = User.objects.filter(email=email).first()
        if user is None or Pioneer.objects.filter(user=user).exists():
            continue
        commune = communes[place]
        pioneer = services.pioneer_create(
            actor=coordinator,
            user=user,
            display_name=user.display_name,
            solution_title=title,
            solution_description=description,
            commune=place,
            postcode=commune["postcode"],
            latitude=float(commune["latitude"]),
            longitude=float(commune["longitude"]),
            contact_email=email,
            themes=list(Theme.objects.filter(slug__in=themes)),
            skills=skills,
        )
        if stale:  # an old profile: the freshness duty shows it
            Pioneer.objects.filter(pk=pioneer.pk).update(
                updated_at=timezone.now() - datetime.timedelta(days=450)
            )
        created += 1
    return created


def _admission_flow(coordinator: User | None, communes: dict[str, dict]) -> int:
    if coordinator is None:
        return 0
    juror = User.objects.filter(email="lea.associee@terreau.coop").first()
    jury = Group.objects.get_or_create(name=JURY_GROUP)[0]
    if juror is not None:
        juror.groups.add(jury)
    criteria = list(Criterion.objects.filter(is_active=True))
    decided = 0
    for index, (email, first, last, place, solution, outcome) in enumerate(APPLICANTS):
        user = _person(email, first, last)
        if Application.objects.filter(user=user).exists() or Pioneer.objects.filter(user=user):
            continue
        title, description, themes, _skills = SOLUTIONS[solution]
        application = services.application_submit(
            user=user,
            display_name=f"{first} {last}",
            solution_title=f"{title} — {place}",
            solution_description=description,
            motivation="Je souhaite rejoindre la communauté des pionniers pour essaimer.",
            commune=place,
            postcode=communes[place]["postcode"],
            themes=list(Theme.objects.filter(slug__in=themes)),
        )
        for scorer in filter(None, [coordinator, juror]):
            services.application_scores_save(
                scorer=scorer,
                application=application,
                scores=[(c, 2 + (index + c.position + scorer.pk) % 3, "") for c in criteria],
            )
        if outcome == ApplicationStatus.SUBMITTED:
            continue
        reasons = {
            "admitted": "Une solution ancrée dans son territoire, qui crée du lien.",
            "more_info": "Pouvez-vous préciser combien de personnes participent à la solution ?",
        }
        result = services.application_decide(
            actor=coordinator, application=application, outcome=outcome, reason=reasons[outcome]
        )
        if result.pioneer is not None:
            commune = communes[place]
            services.pioneer_update(
                actor=user,
                pioneer=result.pioneer,
                latitude=float(commune["latitude"]),
                longitude=float(commune["longitude"]),
            )
        decided += 1
    return decided


def seed(*, stdout) -> None:
    coordinator = User.objects.filter(email="jardinier@terreau.coop").first()
    communes = _communes()
    by_name = {c["commune"]: c for c in communes}
    imported = Pioneer.objects.filter(external_id__startswith="opala-demo-").count()
    report = services.ImportReport()
    if imported < CATALOGUE_SIZE:
        report = services.pioneers_import(
            actor=coordinator, content=_catalogue_csv(communes), name="demo-catalogue.csv"
        )
    profiles = _demo_profiles(coordinator, by_name)
    decided = _admission_flow(coordinator, by_name)
    stdout.write(
        f"Pioneers: {Pioneer.objects.count()} profiles ({report.created} imported, "
        f"{profiles} demo profiles, {decided} applications decided), "
        f"{len(report.rejected)} rejected rows."
    )
