import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.services import CHROMIUM

# Playwright's sync API runs an event loop in the test's thread; Django's ORM calls
# made by the test itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
BROWSER_LOCALES = {"fr": "fr-FR", "en": "en-GB"}

# Each journey runs in French and in English, on a phone and on a desktop: journeys with
# one person take both pairs below; journeys with two people give each a screen.
LANGUAGE_AND_SCREEN = pytest.mark.parametrize(
    ("language", "viewport"),
    [("fr", PHONE), ("en", DESKTOP)],
    ids=["fr-phone", "en-desktop"],
)
IN_BOTH_LANGUAGES = pytest.mark.parametrize("language", ["fr", "en"])


def in_language(language: str):
    """``t(msgid, **params)``: the text the pages show in ``language``.

    Read from the site's own catalogues (French is the translation, English the
    source), so a journey selects the same button by its name in either language."""

    def t(msgid: str, **params) -> str:
        with translation.override(language):
            text = translation.gettext(msgid)
        return text % params if params else text

    def plural(singular: str, plural: str, count: int, **params) -> str:
        with translation.override(language):
            text = translation.ngettext(singular, plural, count)
        return text % params if params else text

    t.plural = plural
    t.language = language
    return t


def assert_accessible(page) -> None:
    """Run axe-core (vendored from npm) on the page: no serious or critical violation.

    The script is injected with ``add_script_tag``; the pages' strict CSP (script-src
    'self' + nonce) would block it, hence the contexts opened with ``bypass_csp=True``.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]
    assert not blocking, f"axe on {page.url}:\n" + "\n".join(blocking)


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture():
    return assert_accessible


@pytest.fixture
def open_page(browser, live_server):
    """``open_page(user=None, viewport=DESKTOP, language="en")``: a page in a fresh
    browser context, showing the site in ``language`` (its language cookie).

    Login: a session made by Django's test client ``force_login`` is handed to the
    browser as its session cookie (the real login form is covered by journey 1), so
    each journey starts signed in without typing a password.
    Contexts bypass the CSP only so that the axe script can be injected.
    """
    contexts = []

    def _open(user=None, *, viewport=DESKTOP, language="en"):
        context = browser.new_context(
            viewport=viewport, locale=BROWSER_LOCALES[language], bypass_csp=True
        )
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
        # The language switch's cookie (French is the site's default without it).
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield _open
    for context in contexts:
        context.close()
