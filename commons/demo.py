"""Demo commons: resources and directory entries drawn from the seeds' own examples
(seeds 000–003 name them publicly), a committee, reviews and decisions. Idempotent."""

import datetime

from django.utils import timezone

from backend.accounts.models import User
from commons.models import (
    Audience,
    Axis,
    CommitteeMember,
    Entry,
    Resource,
    ReviewCriterion,
)
from commons.services.committee import (
    committee_member_appoint,
    committee_session_create,
    resource_decide,
    review_submit,
)
from commons.services.directory import entry_create, entry_report
from commons.services.resources import ResourceInput, resource_feedback_give, resource_suggest

COMMITTEE = [
    "sophie.fondatrice@terreau.coop",
    "malik.associe@terreau.coop",
    "lea.associee@terreau.coop",
]

# title, kind, authors, summary, axes, audiences, territory, licence, easy_read, outcome
RESOURCES = [
    ("Énergies renouvelables citoyennes", "method", "La Traverse",
     "Monter une production d'énergie renouvelable portée par les habitants et la commune : "
     "débat local, société citoyenne, premiers panneaux.",
     ["energetique"], ["elus", "collectifs-citoyens"], "rural", "CC-BY-SA-4.0", False, "published"),
    ("Fiches actions pour la résilience locale", "action_sheet", "La Traverse",
     "Les actions qui renforcent la résilience locale, rangées selon cinq axes : alimentaire, "
     "énergétique, autonomie intellectuelle et solidarité sociale, sanitaire, économique.",
     ["alimentaire", "energetique", "autonomie-solidarite", "sanitaire", "economique"],
     ["elus", "collectifs-citoyens"], "rural", "CC-BY-SA-4.0", True, "published"),
    ("Guide de l'enquête collective", "method", "La Traverse, Les Localos",
     "Des volontaires formés recueillent la parole des habitants avec un questionnaire défini "
     "ensemble, pour enrichir le diagnostic du territoire.",
     ["autonomie-solidarite"], ["collectifs-citoyens", "associations"], "rural", "CC-BY-SA-4.0",
     False, "published"),
    ("Exposition évolutive énergie-climat", "tool", "La Traverse",
     "Une exposition sur les enjeux énergie-climat et la résilience, enrichie au fil de "
     "l'accompagnement par les initiatives locales.",
     ["energetique"], ["grand-public", "elus"], "any", "CC-BY-SA-4.0", True, "published"),
    ("Graines de résilience", "experience", "La Traverse",
     "Rapport sur la manière dont se structurent les dynamiques collectives de transition dans "
     "treize territoires ruraux et périurbains traversés.",
     ["autonomie-solidarite"], ["elus", "agents"], "rural", "CC-BY-SA-4.0", False, "published"),
    ("Tour de France de la résilience (podcast)", "media", "La Traverse",
     "Des épisodes de vingt minutes qui racontent les stratégies de résilience de territoires "
     "ruraux (un lien, jamais un lecteur intégré).",
     ["autonomie-solidarite"], ["grand-public"], "rural", "CC-BY-SA-4.0", True, "published"),
    ("Méthode Solucracy de mise en action citoyenne", "method", "Solucracy",
     "Une méthode simple pour recueillir les besoins des habitants et les mettre en action, "
     "déployée à Léaz, Ferney-Voltaire, Lunas et Combloux.",
     ["autonomie-solidarite", "economique"], ["collectifs-citoyens", "elus"], "any",
     "CC-BY-SA-4.0", True, "published"),
    ("Résidence de territoire de treize jours", "experience", "REACT",
     "Une équipe pluridisciplinaire (sociologue, ingénieur…) s'installe treize jours dans une "
     "commune rurale pour lancer une dynamique de transition.",
     ["autonomie-solidarite"], ["elus"], "rural", "CC-BY-4.0", False, "published"),
    ("Approche vulnérabilités-risques", "method", "Resiliere",
     "Chercher les changements systémiques à partir des vulnérabilités et des risques du "
     "territoire, tel que pratiqué dans la Nièvre.",
     ["sanitaire", "economique"], ["elus", "agents"], "rural", "CC-BY-SA-4.0", False, "published"),
    ("Instance participative sur la transition", "experience", "La Traverse, Migné-Auxances",
     "Une instance citoyenne pour débattre des sujets clivants de la transition (bassines, "
     "énergies renouvelables, méthanisation) et trouver des compromis.",
     ["autonomie-solidarite"], ["elus", "collectifs-citoyens"], "periurban", "CC-BY-SA-4.0",
     False, "published"),
    ("Bilan carbone de sept écoles", "experience", "Communes des Deux-Sèvres",
     "Collectivités, écoles, collège et parents d'élèves sensibilisent aux enjeux énergie-climat, "
     "font le bilan carbone des établissements et un plan d'action commun.",
     ["energetique"], ["elus", "associations"], "rural", "CC-BY-4.0", False, "published"),
    ("Manuel de la transition", "bibliography", "Rob Hopkins",
     "Le livre de référence sur l'implication des citoyens dans la transition locale.",
     ["autonomie-solidarite"], ["grand-public"], "any", "LicenseRef-All-Rights-Reserved", False,
     "published"),
    ("Référentiel Ville Pairs", "recommendation", "Ville de Loos-en-Gohelle",
     "Un référentiel de la participation des habitants à la transition, co-porté par la ville "
     "de Loos-en-Gohelle.",
     ["autonomie-solidarite"], ["elus", "agents"], "urban", "CC-BY-NC-SA-4.0", False, "published"),
    ("Visée 360° du CERDD", "tool", "CERDD",
     "Un outil pour regarder un projet de territoire sous tous les angles du développement "
     "durable.",
     ["economique"], ["agents", "elus"], "any", "CC-BY-ND-4.0", False, "published"),
    ("Kit de la participation citoyenne", "tool", "ANSA",
     "Des fiches pour organiser la participation des habitants aux décisions locales.",
     ["autonomie-solidarite"], ["elus", "associations"], "any", "etalab-2.0", True, "published"),
    ("Livret méthodologique du réseau Graine Centre", "method", "Réseau Graine Centre",
     "Accompagner une démarche d'éducation à l'environnement avec les acteurs locaux.",
     ["autonomie-solidarite"], ["associations"], "any", "CC-BY-SA-4.0", False, "published"),
    ("Diagnostic 360° de résilience territoriale", "tool", "Les Localos, Resiliere",
     "Un diagnostic partagé de la résilience du territoire, point de départ d'une trajectoire "
     "collective.",
     ["alimentaire", "energetique", "economique"], ["elus", "collectifs-citoyens"], "rural",
     "CC-BY-SA-4.0", False, "published"),
    ("Formation courte des élu·es à la résilience", "training", "La Traverse, Les Localos",
     "Une à deux journées pour présenter et prendre en main les outils, puis un suivi collectif.",
     ["autonomie-solidarite"], ["elus"], "rural", "CC-BY-SA-4.0", False, "published"),
    ("Démocratie alimentaire : les clés", "recommendation", "Démocratie Ouverte",
     "Faire des choix alimentaires du territoire une décision partagée.",
     ["alimentaire"], ["collectifs-citoyens", "elus"], "any", "CC-BY-SA-4.0", True, "published"),
    ("Jeunesses et engagement citoyen", "experience", "Démocratie Ouverte, Injep",
     "Retours d'expérience sur l'engagement des jeunes dans la décision publique.",
     ["autonomie-solidarite"], ["associations", "agents"], "any", "CC-BY-4.0", False, "published"),
    ("Représenter le vivant dans la décision publique", "method", "Démocratie Ouverte",
     "Comment donner une voix au vivant non humain dans les décisions locales.",
     ["autonomie-solidarite"], ["elus", "agents"], "any", "CC-BY-SA-4.0", False, "proposed"),
    ("Accueil de nouvelles populations en milieu rural", "experience", "Les Localos",
     "Stratégies d'accueil et d'attractivité d'une quarantaine de territoires du Massif central.",
     ["economique"], ["elus"], "mountain", "CC-BY-SA-4.0", False, "proposed"),
    ("Sobriété : dix gestes miracles", "recommendation", "Anonyme",
     "Une liste de gestes sans sources ni chiffres vérifiables.",
     ["energetique"], ["grand-public"], "any", "CC-BY-SA-4.0", False, "refused"),
    ("Atelier réparation et réemploi", "tool", "Collectif de Nyons",
     "Monter un atelier de réparation dans une commune des Baronnies.",
     ["economique"], ["collectifs-citoyens"], "rural", "CC-BY-SA-4.0", True, "to_revise"),
]  # fmt: skip

# kind, title, description, commune, postcode, lat, lon
ENTRIES = [
    ("action", "Nettoyage des berges de l'Hérault", "Journées collectives de nettoyage en amont du fleuve.", "Gignac", "34150", 43.6522, 3.5514),
    ("action", "Nettoyage de l'embouchure de l'Hérault", "Ramassage des déchets à l'embouchure.", "Agde", "34300", 43.3108, 3.4758),
    ("event", "Festival citoyen place de Clichy", "Le festival des solutions citoyennes, ouvert à tous.", "Paris", "75017", 48.8833, 2.3275),
    ("initiative", "Éco-pâturage dans les Bauges", "Troupeau partagé dans le Parc naturel régional des Bauges.", "Le Châtelard", "73630", 45.6861, 6.1364),
    ("initiative", "Entraide après la tempête Alex", "Réseau d'entraide des habitants de la vallée de la Roya.", "Breil-sur-Roya", "06540", 43.9375, 7.5142),
    ("tool", "Carte des besoins de la vallée", "Outil de recensement des besoins après une crise.", "Tende", "06430", 44.0875, 7.5936),
    ("initiative", "Baronnies en transition", "Expérimentation de résilience dans les Baronnies provençales.", "Nyons", "26110", 44.3606, 5.1406),
    ("idea", "Grainothèque de village", "Une boîte d'échange de semences dans chaque mairie.", "Buis-les-Baronnies", "26170", 44.2747, 5.2714),
    ("initiative", "Stratégie de résilience grenobloise", "Participation citoyenne à la stratégie de résilience.", "Grenoble", "38000", 45.1885, 5.7245),
    ("action", "Résidence pour la résilience", "Résidence longue de La Traverse.", "Migné-Auxances", "86440", 46.6292, 0.3139),
    ("action", "Diagnostic partagé à Jazeneuil", "État des lieux de la résilience locale.", "Jazeneuil", "86600", 46.4747, 0.0736),
    ("tool", "Plateforme Accueil et Attractivité", "Co-animée par Les Localos pour le Massif central.", "Limoges", "87000", 45.8336, 1.2611),
    ("initiative", "Resiliere dans la Nièvre", "Accompagnement par les vulnérabilités et les risques.", "Nevers", "58000", 46.9908, 3.1628),
    ("action", "Mise en action citoyenne à Léaz", "Méthode Solucracy déployée au village.", "Léaz", "01200", 46.0997, 5.8836),
    ("action", "Quartier en action à Ferney-Voltaire", "Méthode Solucracy dans le quartier PDLV.", "Ferney-Voltaire", "01210", 46.2558, 6.1081),
    ("action", "Lunas s'engage", "Recueil des besoins et projets d'habitants.", "Lunas", "34650", 43.7081, 3.1944),
    ("action", "Combloux en transition", "Mobilisation citoyenne en Haute-Savoie.", "Combloux", "74920", 45.8967, 6.6417),
    ("initiative", "Ville Pairs de Loos-en-Gohelle", "Référence de participation des habitants.", "Loos-en-Gohelle", "62750", 50.4578, 2.7925),
    ("initiative", "Démocratie participative à Kingersheim", "Conseils participatifs sur les sujets clivants.", "Kingersheim", "68260", 47.7917, 7.3258),
    ("tool", "DO'thèque", "Centre de ressources de l'innovation démocratique.", "Paris", "75017", 48.8833, 2.3275),
    ("idea", "Repair café itinérant", "Un atelier de réparation qui passe de village en village.", "Carpentras", "84200", 44.0556, 5.0481),
    ("event", "Rencontre des communes résilientes", "Journée d'échanges entre élu·es.", "Clermont-Ferrand", "63000", 45.7772, 3.0870),
    ("idea", "Cantine 100 % locale", "Approvisionner la cantine auprès des fermes voisines.", "Quimper", "29000", 47.9960, -4.1024),
    ("tool", "Annuaire des producteurs du Blaisois", "Où acheter local autour de Blois.", "Blois", "41000", 47.5861, 1.3359),
]  # fmt: skip


def _person(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def seed(*, stdout) -> None:
    coordinator = _person("jardinier@terreau.coop")
    ines = _person("ines.pionniere@terreau.coop")
    hugo = _person("hugo.pionnier@terreau.coop")
    if coordinator is None or ines is None:
        return
    committee = [p for p in (_person(e) for e in COMMITTEE) if p is not None]
    for person in committee:
        if not CommitteeMember.objects.filter(user=person, ended_at__isnull=True).exists():
            committee_member_appoint(actor=coordinator, user=person)
    if len(committee) < 3:
        return
    axes = {a.slug: a.pk for a in Axis.objects.all()}
    audiences = {a.slug: a.pk for a in Audience.objects.all()}
    criteria = list(ReviewCriterion.objects.all())
    for i, (
        title,
        kind,
        authors,
        summary,
        axis,
        audience,
        territory,
        licence,
        easy,
        outcome,
    ) in enumerate(RESOURCES):
        if Resource.objects.filter(title=title).exists():
            continue
        author = ines if i % 2 == 0 else (hugo or ines)
        resource = resource_suggest(
            actor=author,
            data=ResourceInput(
                title=title,
                summary=summary,
                kind=kind,
                authors=authors,
                body=f"## {title}\n\n{summary}\n\n*Source : les communs du réseau (seeds).*",
                territory=territory,
                licence=licence,
                easy_read=easy,
                axis_ids=[axes[a] for a in axis if a in axes],
                audience_ids=[audiences[a] for a in audience if a in audiences],
            ),
        )
        if outcome == "proposed":
            continue
        science = 1 if outcome == "refused" else 3
        for reviewer in committee[:2]:
            review_submit(
                actor=reviewer,
                resource=resource,
                marks={c.pk: (science if c.required else 2) for c in criteria},
                recommendation={"published": "publish", "refused": "refuse"}.get(outcome, "revise"),
                comment="Relecture du comité rédactionnel.",
            )
        reasons = {
            "published": "Méthode éprouvée sur le terrain, sources citées, licence ouverte.",
            "refused": "Aucune source : le critère de scientificité n'est pas rempli.",
            "to_revise": "Préciser le coût et les retours d'expérience.",
        }[outcome]
        resource_decide(actor=committee[2], resource=resource, outcome=outcome, reasons=reasons)
        if outcome == "published" and i < 4:
            resource_feedback_give(
                actor=coordinator,
                resource=resource,
                comment="Utilisé en atelier avec des élu·es : très clair.",
                used=True,
                rating=4 + (i % 2),
            )
    if not Resource.objects.filter(session__isnull=False).exists():
        committee_session_create(
            actor=committee[0], held_on=timezone.localdate() + datetime.timedelta(days=30)
        )
    for kind, title, description, commune, postcode, lat, lon in ENTRIES:
        if Entry.objects.filter(title=title).exists():
            continue
        data = {
            "kind": kind,
            "title": title,
            "description": description,
            "commune": commune,
            "postcode": postcode,
            "latitude": lat,
            "longitude": lon,
        }
        if kind == "event":
            data["starts_at"] = timezone.now() + datetime.timedelta(days=45)
            data["place"] = commune
        pioneer_ids = []
        if ines and hasattr(ines, "pioneer") and commune in ("Gignac", "Agde"):
            pioneer_ids = [ines.pioneer.pk]
        entry_create(actor=ines, data=data, pioneer_ids=pioneer_ids)
    spam_title = "Vente de panneaux miracle"
    if not Entry.objects.filter(title=spam_title).exists():
        spam = entry_create(
            actor=hugo or ines,
            data={"kind": "tool", "title": spam_title, "commune": "Nantes"},
        )
        for person in committee:
            entry_report(actor=person, entry=spam, reason="spam")
    stdout.write(f"Commons: {Resource.objects.count()} resources, {Entry.objects.count()} entries.")
