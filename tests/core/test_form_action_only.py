"""Every posted HTML form of the converted view modules goes through the one pattern,
``backend.core.forms.form_action``: the page again with the field errors and the message,
status 400 (409 for a conflict of state), or a redirect with a flash message.

An AST scan of each module of ``FORM_ACTION_MODULES``: a view that validates a form
itself (``form.is_valid()``), puts an error on it (``form.add_error``), catches a domain
refusal (``except MarketplaceError``…) or renders a page with an error status of its own
(``render(..., status=...)``) or flashes its own success (``messages.success``) is handling a bound form's errors outside the pattern.
Extend the list as more apps are converted.
"""

import ast
import contextlib
import importlib
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

from backend.core.errors import ApplicationError

ROOT = Path(__file__).resolve().parents[2]

# The view modules whose forms are all on the one pattern (add a module once converted).
FORM_ACTION_MODULES = (
    "backend/accounts/views.py",
    "commons/views.py",
    "events/views.py",
    "governance/assemblies/views.py",
    "governance/representative/views.py",
    "governance/threads/views.py",
    "governance/votes/views.py",
    "marketplace/views/contributions.py",
    "marketplace/views/funds.py",
    "marketplace/views/ledger.py",
    "marketplace/views/listings.py",
    "pioneers/views.py",
    "projects/views.py",
)

# Functions that handle no posted form, each with its reason: (module, function) → why.
ALLOWLIST = {
    (
        "commons/views.py",
        "start",
    ): "the three questions of a GET page: an unanswered one recommends nothing, no error",
    (
        "pioneers/views.py",
        "_directory_filters",
    ): "the filters of a GET page: an invalid filter filters on nothing, no error shown",
    (
        "governance/votes/views.py",
        "vote_ballot",
    ): "the ballot's receipt is shown once, on the answer itself: no redirect after success",
    (
        "governance/votes/views.py",
        "vote_receipt",
    ): "a look-up of a receipt that writes nothing: its answer is the page itself",
    (
        "marketplace/views/listings.py",
        "listing_list",
    ): "the filters of a GET page: an invalid filter filters on nothing, no error shown",
    (
        "marketplace/views/ledger.py",
        "_own_account",
    ): "no form: a person without a time account is refused the page (403)",
    (
        "projects/views.py",
        "project_concern",
    ): "no form: an htmx toggle button, swapped in place with its message",
}

FORM_CALLS = {"is_valid", "add_error"}
# A success flash is form_action's (``success_message``), after the service ran.
OWN_FLASH = {"success"}


def _refusal_names() -> set[str]:
    """``ApplicationError`` and every subclass of it the apps define."""
    for app in settings.TERREAU_APPS:
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"{app}.errors")
    names, todo = set(), [ApplicationError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _caught(handler: ast.ExceptHandler) -> set[str]:
    if handler.type is None:
        return set()
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {n for n in map(_name, types) if n}


def own_form_handling(source: str, refusals: set[str]) -> list[tuple[str, int, str]]:
    """(function, line, what) for each place a view handles a form's errors itself."""
    found: list[tuple[str, int, str]] = []
    tree = ast.parse(source)
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Call):
                name = _name(node.func)
                if isinstance(node.func, ast.Attribute) and name in FORM_CALLS:
                    found.append((function.name, node.lineno, f".{name}()"))
                if (
                    isinstance(node.func, ast.Attribute)
                    and _name(node.func.value) == "messages"
                    and name in OWN_FLASH
                ):
                    found.append((function.name, node.lineno, f"messages.{name}()"))
                if name == "render" and any(k.arg == "status" for k in node.keywords):
                    found.append((function.name, node.lineno, "render(..., status=...)"))
            elif isinstance(node, ast.ExceptHandler) and _caught(node) & refusals:
                what = ", ".join(sorted(_caught(node) & refusals))
                found.append((function.name, node.lineno, f"except {what}"))
    # A nested function is walked with its parent too: one finding per place.
    return sorted(set(found), key=lambda f: (f[1], f[0]))


def test_the_scan_finds_a_view_that_handles_its_form_itself():
    source = textwrap.dedent(
        """
        def listing_new(request):
            form = ListingForm(request.POST)
            if not form.is_valid():
                return render(request, "form.html", {"form": form}, status=400)
            try:
                listing_create(**form.cleaned_data)
            except MarketplaceError as exc:
                form.add_error(None, exc.message)
            messages.success(request, "Published.")

        def listing_edit(request):
            return form_action(request, ListingForm(request.POST or None), run, template="t")
        """
    )
    found = own_form_handling(source, {"MarketplaceError"})
    assert [(f, what) for f, _line, what in found] == [
        ("listing_new", ".is_valid()"),
        ("listing_new", "render(..., status=...)"),
        ("listing_new", "except MarketplaceError"),
        ("listing_new", ".add_error()"),
        ("listing_new", "messages.success()"),
    ]


def test_every_domain_error_is_known_to_the_scan():
    refusals = _refusal_names()
    assert {"ApplicationError", "ConflictError", "MarketplaceError", "GovernanceError"} <= (
        refusals
    )


@pytest.mark.parametrize("module", FORM_ACTION_MODULES)
def test_the_view_module_leaves_form_errors_to_form_action(module):
    refusals = _refusal_names()
    source = (ROOT / module).read_text(encoding="utf-8")
    found = [
        f"{module}:{line} {function}: {what}"
        for function, line, what in own_form_handling(source, refusals)
        if (module, function) not in ALLOWLIST
    ]
    assert not found, (
        "These views handle a bound form's errors themselves; use "
        "backend.core.forms.form_action:\n" + "\n".join(found)
    )


def test_the_allowlist_names_functions_that_exist():
    for module, function in ALLOWLIST:
        assert module in FORM_ACTION_MODULES
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert function in names, (module, function)


@pytest.mark.parametrize(
    ("status", "page_status"),
    [(400, 400), (422, 400), (403, 403), (404, 404), (409, 409), (429, 429), (502, 502)],
)
def test_a_refusal_keeps_the_status_the_pattern_allows(status, page_status):
    from backend.core.forms import error_status

    assert error_status(ApplicationError("non", status_code=status)) == page_status
