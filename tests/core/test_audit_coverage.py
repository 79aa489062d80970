"""Every write service of governance, pioneers, projects and the marketplace records an
audit event: a new service that forgets it fails here (or must say why it is no action)."""

import ast
import functools
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = ("territories", "governance", "pioneers", "projects", "marketplace", "observatory")

# Public functions of the service modules that are not actions: reads, checks, locks,
# pure helpers. Each says why; anything else must reach audit_record.
NOT_ACTIONS = {
    "colleges_assert_ready_for_vote": "a check that raises, writes nothing",
    "vote_lock_shared": "takes a row lock for the caller",
    "not_open_error": "builds an error",
    "accepts_ballots": "a predicate",
    "project_accepts_contributions": "a predicate",
    "contribution_transfer_reference": "a pure function",
    "exchange_roles": "a read",
    "exchange_actions_available": "a read",
    "auto_confirm_days": "reads a setting",
    "funds_lock": "takes row locks for the caller",
    "accounts_lock": "takes row locks for the caller",
    "funds_integrity_problems": "a read (funds_check)",
    "time_account_for_recipient": "a read (resolves a form choice)",
    "member_of": "a read",
    "tag_slugs_normalise": "a pure function",
    "tags_get_or_create": "adds words to the shared skill vocabulary, no one's data",
    "stripe_enabled": "reads the settings",
    "stripe_client": "builds a client",
    "checkout_session_create": "calls Stripe; contribution_checkout_start records it",
    "stripe_event_verify": "checks a signature",
    "read_rows": "parses an uploaded file",
    "department_of": "a pure function",
    "clean_profile_fields": "validation",
    "skills_resolve": "a read that may add vocabulary words",
    "photo_prepare": "image processing, before the write",
    "project_lock": "takes a row lock for the caller",
    "forbidden": "builds an error",
    "ranking_compute": "a preview, nothing stored",
    "territory_resolve_commune": "a read",
    "territory_resolve_communes": "a read",
    "grid_indicator_specs": "a read (copies a grid's indicators to change them)",
    "period_window": "a pure function",
    "observatory_refresh": (
        "recomputes derived figures from validated, audited data; nobody's action"
    ),
    "concern_shares_refresh": (
        "recomputes a derived figure from today's pioneer count; ranking_publish, which "
        "runs it, records the ranking it feeds"
    ),
}


def _service_files() -> list[pathlib.Path]:
    files: set[pathlib.Path] = set()
    for app in APPS:
        base = ROOT / app
        files.update(base.rglob("services.py"))
        files.update(p for p in base.rglob("services/*.py") if p.name != "__init__.py")
    return sorted(files)


def _helper_files() -> list[pathlib.Path]:
    # Modules the services delegate to (their functions count when followed).
    return [ROOT / "governance/votes/notices.py"]


def _called_names(node: ast.AST) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


@functools.cache
def _graph():
    public: dict[str, str] = {}
    calls: dict[str, set[str]] = {}
    for path in _service_files() + _helper_files():
        module = path.relative_to(ROOT).as_posix()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                key = f"{module}:{node.name}"
                calls.setdefault(node.name, set()).update(_called_names(node))
                if not node.name.startswith("_") and path in _service_files():
                    public[key] = node.name
    return public, calls


def _audited(name: str, calls: dict[str, set[str]], seen: set[str] | None = None) -> bool:
    seen = seen if seen is not None else set()
    if name in seen:
        return False
    seen.add(name)
    called = calls.get(name, set())
    return "audit_record" in called or any(
        _audited(callee, calls, seen) for callee in called if callee in calls
    )


def test_the_service_modules_are_found():
    public, _calls = _graph()
    assert len(public) > 80
    assert any(key.endswith(":time_transfer_create") for key in public)


@pytest.mark.parametrize("key", sorted(_graph()[0]))
def test_every_write_service_records_an_audit_event(key):
    public, calls = _graph()
    name = public[key]
    if name in NOT_ACTIONS:
        assert "audit_record" not in calls[name], f"{name} is audited: drop it from NOT_ACTIONS"
        return
    assert _audited(name, calls), (
        f"{key} writes without audit_record: record an event, or add it to NOT_ACTIONS "
        "with the reason it is no action"
    )


def test_no_stale_exemption():
    names = set(_graph()[0].values())
    assert set(NOT_ACTIONS) <= names
