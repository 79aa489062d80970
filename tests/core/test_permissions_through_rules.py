"""Every permission decision goes through django-rules.

An AST scan of every module of the apps: outside the ``rules`` modules (and the role
itself, ``backend/accounts/roles.py``), reading a role (``user_is_coordinator``,
``is_coordinator(...)``, ``is_superuser``, ``is_staff``, group membership) to decide who may
do something is a bypass. Ask ``user.has_perm("app.verb_model", obj)``, ``rule_required``,
``HasRule`` or ``rules.has_perm`` instead.
"""

import ast
import pathlib
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = (
    "backend",
    "territories",
    "governance",
    "pioneers",
    "projects",
    "events",
    "commons",
    "marketplace",
    "observatory",
)

# Reading a role is the job of these modules.
ROLE_MODULES = {"backend/accounts/roles.py"}

# Genuine uses that are not a person's permission in the application, each with its reason.
# Keyed by (module, line text stripped): a moved line still matches, a new one does not.
ALLOWLIST = {
    (
        "backend/core/admin.py",
        "return request.user.is_superuser",
    ): "the Django admin site: only a superuser deletes a sent e-mail from the outbox",
    (
        "governance/admin.py",
        "return request.user.is_superuser",
    ): "the Django admin site: only a superuser adds a charter version",
}

ROLE_CALLS = {"user_is_coordinator", "is_coordinator", "is_group_member"}
ROLE_ATTRIBUTES = {"is_superuser", "is_staff"}
GROUP_LOOKUPS = {"filter", "exists", "get", "values_list"}


def _is_rules_module(relative: str) -> bool:
    path = pathlib.PurePosixPath(relative)
    return path.name == "rules.py" or "rules" in path.parts[:-1]


def _app_modules() -> list[pathlib.Path]:
    files: list[pathlib.Path] = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            if _is_rules_module(relative) or relative in ROLE_MODULES:
                continue
            files.append(path)
    return files


def _call_name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def bypasses(source: str) -> list[tuple[int, str]]:
    """(line, what) for each role read that decides a permission outside the rules."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _call_name(node.func)
            if name in ROLE_CALLS:
                found.append((node.lineno, f"{name}()"))
            # user.groups.filter(...), user.groups.exists(), ...
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in GROUP_LOOKUPS
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "groups"
            ):
                found.append((node.lineno, f"groups.{func.attr}()"))
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ROLE_ATTRIBUTES
            and isinstance(node.ctx, ast.Load)
        ):
            found.append((node.lineno, node.attr))
    return sorted(set(found))


def _violations() -> list[str]:
    problems = []
    for path in _app_modules():
        relative = path.relative_to(ROOT).as_posix()
        source = path.read_text()
        lines = source.splitlines()
        for lineno, what in bypasses(source):
            if (relative, lines[lineno - 1].strip()) in ALLOWLIST:
                continue
            problems.append(f"{relative}:{lineno}: {what}")
    return problems


def test_no_permission_check_bypasses_the_rules():
    assert _violations() == []


def test_the_allowlist_has_no_stale_entry():
    seen = set()
    for path in _app_modules():
        relative = path.relative_to(ROOT).as_posix()
        lines = path.read_text().splitlines()
        seen.update((relative, lines[n - 1].strip()) for n, _ in bypasses(path.read_text()))
    assert set(ALLOWLIST) <= seen


def test_the_scan_sees_modules_of_every_app():
    modules = {p.relative_to(ROOT).as_posix() for p in _app_modules()}
    assert {"projects/views.py", "governance/api.py", "backend/core/navigation.py"} <= modules
    # The rules modules themselves are where roles are read.
    assert "projects/rules.py" not in modules
    assert "marketplace/rules/funds.py" not in modules


@pytest.mark.parametrize(
    ("code", "what"),
    [
        ("if user_is_coordinator(request.user):\n    pass", "user_is_coordinator()"),
        ("ok = roles.is_coordinator(actor)", "is_coordinator()"),
        ("if request.user.is_superuser:\n    pass", "is_superuser"),
        ("allowed = user.is_staff and flag", "is_staff"),
        ("member = user.groups.filter(name='jury').exists()", "groups.filter()"),
        ("ok = rules.is_group_member('jury')(user)", "is_group_member()"),
    ],
)
def test_the_scan_finds_each_kind_of_bypass(code, what):
    assert [w for _, w in bypasses(textwrap.dedent(code))] == [what]


def test_the_scan_fails_on_a_bypass_in_an_app_module(tmp_path, monkeypatch):
    # A view that decides by itself: the scan over the tree reports it.
    app = tmp_path / "projects"
    app.mkdir()
    (app / "views.py").write_text(
        "def page(request):\n    if not request.user.is_staff:\n        raise PermissionDenied\n"
    )
    (app / "rules.py").write_text("ok = is_coordinator(user)\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert _violations() == ["projects/views.py:2: is_staff"]


def test_writing_a_role_is_not_a_check():
    assert bypasses("user.is_staff = True\nuser.is_superuser = False\n") == []
    assert bypasses("fields = ['is_staff', 'is_superuser']\n") == []
    assert bypasses("if user.has_perm('projects.edit_project', project):\n    pass\n") == []


def test_every_local_app_is_scanned(settings):
    local = {
        name.split(".")[0]
        for name in settings.INSTALLED_APPS
        if (ROOT / name.split(".")[0]).is_dir() and name.split(".")[0] != "tests"
    }
    assert local <= set(APPS)
