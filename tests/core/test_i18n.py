"""French first, English on demand, and complete catalogues."""

from pathlib import Path

import pytest
from django.utils import translation

from tests.core.test_settings import ROOT

pytestmark = pytest.mark.django_db

CATALOGUES = sorted(ROOT.glob("*/locale/fr/LC_MESSAGES/django.po"))
LANGUAGES = ("fr", "en")


def _in(po: Path, language: str) -> Path:
    """The same app's catalogue in another language."""
    return po.parents[2] / language / "LC_MESSAGES" / "django.po"


def test_pages_are_in_french_by_default_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Rejoindre la communauté" in html
    assert response["Content-Language"] == "fr"


def test_language_switch_turns_the_site_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/a-propos/"})
    assert response.status_code == 302
    assert response["Location"] == "/a-propos/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Join the community" in html

    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert '<html lang="fr">' in client.get("/").content.decode()


def test_an_unknown_language_falls_back_to_french(client):
    client.cookies["terreau_language"] = "xx"
    assert '<html lang="fr">' in client.get("/").content.decode()


def test_api_errors_follow_the_chosen_language(api_client):
    api_client.cookies["terreau_language"] = "en"
    response = api_client.get("/api/v1/me/")
    assert response.json()["detail"] == "Authentication credentials were not provided."


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each singular entry of a .po file."""
    import polib

    return [(e.msgid, e.msgstr, e.fuzzy) for e in polib.pofile(str(po)) if not e.msgid_plural]


def test_every_app_with_strings_has_a_french_catalogue():
    assert ROOT / "backend/locale/fr/LC_MESSAGES/django.po" in CATALOGUES


def _keys(po: Path) -> set[tuple[str | None, str, str]]:
    """(context, msgid, plural msgid) of every live entry, plurals included."""
    import polib

    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in polib.pofile(str(po)) if not e.obsolete}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_french_catalogue_translates_every_string(po):
    entries = _entries(po)
    assert entries
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_french_catalogue_translates_every_plural_form(po):
    import polib

    plurals = [e for e in polib.pofile(str(po)) if e.msgid_plural and not e.obsolete]
    missing = [
        e.msgid
        for e in plurals
        if e.fuzzy or not e.msgstr_plural or not all(e.msgstr_plural.values())
    ]
    assert missing == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_english_catalogue_holds_the_same_strings_as_the_french_one(po):
    # English is the source language: its catalogue may leave a msgstr empty (shown as
    # written), but a string missing from it was never extracted for English.
    import polib

    english = _in(po, "en")
    assert english.exists(), f"no English catalogue for {po.parts[-5]}"
    assert english.with_suffix(".mo").exists(), "the English catalogue is not compiled"
    assert sorted(_keys(po) ^ _keys(english), key=str) == []
    assert [e.msgid for e in polib.pofile(str(english)) if e.fuzzy] == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_english_pages_show_english_not_french(po):
    # A French msgstr pasted into the English catalogue would show French to English readers.
    with translation.override("en"):
        french = [m for m, s, _ in _entries(_in(po, "en")) if translation.gettext(m) != (s or m)]
    assert french == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_compiled_french_catalogue_matches_its_source(po):
    # The .mo files are committed so a fresh machine needs no gettext at run time;
    # this fails when someone edits the .po without compiling it. (A msgid that two
    # catalogues translate differently also shows up here.)
    import polib

    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(po.with_suffix(".mo")))}
    stale = [msgid for msgid, msgstr, _ in _entries(po) if compiled.get(msgid) != msgstr]
    assert stale == []
    with translation.override("fr"):
        differing = [m for m, s, _ in _entries(po) if s and translation.gettext(m) != s]
    assert differing == []


@pytest.mark.gettext
def test_catalogues_hold_every_string_of_the_code(tmp_path):
    """makemessages on the current code adds nothing that the committed catalogue lacks."""
    import shutil
    import subprocess
    import sys

    work = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        work,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "tests", "node_modules", "*.pyc"),
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "-l",
            "en",
            "--no-obsolete",
            "--ignore=.venv",
            "--ignore=var",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh_catalogues = [
        po
        for language in LANGUAGES
        for po in sorted(work.glob(f"*/locale/{language}/**/django.po"))
    ]
    assert {po.parts[-3] for po in fresh_catalogues} == set(LANGUAGES)
    for po in fresh_catalogues:
        fresh = _keys(po)
        committed_po = ROOT / po.relative_to(work)
        committed = _keys(committed_po) if committed_po.exists() else set()
        missing = sorted(fresh - committed, key=str)
        assert missing == [], f"strings missing from {po.relative_to(work)}"
