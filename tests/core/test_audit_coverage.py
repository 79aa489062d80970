"""Every write service of governance, pioneers, projects, events, the commons and the
marketplace records an audit event: a new service that forgets it fails here (or must
say why it is no action).
Beyond the services, every function of every module of every app that writes a model
(tests/core/writes.py) records one too, or is a private helper of one that does, or is
on the short UNAUDITED_WRITES list with its reason (issue 19)."""

import ast
import functools
import pathlib

import pytest

from tests.core.writes import called_names

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = (
    "territories",
    "governance",
    "pioneers",
    "projects",
    "events",
    "commons",
    "marketplace",
    "observatory",
)

# Public functions of the service modules that are not actions: reads, checks, locks,
# pure helpers. Each says why; anything else must reach audit_record.
NOT_ACTIONS = {
    "colleges_assert_ready_for_vote": "a check that raises, writes nothing",
    "vote_lock_shared": "takes a row lock for the caller",
    "guest_idempotency_scope": "a pure helper: the scope a guest's Idempotency-Key is filed under",
    "not_open_error": "builds an error",
    "accepts_ballots": "a predicate",
    "project_accepts_contributions": "a predicate",
    "contribution_transfer_reference": "a pure function",
    "exchange_roles": "a read",
    "exchange_actions_available": "a read",
    "auto_confirm_days": "reads a setting",
    "funds_integrity_problems": "a read (funds_check)",
    "time_account_for_recipient": "a read (resolves a form choice)",
    "member_of": "a read",
    "tag_slugs_normalise": "a pure function",
    "tags_get_or_create": "adds words to the shared skill vocabulary, no one's data",
    "stripe_enabled": "reads the settings",
    "stripe_client": "builds a client",
    "checkout_session_create": "calls Stripe; contribution_checkout_start records it",
    "stripe_event_verify": "checks a signature",
    "share_subscription_id_of": "a pure function (reads an event's metadata)",
    "department_of": "a pure function",
    "clean_profile_fields": "validation",
    "skills_resolve": "a read that may add vocabulary words",
    "photo_prepare": "image processing, before the write",
    "forbidden": "builds an error",
    "ranking_compute": "a preview, nothing stored",
    "resource_index": "refreshes the search columns of a resource its caller audits",
    "resource_read_count": "a read counter, no one's action on purpose (no personal tracking)",
    "reviews_needed": "reads a setting",
    "review_failures": "a read",
    "session_default_date": "a read",
    "entry_clean": "validation",
    "reports_to_hide": "reads a setting",
    "territory_resolve_commune": "a read",
    "territory_resolve_communes": "a read",
    "grid_indicator_specs": "a read (copies a grid's indicators to change them)",
    "period_window": "a pure function",
    "observatory_refresh": (
        "recomputes derived figures from validated, audited data; nobody's action"
    ),
    "project_need_given_add": (
        "moves a derived counter inside the audited exchange confirmation or transfer "
        "reversal that calls it"
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


@functools.cache
def _graph():
    public: dict[str, str] = {}
    calls: dict[str, set[str]] = {}
    for path in _service_files() + _helper_files():
        module = path.relative_to(ROOT).as_posix()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                key = f"{module}:{node.name}"
                calls.setdefault(node.name, set()).update(called_names(node))
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


# ---------------------------------------------------------------- every module (issue 19)

# Functions of any module of any app that write a model without an audit event (their
# own, or the one of the audited function they serve). Short, each with its reason.
UNAUDITED_WRITES = {
    "backend/core/services.py:audit_record": "the audit event itself",
    "commons/search.py:search_document_refresh": (
        "a derived search column, rebuilt by the audited resource services"
    ),
    "commons/services/resources.py:resource_index": (
        "a derived search column, rebuilt by the audited resource services"
    ),
    "commons/services/resources.py:resource_read_count": "a read counter: nobody's trace",
    "backend/accounts/privacy.py:audit_scrub": (
        "part of an erasure; the erase service of backend/accounts/privacy.py records it"
    ),
    "governance/privacy.py:governance_erase": "an erasure section; the erase service records it",
    "projects/privacy.py:projects_erase": "an erasure section; the erase service records it",
    "marketplace/privacy.py:marketplace_erase": "an erasure section; the erase service records it",
    "commons/privacy.py:commons_erase": "an erasure section; the erase service records it",
    "backend/accounts/roles.py:coordinator_grant": (
        "demo data and tests only; on a real site the group is given in the admin, whose "
        "LogEntry records it"
    ),
    "governance/models.py:CooperativeSettings.load": "creates the one settings row on first read",
    "marketplace/services/listings.py:tags_get_or_create": (
        "adds words to the shared skill vocabulary, no one's data"
    ),
    "pioneers/services/profiles.py:skills_resolve": "adds words to the shared skill vocabulary",
    "pioneers/services/imports.py:import_job_run.progress": (
        "a progress counter of an import job; the job's start and end are recorded"
    ),
    "projects/services/concern.py:concern_shares_refresh": NOT_ACTIONS["concern_shares_refresh"],
    "marketplace/services/ledger.py:project_need_given_add": NOT_ACTIONS["project_need_given_add"],
    "pioneers/admin.py:PioneerAdmin.save_related": (
        "Django admin's save hook (framework): the admin's LogEntry records the change"
    ),
    "marketplace/services/stripe_checkout.py:checkout_session_create": (
        "not a model: a Stripe API call (sessions.create)"
    ),
    "pioneers/services/profiles.py:photo_prepare": "not a model: a Pillow image saved to bytes",
    # The outbox (core kit): a message row is the trace of the audited service that
    # enqueued it; its delivery state (failures, retries) is shown in the admin.
    "backend/core/outbox.py:outbox_enqueue": "the e-mail row of an audited service",
    "backend/core/outbox.py:outbox_record_failure": "delivery bookkeeping of the outbox",
}


@functools.cache
def _all_writes():
    from tests.core.writes import CallGraph

    return CallGraph.build()


def _covered(key: str) -> bool:
    graph = _all_writes()
    name = key.rsplit(":", 1)[1].rsplit(".", 1)[-1]
    # Its own audit event (through what it calls), or a private helper of an audited one.
    return graph.reaches_audit(name) or (name.startswith("_") and graph.covered(name))


def test_every_function_of_every_module_that_writes_a_model_records_an_audit_event():
    graph = _all_writes()
    assert any(key.endswith(":assembly_document_add") for key in graph.writes)
    missing = [
        f"{key} ({', '.join(w.call for w in writes)})"
        for key, writes in sorted(graph.writes.items())
        if key not in UNAUDITED_WRITES and (key.endswith(":<module>") or not _covered(key))
    ]
    assert not missing, (
        "these write without audit_record: record an event, or add them to "
        "UNAUDITED_WRITES with the reason:\n" + "\n".join(missing)
    )


def test_no_stale_unaudited_exemption():
    graph = _all_writes()
    assert set(UNAUDITED_WRITES) <= set(graph.writes)
    assert not [key for key in UNAUDITED_WRITES if _covered(key)]


def test_a_write_without_audit_is_found(tmp_path):
    from tests.core.writes import CallGraph

    module = tmp_path / "services.py"
    source = (
        "def thing_rename(*, thing, title):\n"
        "    thing.title = title\n"
        "    thing.save()\n"
        "def thing_archive(*, actor, thing):\n"
        "    _mark(thing)\n"
        "    audit_record(actor=actor, action='thing.archive', target=thing)\n"
        "def _mark(thing):\n"
        "    Thing.objects.filter(pk=thing.pk).update(archived=True)\n"
    )
    module.write_text(source)
    graph = CallGraph.build([module])
    assert sorted(graph.writes) == [
        f"{module.as_posix()}:_mark",
        f"{module.as_posix()}:thing_rename",
    ]
    assert not graph.reaches_audit("thing_rename")
    assert graph.covered("_mark")  # the helper of an audited service
