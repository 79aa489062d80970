import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from territories.loader import load_territories, provenance, read_rows
from territories.models import Territory, TerritoryDataset
from territories.normalize import normalize_name
from territories.services import (
    territories_load,
    territory_resolve_commune,
    territory_resolve_communes,
)


def test_the_data_file_is_small_and_has_its_provenance():
    from territories.loader import DATA_FILE

    meta = provenance()
    assert meta["package"] == "@etalab/decoupage-administratif"
    assert meta["version"] == "6.0.0"
    assert meta["licence"] == "Licence Ouverte / Etalab 2.0"
    assert DATA_FILE.stat().st_size < 3_000_000
    rows = read_rows()
    assert len(rows) == meta["rows"]
    assert meta["kinds"]["commune"] > 34_000
    assert meta["kinds"]["department"] >= 101
    assert meta["kinds"]["region"] >= 18


def test_the_migration_loaded_the_hierarchy(territories):
    assert Territory.objects.count() == provenance()["rows"]
    lyon = Territory.objects.get(key="com-69123")
    assert lyon.name == "Lyon"
    assert lyon.kind == "commune"
    assert lyon.parent.kind == "epci"
    assert lyon.department_id == "dep-69"
    assert lyon.region_id == "reg-84"
    assert lyon.parent.parent_id == "dep-69"
    assert Territory.objects.get(key="dep-69").parent_id == "reg-84"
    assert Territory.objects.get(key="reg-84").parent_id == "fr"
    # Codes collide across kinds: the keys do not.
    assert Territory.objects.get(key="dep-01").name == "Ain"
    assert Territory.objects.get(key="reg-01").name == "Guadeloupe"


def test_loading_again_is_a_no_op_then_updates_when_the_version_changes(territories):
    assert territories_load() == 0
    Territory.objects.filter(key="com-26113").update(name="Changed", active=True)
    assert territories_load() == 0  # same version and count: nothing is read again
    meta = {**provenance(), "version": "6.0.1"}
    written = load_territories(Territory, TerritoryDataset, meta=meta)
    assert written == provenance()["rows"]
    assert Territory.objects.get(key="com-26113").name == "Die"
    assert TerritoryDataset.objects.get().version == "6.0.1"


def test_a_territory_no_longer_listed_is_kept_but_inactive(territories):
    rows = [row for row in read_rows() if row["key"] != "com-26113"]
    load_territories(Territory, TerritoryDataset, rows=rows, meta={**provenance(), "version": "x"})
    die = Territory.objects.get(key="com-26113")
    assert die.active is False
    assert territory_resolve_commune(name="Die") is None


def test_names_are_compared_without_case_accents_or_hyphens():
    assert normalize_name("Saint-Étienne") == "saint etienne"
    assert normalize_name("ST ETIENNE") == "saint etienne"
    assert normalize_name("L'Abergement-Clémenciat") == "l abergement clemenciat"


@pytest.mark.parametrize(
    ("name", "postcode", "key"),
    [
        ("Die", None, "com-26113"),
        ("die", "26150", "com-26113"),
        ("Briançon", "05100", "com-05023"),
        ("briancon", None, "com-05023"),
        ("Saint-Denis", "93200", "com-93066"),
        ("Saint Denis", "97400", "com-97411"),
        ("69003 Lyon", None, "com-69123"),
        ("Lyon 3e arrondissement", "69003", "com-69123"),
    ],
)
def test_the_resolver_finds_the_commune(territories, name, postcode, key):
    found = territory_resolve_commune(name=name, postcode=postcode)
    assert found is not None
    assert found.key == key


def test_the_resolver_says_none_when_unknown_or_ambiguous(territories):
    assert territory_resolve_commune(name="Nulle-Part-Sur-Mer") is None
    assert territory_resolve_commune(name="Saint-Denis") is None  # many communes
    assert territory_resolve_commune(name="") is None
    assert territory_resolve_commune(name="x", insee="26113").key == "com-26113"


def test_the_batch_resolver_is_bounded(territories, django_assert_max_num_queries):
    pairs = [("Die", ""), ("Briançon", "05100"), ("Lyon", ""), ("Inconnue", "")]
    with django_assert_max_num_queries(2):
        found = territory_resolve_communes(pairs)
    assert found[("Die", "")].key == "com-26113"
    assert found[("Inconnue", "")] is None


def test_pioneer_services_resolve_the_commune(territories, coordinator):
    from pioneers.services.profiles import pioneer_create, pioneer_update

    pioneer = pioneer_create(
        actor=None,
        display_name="Inès",
        solution_title="Compost",
        commune="Die",
        postcode="26150",
    )
    assert pioneer.territory_id == "com-26113"
    pioneer_update(actor=coordinator, pioneer=pioneer, commune="Briançon", postcode="05100")
    pioneer.refresh_from_db()
    assert pioneer.territory_id == "com-05023"
    pioneer_update(actor=coordinator, pioneer=pioneer, commune="Nulle-Part", postcode="")
    pioneer.refresh_from_db()
    assert pioneer.territory_id is None


def test_projects_lie_in_their_proposer_commune(territories, member):
    from pioneers.services.profiles import pioneer_create
    from projects.services.proposals import project_create

    pioneer_create(
        actor=None, user=member, display_name="Léa", solution_title="Four", commune="Die"
    )
    project = project_create(actor=member, title="Un four à pain")
    assert project.territory_id == "com-26113"


def test_listing_services_resolve_the_place(territories, member):
    from marketplace.services.listings import listing_create, listing_update

    listing = listing_create(
        actor=member, kind="offer", title="Taille", estimated_minutes=60, place="Die"
    )
    assert listing.territory_id == "com-26113"
    listing_update(actor=member, listing=listing, place="Briançon")
    listing.refresh_from_db()
    assert listing.territory_id == "com-05023"


def test_the_data_migration_helper_fills_existing_rows(territories, pioneer_factory):
    from django.apps import apps

    from territories.migration_helpers import resolve_rows

    known = pioneer_factory(commune="Die", postcode="26150")
    unknown = pioneer_factory(commune="Atlantide", postcode="")
    resolve_rows(apps, "pioneers.Pioneer", lambda row: (row.commune, row.postcode))
    known.refresh_from_db()
    unknown.refresh_from_db()
    assert known.territory_id == "com-26113"
    assert unknown.territory_id is None


def test_the_unresolved_command_lists_them(territories, pioneer_factory):
    pioneer_factory(display_name="Zoé", commune="Atlantide", postcode="")
    pioneer_factory(display_name="Yves", commune="Die", postcode="26150", territory_id="com-26113")
    out = io.StringIO()
    call_command("territories_unresolved", stdout=out)
    text = out.getvalue()
    assert "Zoé — Atlantide" in text
    assert "Yves" not in text


def _pioneer(factory, commune_key, **kw):
    return factory(territory_id=commune_key, location_visibility=0, **kw)


def test_a_department_page_adds_up_its_communes(
    territories, client, pioneer_factory, django_assert_max_num_queries
):
    _pioneer(pioneer_factory, "com-26113")  # Die
    _pioneer(pioneer_factory, "com-26113")
    _pioneer(pioneer_factory, "com-26362")  # Valence
    _pioneer(pioneer_factory, "com-05023")  # Briançon, Hautes-Alpes
    pioneer_factory(territory_id="com-26113", location_visibility=1)  # commune hidden
    with django_assert_max_num_queries(20):
        response = client.get(reverse("territories:detail", args=["dep-26"]))
    assert response.status_code == 200
    facts = {f.key: f.value for f in response.context["facts"]}
    assert facts["pioneers"] == 3
    by_child = {
        row.territory.key: {cell.key: cell.value for cell in row.values}
        for row in response.context["children"]
    }
    assert sum(values["pioneers"] for values in by_child.values()) == 3
    region = client.get(reverse("territories:detail", args=["reg-84"]))
    assert {f.key: f.value for f in region.context["facts"]}["pioneers"] == 3
    paca = client.get(reverse("territories:detail", args=["reg-93"]))
    assert {f.key: f.value for f in paca.context["facts"]}["pioneers"] == 1
    country = client.get(reverse("territories:detail", args=["fr"]))
    assert {f.key: f.value for f in country.context["facts"]}["pioneers"] == 4
    commune = client.get(reverse("territories:detail", args=["com-26113"]))
    assert {f.key: f.value for f in commune.context["facts"]}["pioneers"] == 2
    assert commune.context["children"] == []


def test_hours_and_money_are_counted_where_they_happen(territories, client, member):
    from tests.factories import ExchangeFactory, ListingFactory

    listing = ListingFactory(territory_id="com-26113")
    ExchangeFactory(listing=listing, minutes=90, status="confirmed")
    ExchangeFactory(listing=listing, minutes=30, status="proposed")
    response = client.get(reverse("territories:detail", args=["com-26113"]))
    facts = {f.key: f.value for f in response.context["facts"]}
    assert facts["hours_exchanged"] == 90
    assert facts["money_contributed"] == 0


def test_unknown_territory_is_404(territories, client):
    assert client.get(reverse("territories:detail", args=["com-99999"])).status_code == 404


def test_the_search_finds_communes_by_name_and_postcode(territories, client):
    response = client.get(reverse("territories:list"), {"q": "briancon"})
    assert "Briançon" in response.content.decode()
    response = client.get(reverse("territories:list"), {"q": "26150"})
    assert "Die" in response.content.decode()
    response = client.get(reverse("territories:list"))
    assert "Auvergne-Rhône-Alpes" in response.content.decode()
