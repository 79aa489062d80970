"""The dependency direction of Terreau's apps, written once.

    backend ← territories ← governance ← pioneers ← projects ← events ← commons
            ← marketplace ← observatory

An app may import, refer to a model of, hold a foreign key to, or have a migration
depend on the apps on its left only (and itself). ``backend`` (settings, accounts, core,
API) is the base; the benchmark, the tests and the scripts sit above every app and no app
reaches them. What goes the other way (governance asking projects about a vote option)
goes through a registry the right-hand app fills from its ``AppConfig.ready``
(``governance/votes/subjects.py``, ``backend/core/dashboard.py``...).

``tests/core/test_layers.py`` holds the code to this: every module of every app is read
(imports, lazy imports inside functions, ``importlib.import_module("…")`` and string
model references such as ``"projects.Project"``), and so are Django's model graph and the
migrations' dependencies. The scanning functions are here so that the order and its check
cannot drift apart.
"""

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Left to right: each package may depend on those before it. Apps that do not exist
# (yet) are simply not found on disk.
LAYERS: tuple[str, ...] = (
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
# Above every app: they may use any app, no app may use them.
ABOVE: tuple[str, ...] = ("bench", "tests", "scripts")

# Django app labels that are not their package's name.
LABEL_PACKAGES: dict[str, str] = {"accounts": "backend", "core": "backend"}

# The composition root names every app by design, as strings and never by an import:
# the installed apps, the URL confs that mount each app's URLs, the demo loader that runs
# each app's demo.py in this order, the backup that lists the reference tables of the
# whole cooperative, and the global lock order (the model labels of every app, in the
# one order rows are locked in). No other module of the left packages may name one to
# its right.
COMPOSITION_ROOT: frozenset[str] = frozenset(
    {
        "backend.settings",
        "backend.urls",
        "backend.api.urls",
        "backend.core.management.commands.seed_demo",
        "backend.core.backup.archive",
        "backend.core.locks",
    }
)

ROOT = Path(__file__).resolve().parents[2]


def rank(package: str) -> int | None:
    """Position of a top-level package in the order (ABOVE: after every app)."""
    if package in LAYERS:
        return LAYERS.index(package)
    if package in ABOVE:
        return len(LAYERS)
    return None  # third-party or standard library: not ours


def package_of_label(app_label: str) -> str:
    return LABEL_PACKAGES.get(app_label, app_label)


def allowed(source_package: str, target_package: str) -> bool:
    source, target = rank(source_package), rank(target_package)
    if source is None or target is None:
        return True
    return target <= source


@dataclass(frozen=True)
class Violation:
    where: str  # "governance/votes/models.py:131" or "governance.VoteOption.project"
    source: str  # package
    target: str  # package
    what: str  # "import projects.models", "string 'projects.Project'", "foreign key"...

    def __str__(self) -> str:
        return f"{self.where}: {self.source} → {self.target} ({self.what})"


def app_modules(root: Path = ROOT) -> Iterator[tuple[str, Path]]:
    """(dotted module name, path) of every Python module of every existing app."""
    for package in LAYERS:
        base = root / package
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if any(part.startswith(".") or part == "__pycache__" for part in parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, node.module] if node.module else base)


def _string_target(value: str) -> str | None:
    """The package a string names, when it looks like a model reference
    ("projects.Project", "accounts.User") or a dotted module path ("projects.views")."""
    head, dot, rest = value.partition(".")
    if not dot or not rest or " " in value or "/" in value:
        return None
    if not all(part.isidentifier() for part in value.split(".")):
        return None
    package = package_of_label(head)
    if rank(package) is None:
        return None
    # "projects.Project": a model; "projects.views": a module. Both count.
    return package


def source_violations(module: str, source: str, *, filename: str = "<source>") -> list[Violation]:
    """What one module's source names against the order (imports anywhere in it, string
    references to models or modules of apps to its right)."""
    package = module.split(".")[0]
    if rank(package) is None:
        return []
    is_package = filename.endswith("__init__.py")
    tree = ast.parse(source, filename=filename)
    found: list[Violation] = []

    def check(target_module: str, node: ast.AST, what: str) -> None:
        target = target_module.split(".")[0]
        if target and not allowed(package, target):
            found.append(Violation(f"{filename}:{node.lineno}", package, target, what))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                check(alias.name, node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            name = _absolute(module, is_package, node)
            check(name, node, f"from {name} import …")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and module not in COMPOSITION_ROOT
        ):
            target = _string_target(node.value)
            if target is not None:
                check(target, node, f"string {node.value!r}")
    return found


def import_violations(root: Path = ROOT) -> list[Violation]:
    found: list[Violation] = []
    for module, path in app_modules(root):
        filename = str(path.relative_to(root))
        found += source_violations(module, path.read_text(encoding="utf-8"), filename=filename)
    return found


def relation_violations(models: Iterable | None = None) -> list[Violation]:
    """Every relation field (foreign key, one-to-one, many-to-many) of every model points
    left or into its own package."""
    if models is None:
        from django.apps import apps

        models = apps.get_models(include_auto_created=True)
    found: list[Violation] = []
    for model in models:
        source = model.__module__.split(".")[0]
        for field in [*model._meta.local_fields, *model._meta.local_many_to_many]:
            related = getattr(field, "related_model", None)
            if not field.is_relation or related is None or isinstance(related, str):
                continue
            target = related.__module__.split(".")[0]
            if not allowed(source, target):
                where = f"{model._meta.label}.{field.name}"
                found.append(Violation(where, source, target, f"relation to {related._meta.label}"))
    return found


def migration_violations(migrations: Iterable | None = None) -> list[Violation]:
    """Every migration of an app depends on migrations of its own or left packages only."""
    from django.apps import apps
    from django.conf import settings

    if migrations is None:
        from django.db.migrations.loader import MigrationLoader

        migrations = MigrationLoader(None, ignore_no_migrations=True).disk_migrations.values()

    def package(label: str) -> str:
        if label == "__setting__":
            label = settings.AUTH_USER_MODEL.split(".")[0]
        try:
            return apps.get_app_config(label).name.split(".")[0]
        except LookupError:
            return package_of_label(label)

    found: list[Violation] = []
    for migration in migrations:
        source = package(migration.app_label)
        if rank(source) is None:
            continue
        where = f"{migration.app_label}.{migration.name}"
        for label, name in migration.dependencies:
            target = package(label)
            if not allowed(source, target):
                found.append(Violation(where, source, target, f"depends on {label}.{name}"))
        for label, name in migration.run_before:  # makes that migration depend on this one
            target = package(label)
            if not allowed(target, source):
                found.append(Violation(where, target, source, f"run before {label}.{name}"))
    return found
