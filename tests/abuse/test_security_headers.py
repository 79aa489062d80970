"""Security headers and the Content Security Policy on every page, and no inline script
or inline event handler anywhere: in the templates (read as text) and in every page
without parameters, rendered for a visitor, a member and the coordinator."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.abuse.html_safety import executable_content
from tests.abuse.urls import discover_urls

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted(
    p
    for app in settings.TERREAU_APPS
    for p in (ROOT / app).rglob("templates/**/*.html")
    if ".venv" not in p.parts
)
URLS, _SKIPPED = discover_urls()
# Pages without parameters that answer GET with HTML (downloads and the API excluded).
PAGES = [
    *sorted(
        u.path
        for u in URLS
        if not u.has_parameters
        and not u.path.startswith(("/api/", "/admin/", "/jsi18n", "/healthz", "/accounts/"))
        and not u.path.endswith((".csv", ".json", ".ics"))
    ),
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/admin/",
]

_SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"<[a-z][^>]*\s(on[a-z]+)\s*=", re.IGNORECASE | re.DOTALL)


def test_templates_are_found():
    assert len(TEMPLATES) > 60


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_or_handler_in_templates(template):
    text = template.read_text(encoding="utf-8")
    for tag in _SCRIPT_TAG.findall(text):
        assert "nonce=" in tag, (tag, "every script carries the CSP nonce")
        assert "src=" in tag, (tag, "scripts are files, never inline")
    assert not _EVENT_HANDLER.findall(text), "inline event handlers are refused by the CSP"
    assert "javascript:" not in text.lower()
    assert "hx-on" not in text, "htmx inline handlers need unsafe-eval"


def _check_headers(response, path: str) -> None:
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["Referrer-Policy"] == "same-origin", path
    assert response["X-Frame-Options"] == "DENY", path
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["frame-ancestors"] == ["'none'"], path
    assert directives["object-src"] == ["'none'"], path
    assert directives["base-uri"] == ["'self'"], path
    script_src = directives["script-src"]
    assert "'unsafe-inline'" not in script_src, path
    assert "'unsafe-eval'" not in script_src, path


@pytest.mark.parametrize("role", ["visitor", "member", "coordinator"])
def test_every_page_has_the_headers_and_no_inline_script(role, member, coordinator):
    client = Client()
    if role != "visitor":
        client.force_login(member if role == "member" else coordinator)
    rendered = 0
    for path in PAGES:
        response = client.get(path)
        assert response.status_code < 500, path
        _check_headers(response, path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            problems = executable_content(html)
            assert not problems, (path, problems)
            scripts = _SCRIPT_TAG.findall(html)
            if scripts:  # Django names the nonce in the header once a page used it
                nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
                assert all(f'nonce="{nonce}"' in tag for tag in scripts), (path, scripts)
            rendered += 1
    assert rendered >= (12 if role == "visitor" else 20)


@pytest.mark.parametrize("path", ["/api/v1/projects/", "/healthz", "/api/schema/"])
def test_the_api_and_health_have_the_headers_too(client, path):
    _check_headers(client.get(path), path)


def test_the_deploy_checklist_is_clean():
    from tests.core.test_settings import run_django

    result = run_django(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')",
        DJANGO_ENV="production",
        SECRET_KEY="a-long-random-production-secret-key-for-the-check-0123456789abcdef",
        ALLOWED_HOSTS="terreau.example",
        EMAIL_URL="smtp://mail.terreau.example:587",
    )
    assert result.returncode == 0, result.stderr[-2000:]
