"""One way to show money: ``backend.core.money.format_cents``. The ``euros`` template
filter, the e-mails, the follow-up figures and the admin all give the same text, and
no Python module reaches into a template-tag module for it."""

import ast
import pathlib

import pytest
from django.template import Context, Template
from django.utils import translation

from backend.core.money import format_cents, format_minutes

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


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("cents", [0, 1250, 1500, 123_456_78, None])
def test_the_template_filter_is_the_function(language, cents):
    with translation.override(language):
        rendered = Template("{% load terreau %}{{ amount|euros }}").render(
            Context({"amount": cents})
        )
        assert rendered == format_cents(cents)


def test_french_and_english_amounts():
    with translation.override("fr"):
        assert format_cents(1250) == "12,50\u00a0€"
        assert format_cents(1500) == "15\u00a0€"
    with translation.override("en"):
        assert format_cents(1250) == "€12.50"
        assert format_cents(1500) == "€15"
    assert format_minutes(90) == "1\u00a0h\u00a030"
    assert format_minutes(-120) == "−2\u00a0h"


def templatetag_imports(source: str) -> list[str]:
    """Imports of a ``templatetags`` module in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and "templatetags" in (node.module or "").split("."):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if "templatetags" in a.name.split(".")]
    return found


def test_no_module_imports_a_template_tag_module():
    offenders = {
        path.relative_to(ROOT).as_posix(): uses
        for path in _modules()
        if "templatetags" not in path.parts and (uses := templatetag_imports(path.read_text()))
    }
    assert offenders == {}, "format with backend.core.money, not a template filter"
    assert templatetag_imports("from marketplace.templatetags.money import format_cents")
    assert templatetag_imports("import backend.core.templatetags.terreau")
    assert not templatetag_imports("from backend.core.money import format_cents")


def test_there_is_one_euros_filter():
    defining = [
        path.relative_to(ROOT).as_posix()
        for path in _modules()
        if "templatetags" in path.parts
        and any(
            isinstance(node, ast.FunctionDef) and node.name == "euros"
            for node in ast.walk(ast.parse(path.read_text()))
        )
    ]
    assert defining == ["backend/core/templatetags/terreau.py"]
