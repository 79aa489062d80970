"""Where the code writes a model, read from its AST (issue 19): shared by the test that
keeps writes out of views, API views and tasks and by the audit coverage test.

A call counts as a model write when it is
- ``<x>.save(...)`` or ``<x>.delete(...)`` (a model instance, a ModelForm, a queryset),
  unless ``<x>`` is plainly not a model (the cache, a file storage, a session);
- ``<x>.create/bulk_create/get_or_create/update_or_create/bulk_update(...)`` on a
  manager or a queryset (``Model.objects…``, ``obj.related_set…``);
- ``<queryset>.update(...)`` where the receiver is a manager or a chain of queryset
  calls (``Model.objects.filter(...).update(...)``): a bare ``name.update(...)`` is a
  dict far more often than a queryset, and is not counted.
"""

import ast
import pathlib
from collections.abc import Iterator
from dataclasses import dataclass

from backend.core.layers import LAYERS, ROOT

ALWAYS = {"save", "delete"}
MANAGER = {"create", "bulk_create", "get_or_create", "update_or_create", "bulk_update"}
QUERYSET = {"update"}
QUERYSET_METHODS = {
    "filter", "exclude", "all", "select_related", "prefetch_related", "order_by",
    "only", "defer", "annotate", "select_for_update", "using", "distinct",
}  # fmt: skip
# Receivers whose save/delete is no model write.
NOT_MODELS = {"cache", "caches", "storage", "default_storage", "session", "messages", "fs"}


@dataclass(frozen=True)
class Write:
    path: str  # relative to the root
    function: str  # qualified: "Class.method" or "function" ("<module>" at top level)
    line: int
    call: str  # "Model.objects.create", "form.save"...

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.function}: {self.call}"


def _chain(node: ast.AST) -> list[str]:
    """Names along an attribute/call chain, outermost last: a.b(c).d -> [a, b, d]."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            names.append(node.id)
            break
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            break
    return names[::-1]


def write_call(call: ast.Call) -> str | None:
    """The dotted text of the call when it writes a model, else None."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    method = func.attr
    receiver = _chain(func.value)
    text = ".".join([*receiver, method])
    if method in ALWAYS:
        if receiver and (receiver[-1] in NOT_MODELS or receiver[0] in NOT_MODELS):
            return None
        return text
    through_manager = "objects" in receiver or any(
        name.endswith("_set") or name in QUERYSET_METHODS for name in receiver
    )
    if method in MANAGER and (through_manager or len(receiver) >= 2):
        return text
    if method in QUERYSET and (
        through_manager and isinstance(func.value, ast.Call | ast.Attribute)
    ):
        return text
    return None


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.stack: list[str] = []
        self.writes: list[Write] = []
        self.functions: dict[str, ast.AST] = {}

    def _scope(self, node) -> None:
        self.stack.append(node.name)
        if not isinstance(node, ast.ClassDef):
            self.functions[".".join(self.stack)] = node
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scope

    def visit_Call(self, node: ast.Call) -> None:
        text = write_call(node)
        if text is not None:
            function = ".".join(self.stack) or "<module>"
            self.writes.append(Write(self.path, function, node.lineno, text))
        self.generic_visit(node)


def _rel(path: pathlib.Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()


def module_writes(path: pathlib.Path, source: str | None = None) -> tuple[list[Write], dict]:
    """The writes of one module and its functions by qualified name."""
    visitor = _Visitor(_rel(path))
    visitor.visit(ast.parse(source if source is not None else path.read_text(encoding="utf-8")))
    return visitor.writes, visitor.functions


def app_files() -> Iterator[pathlib.Path]:
    """Every module of every app (migrations aside: they are the schema's history)."""
    for package in LAYERS:
        base = ROOT / package
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            if "migrations" in path.parts or "__pycache__" in path.parts:
                continue
            yield path


def is_entry_module(path: pathlib.Path) -> bool:
    """A view, API view or task module: thin by rule, it calls the services."""
    name, parent = path.stem, path.parent.name
    return (
        name in {"views", "api", "tasks"} or name.endswith("_views") or parent in {"views", "api"}
    )


# Keywords through which a function is handed to another that calls it: the kit's
# ``idempotent_create(create=time_transfer_create, …)``, ``idempotent(run=…)``.
CALLBACK_KEYWORDS = {"create", "run"}


def called_names(node: ast.AST) -> set[str]:
    """The simple names a function calls (``f(...)``, ``x.f(...)``, or ``g(create=f)``)."""
    names: set[str] = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            if isinstance(call.func, ast.Name):
                names.add(call.func.id)
            elif isinstance(call.func, ast.Attribute):
                names.add(call.func.attr)
            names.update(
                keyword.value.id
                for keyword in call.keywords
                if keyword.arg in CALLBACK_KEYWORDS and isinstance(keyword.value, ast.Name)
            )
    return names


@dataclass
class CallGraph:
    """Every function of every app: what it writes and what it calls, by simple name."""

    writes: dict[str, list[Write]]  # "path:qualname" -> its own writes
    calls: dict[str, set[str]]  # simple name -> names called (merged over homonyms)
    callers: dict[str, set[str]]  # simple name -> simple names of the functions calling it

    @classmethod
    def build(cls, files: list[pathlib.Path] | None = None) -> "CallGraph":
        writes: dict[str, list[Write]] = {}
        calls: dict[str, set[str]] = {}
        for path in files if files is not None else list(app_files()):
            module_found, functions = module_writes(path)
            rel = _rel(path)
            for write in module_found:
                writes.setdefault(f"{rel}:{write.function}", []).append(write)
            for qualname, node in functions.items():
                own = called_names(node)
                calls.setdefault(qualname.rsplit(".", 1)[-1], set()).update(own)
        callers: dict[str, set[str]] = {}
        for caller, names in calls.items():
            for name in names:
                callers.setdefault(name, set()).add(caller)
        return cls(writes, calls, callers)

    def reaches_audit(self, name: str, seen: set[str] | None = None) -> bool:
        seen = seen if seen is not None else set()
        if name in seen:
            return False
        seen.add(name)
        called = self.calls.get(name, set())
        return "audit_record" in called or any(
            self.reaches_audit(c, seen) for c in called if c in self.calls
        )

    def covered(self, name: str, seen: set[str] | None = None) -> bool:
        """It records an audit event, or it is a helper of a function that does (every
        path to it need not be audited: the name-based graph is an approximation)."""
        seen = seen if seen is not None else set()
        if name in seen:
            return False
        seen.add(name)
        return self.reaches_audit(name) or any(
            self.covered(caller, seen) for caller in self.callers.get(name, set())
        )
