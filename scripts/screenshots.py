"""Screenshots of Terreau's main pages, in French, at desktop and phone sizes.

    make screenshots                      # or: .venv/bin/python scripts/screenshots.py

Builds a throwaway SQLite database with the demo cooperative (``seed_demo``), serves it
with ``runserver`` on a free local port, signs in as a demo member through the login
form and writes ``docs/screenshots/<page>-<desktop|phone>.png`` with Debian's Chromium
(``/usr/bin/chromium``, or ``TERREAU_CHROMIUM``; no browser is ever downloaded).
Requests that would leave the machine (the map's tiles) are answered empty. The PNGs
are reduced to a 256-colour palette to stay small in the repository.

``pages()`` is the list of pages; tests/core/test_screenshots.py checks that each of
them answers 200 on the demo data, so the list cannot rot.
"""

import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("TERREAU_CHROMIUM", "/usr/bin/chromium")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
SIGNED_IN_AS = "lea.associee@terreau.coop"  # a demo member: her dashboard has content
NOT_LOCAL = re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])")
SERVER_START_SECONDS = 60


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def pages() -> list[tuple[str, str]]:
    """(name, path) of each page shown, the demo's objects read from the database."""
    from governance.assemblies.models import Assembly
    from governance.votes.models import Vote, VoteStatus
    from projects.models import Project, ProjectStatus

    project = (
        Project.objects.filter(status=ProjectStatus.IN_PROGRESS).order_by("pk").first()
        or Project.objects.order_by("pk").first()
    )
    vote = Vote.objects.filter(status=VoteStatus.CLOSED).order_by("pk").first()
    assembly = Assembly.objects.order_by("pk").first()
    return [
        ("home", "/"),
        ("directory", "/pionniers/"),
        ("map", "/pionniers/carte/"),
        ("projects", "/projets/"),
        ("project", f"/projets/{project.slug}/"),
        ("ranking", "/projets/classement/"),
        ("vote-results", f"/membres/votes/{vote.pk}/resultats/"),
        ("dashboard", "/tableau-de-bord/"),
        ("marketplace", "/marche/"),
        ("funds", "/fonds/"),
        ("assembly", f"/membres/assemblees/{assembly.pk}/"),
        ("calendar", "/evenements/"),
        ("resources", "/ressources/"),
        ("place-a-lacte", "/place-a-lacte/"),
        ("jardinier", "/membres/jardinier/"),
        ("federation", "/membres/fonctionnement/"),
        ("observatory", "/observatoire/"),
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"runserver stopped (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # polling a starting process, not waiting for a page
    raise SystemExit(f"runserver did not answer {url} within {SERVER_START_SECONDS} s")


def _small_png(data: bytes) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def _sign_in(page, base: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.locator("input[name=login]").fill(SIGNED_IN_AS)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _shoot(base: str, shots: list[tuple[str, str]], password: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for size, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, locale="fr-FR")
            context.route(NOT_LOCAL, lambda route: route.fulfill(status=204))
            page = context.new_page()
            page.set_default_timeout(30_000)
            _sign_in(page, base, password)
            for name, path in shots:
                response = page.goto(base + path)
                if response is None or response.status != 200:
                    raise SystemExit(f"{path} answered {response and response.status}")
                if name == "map":
                    page.wait_for_selector("#pioneer-map[data-loaded]")
                page.wait_for_load_state("networkidle")
                target = OUT / f"{name}-{size}.png"
                target.write_bytes(_small_png(page.screenshot(animations="disabled")))
                written.append(target)
                say(f"  {target.relative_to(ROOT)}")
            context.close()
        browser.close()
    return written


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="terreau-screenshots-") as tmp:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "backend.settings",
                "DJANGO_ENV": "development",
                "DATABASE_URL": f"sqlite:///{tmp}/screenshots.sqlite3",
                "REDIS_URL": "",
                "EMAIL_URL": "dummymail://",
                "SITE_URL": base,
                "TERREAU_LOG_LEVEL": "WARNING",
            }
        )
        sys.path.insert(0, str(ROOT))
        import django
        from django.core.management import call_command

        django.setup()
        from backend.accounts.demo import DEMO_PASSWORD

        say("Building the demo cooperative…")
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", stdout=io.StringIO())
        shots = pages()
        if only := set(sys.argv[1:]):  # e.g. `scripts/screenshots.py calendar`: those pages only
            shots = [(name, path) for name, path in shots if name in only]
        server = subprocess.Popen(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(base + "/healthz", server)
            say(f"Screenshots of {len(shots)} pages from {base}:")
            written = _shoot(base, shots, DEMO_PASSWORD)
        finally:
            server.terminate()
            server.wait(timeout=30)
    say(f"{len(written)} screenshots in {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
