"""Every row lock goes through ``backend.core.locks``, and no selector takes one.

An AST scan of every module of every app (``settings.TERREAU_APPS``; tests excluded):
``select_for_update`` and hand-written ``FOR UPDATE``/``FOR SHARE`` SQL appear only in
the lock module, and ``selectors`` modules never call its helpers."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
LOCK_MODULE = Path("backend/core/locks.py")
LOCK_HELPERS = {"lock_row", "lock_rows", "lock_row_shared"}
# Whole words: « Payment for shares » in a message is no SQL.
RAW_LOCK_SQL = re.compile(r"\bFOR\s+(NO\s+KEY\s+UPDATE|KEY\s+SHARE|UPDATE|SHARE)\b", re.IGNORECASE)


def _is_selector_module(path: Path) -> bool:
    return path.name == "selectors.py" or "selectors" in path.parts[:-1]


def _is_raw_lock_sql(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and RAW_LOCK_SQL.search(node.value) is not None
    )


def _imports_the_lock_module(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.module == "backend.core.locks"
    if isinstance(node, ast.Import):
        return any(alias.name == "backend.core.locks" for alias in node.names)
    return False


def lock_violations(source: str, path: Path) -> list[str]:
    """What in this module bypasses the lock module (or locks in a selector)."""
    if path == LOCK_MODULE:
        return []
    found = []
    selector = _is_selector_module(path)
    for node in ast.walk(ast.parse(source, filename=str(path))):
        where = f"{path}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr == "select_for_update":
            found.append(f"{where} calls select_for_update: use backend.core.locks")
        if _is_raw_lock_sql(node):
            found.append(f"{where} writes a row lock in SQL: use backend.core.locks")
        if selector and _imports_the_lock_module(node):
            found.append(f"{where} imports the lock module in a selector")
        if selector and isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in LOCK_HELPERS:
                found.append(f"{where} takes a lock in a selector ({name})")
    return found


def _app_modules() -> list[Path]:
    modules = []
    for app in settings.TERREAU_APPS:
        modules += sorted((ROOT / app).rglob("*.py"))
    return [path.relative_to(ROOT) for path in modules]


def test_the_scan_covers_every_app():
    modules = _app_modules()
    for app in settings.TERREAU_APPS:
        assert any(path.parts[0] == app for path in modules), app
    assert LOCK_MODULE in modules
    assert Path("governance/votes/selectors.py") in modules


def test_no_module_locks_rows_outside_the_lock_module():
    found = []
    for path in _app_modules():
        found += lock_violations((ROOT / path).read_text(encoding="utf-8"), path)
    assert found == []


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("projects/services/x.py", "Project.objects.select_for_update().get(pk=1)\n"),
        ("marketplace/services/x.py", "qs = Fund.objects.filter(pk=1).select_for_update\n"),
        (
            "governance/services.py",
            'Vote.objects.raw("SELECT * FROM v WHERE id = %s for share", [1])\n',
        ),
        (
            "governance/votes/selectors.py",
            "from backend.core.locks import lock_row\n\ndef f(pk):\n    return lock_row(B, pk)\n",
        ),
        ("pioneers/selectors/profiles.py", "import backend.core.locks\n"),
        (
            "projects/selectors.py",
            "from backend.core import locks\n\ndef f():\n    return locks.lock_rows(P)\n",
        ),
    ],
)
def test_the_scan_finds_a_lock_taken_elsewhere(path, source):
    assert lock_violations(source, Path(path))


def test_services_may_use_the_lock_helpers_and_the_lock_module_may_lock():
    service = "from backend.core.locks import lock_row\n\ndef f(pk):\n    return lock_row(P, pk)\n"
    assert lock_violations(service, Path("projects/services/x.py")) == []
    assert lock_violations("qs.select_for_update()\n", LOCK_MODULE) == []
