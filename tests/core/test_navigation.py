"""The main menu: eight sections in the cooperative's words, sub-navigation for the
sections with several pages, the current page marked, a disclosure button on phones
that needs no JavaScript, and no link a person could not follow."""

import re

import pytest
from django.test import Client
from django.utils import translation

from backend.accounts.roles import user_is_coordinator
from backend.core.navigation import MENU, main_menu, section_of

pytestmark = pytest.mark.django_db

FRENCH = [
    "Accueil",
    "Pionniers",
    "Projets",
    "Communs",
    "Votes",
    "Place des marchés",
    "Coopérative",
    "Contribuer",
]
ENGLISH = [
    "Home",
    "Pioneers",
    "Projects",
    "Commons",
    "Votes",
    "Marketplace",
    "Cooperative",
    "Contribute",
]


def _main_nav(html: str) -> str:
    return html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]


def _labels(nav_html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r"<a [^>]*>(.*?)</a>", nav_html)
    ]


def test_the_menu_reads_the_eight_sections_in_french(client):
    assert _labels(_main_nav(client.get("/").content.decode())) == FRENCH


def test_the_menu_reads_the_eight_sections_in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _labels(_main_nav(client.get("/").content.decode())) == ENGLISH


def test_the_menu_folds_behind_a_button_that_needs_no_javascript(client):
    html = client.get("/").content.decode()
    disclosure = html.split('<details class="nav-disclosure"', 1)[1].split("</details>", 1)[0]
    assert '<summary class="nav-toggle">' in disclosure
    assert 'aria-label="Navigation principale"' in disclosure
    assert "onclick" not in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    ("path", "section", "item"),
    [
        ("/pionniers/", "Pionniers", "Annuaire"),
        ("/pionniers/carte/", "Pionniers", "Carte"),
        ("/projets/", "Projets", "Tous les projets"),
        ("/projets/classement/", "Projets", "Classement"),
        ("/ressources/", "Communs", "Ressources"),
        ("/place-a-lacte/", "Communs", "Place à l&#x27;acte"),
        ("/marche/", "Place des marchés", "Annonces"),
        ("/heures/chiffres/", "Place des marchés", "Chiffres des heures"),
        ("/a-propos/", "Coopérative", "À propos"),
        ("/membres/colleges/", "Coopérative", "Collèges"),
        ("/fonds/", "Coopérative", "Fonds"),
    ],
)
def test_the_current_section_and_page_are_marked(client, colleges, path, section, item):
    html = client.get(path).content.decode()
    current = re.findall(r'<a href="[^"]*" aria-current="true">([^<]+)</a>', _main_nav(html))
    assert current == [section]
    sub = html.split('class="section-nav"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'aria-current="page">([^<]+)</a>', sub) == [item]


def test_a_section_without_sub_pages_is_the_current_page(client, member):
    html = client.get("/contribuer/").content.decode()
    assert re.findall(r'aria-current="page">([^<]+)</a>', _main_nav(html)) == ["Contribuer"]
    assert 'class="section-nav"' not in html
    # Home has one page for visitors, two (with the dashboard) for signed-in people.
    html = client.get("/").content.decode()
    assert re.findall(r'aria-current="page">([^<]+)</a>', _main_nav(html)) == ["Accueil"]
    client.force_login(member)
    html = client.get("/").content.decode()
    assert re.findall(r'aria-current="true">([^<]+)</a>', _main_nav(html)) == ["Accueil"]
    sub = html.split('class="section-nav"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'aria-current="page">([^<]+)</a>', sub) == ["Accueil"]
    assert ">Mon tableau de bord</a>" in sub


def test_detail_pages_mark_their_list_in_the_sub_navigation():
    assert section_of("projects:detail").code == "projects"
    assert section_of("governance:vote_ballot").code == "votes"
    assert section_of("governance:assembly_detail").code == "cooperative"
    assert section_of("marketplace:exchange_detail").code == "marketplace"
    assert section_of("marketplace:contribute_project").code == "contribute"
    menu = main_menu(view_name="marketplace:exchange_detail", signed_in=True, coordinator=False)
    marketplace = next(s for s in menu if s.code == "marketplace")
    with translation.override("en"):
        assert [str(i.label) for i in marketplace.items if i.current] == ["My exchanges"]
    # Only the current section carries its sub-navigation.
    assert all(not s.items for s in menu if s.code != "marketplace")


def test_the_coordinator_sees_the_coordination_pages_and_a_member_does_not(
    client, member, coordinator
):
    client.force_login(member)
    member_html = client.get("/membres/colleges/").content.decode()
    client.force_login(coordinator)
    coordinator_html = client.get("/membres/colleges/").content.decode()
    for label in ("Sociétaires", "Registre du capital", "Gestion des fonds"):
        assert f">{label}</a>" in coordinator_html
        assert f">{label}</a>" not in member_html
    assert ">Assemblées</a>" in member_html


def test_the_account_menu_keeps_login_signup_language_and_logout(client, member):
    html = client.get("/").content.decode()
    assert "/accounts/login/" in html
    assert "/accounts/signup/" in html
    assert 'action="/i18n/setlang/"' in html
    client.force_login(member)
    html = client.get("/").content.decode()
    assert 'action="/accounts/logout/"' in html
    assert 'href="/tableau-de-bord/"' in html


def _links(html: str) -> list[str]:
    navs = [_main_nav(html)]
    if 'class="section-nav"' in html:
        navs.append(html.split('class="section-nav"', 1)[1].split("</nav>", 1)[0])
    return [url for nav in navs for url in re.findall(r'<a href="([^"]+)"', nav)]


@pytest.mark.parametrize("role", ["anonymous", "visitor", "member", "coordinator"])
def test_every_menu_link_opens_for_whoever_sees_it(
    role, colleges, member, visitor_user, coordinator
):
    client = Client()
    user = {"visitor": visitor_user, "member": member, "coordinator": coordinator}.get(role)
    if user:
        client.force_login(user)
    seen = set()
    for section in MENU:
        html = client.get(
            main_menu(view_name="", signed_in=False, coordinator=False)[MENU.index(section)].url,
            follow=True,
        ).content.decode()
        seen.update(_links(html))
    for url in sorted(seen):
        response = client.get(url)
        if url == "/membres/votes/" and role in ("anonymous", "visitor"):
            # Votes are the members': visitors are asked to sign in, non-members told why.
            assert response.status_code == (302 if role == "anonymous" else 403), url
            continue
        assert response.status_code == 200, (role, url, response.status_code)


def _request(user, path):
    from django.test import RequestFactory
    from django.urls import resolve

    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    return request


def test_the_menu_costs_no_query_outside_the_members_pages(member, django_assert_num_queries):
    from backend.core.navigation import navigation

    user_is_coordinator(member)  # every page asks it already (the group names are cached)
    with django_assert_num_queries(0):
        navigation(_request(member, "/pionniers/"))
        navigation(_request(member, "/a-propos/"))
    # The marketplace's sub-navigation has members-only pages: one question, once.
    with django_assert_num_queries(1):
        context = navigation(_request(member, "/marche/"))
    labels = [str(item.label) for item in context["section_menu"].items]
    assert "Mes heures" in labels
    assert "Donner des heures" in labels


def test_members_only_pages_are_not_offered_to_non_members(visitor_user):
    from backend.core.navigation import navigation

    context = navigation(_request(visitor_user, "/marche/"))
    labels = [str(item.label) for item in context["section_menu"].items]
    assert "Mes échanges" in labels
    assert "Mes heures" not in labels
