"""Every e-mail goes through the outbox: a module that sends mail itself (Django's
``send_mail``, an ``EmailMessage(...).send()``, ``mail_admins``…) would bypass its
sent-once guarantee, its retries and its admin — this scan of every first-party module
fails on it."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGES = (
    "backend",
    "governance",
    "pioneers",
    "projects",
    "marketplace",
    "events",
    "bench",
    "scripts",
)

# The only module allowed to build and send a message: the outbox's own delivery.
ALLOWED = {"backend/core/outbox.py"}

MAIL_MODULES = {"django.core.mail", "django.core.mail.message", "smtplib"}
SENDING_NAMES = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
    "get_connection",
    "SMTP",
    "SMTP_SSL",
}


def direct_mail_uses(source: str) -> list[str]:
    """What in ``source`` sends mail without the outbox: ``line: name`` entries."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in MAIL_MODULES:
            found += [
                f"{node.lineno}: {alias.name}"
                for alias in node.names
                if alias.name in SENDING_NAMES or alias.name == "*"
            ]
        elif isinstance(node, ast.ImportFrom) and node.module == "django.core":
            found += [f"{node.lineno}: mail" for alias in node.names if alias.name == "mail"]
        elif isinstance(node, ast.Import):
            found += [
                f"{node.lineno}: {alias.name}" for alias in node.names if alias.name in MAIL_MODULES
            ]
        elif isinstance(node, ast.Attribute) and node.attr in SENDING_NAMES:
            found.append(f"{node.lineno}: .{node.attr}")
    return found


def _modules() -> list[pathlib.Path]:
    files = []
    for package in PACKAGES:
        files += [
            path
            for path in (ROOT / package).rglob("*.py")
            if "migrations" not in path.parts and ".venv" not in path.parts
        ]
    return sorted(files)


def test_no_module_sends_mail_but_the_outbox():
    offenders = {}
    for path in _modules():
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED:
            continue
        uses = direct_mail_uses(path.read_text())
        if uses:
            offenders[relative] = uses
    assert offenders == {}, "send e-mail with backend.core.outbox (outbox_enqueue, email_user)"


def test_the_scan_covers_the_apps_and_the_outbox_itself_is_what_it_allows():
    scanned = {path.relative_to(ROOT).as_posix() for path in _modules()}
    assert {"governance/assemblies/notifications.py", "backend/accounts/adapter.py"} <= scanned
    assert "marketplace/services/contributions.py" in scanned
    # the allowed module really does what the others may not: the scan sees it
    assert direct_mail_uses((ROOT / "backend/core/outbox.py").read_text())


def test_the_scan_fails_on_each_way_of_sending_mail():
    cases = {
        "from django.core.mail import send_mail\nsend_mail('s', 'b', 'f', ['t'])": 1,
        "from django.core.mail import EmailMultiAlternatives as E\nE().send()": 1,
        "from django.core.mail import EmailMessage\n": 1,
        "from django.core.mail import mail_admins, mail_managers\n": 2,
        "from django.core.mail import *\n": 1,
        "from django.core import mail\nmail.send_mail('s', 'b', 'f', ['t'])": 2,
        "import django.core.mail\n": 1,
        "import smtplib\nsmtplib.SMTP('localhost')": 1,
        "from smtplib import SMTP_SSL\n": 1,
        "def f(m):\n    return m.EmailMultiAlternatives()\n": 1,
    }
    for source, count in cases.items():
        assert len(direct_mail_uses(source)) >= count, source
    harmless = (
        "from smtplib import SMTPException\n"
        "from backend.core.outbox import email_user, outbox_enqueue\n"
        "email_user(user=None, template_prefix='x', context={})\n"
    )
    assert direct_mail_uses(harmless) == []
