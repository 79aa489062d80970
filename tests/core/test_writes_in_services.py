"""No view, API view or Celery task writes a model: they call a service, which locks,
audits and enqueues its side effects (issue 19). Read from the AST of every module
(tests/core/writes.py says what counts as a write); the scan is shown failing on
synthetic sources."""

import ast
import pathlib

import pytest

from tests.core.writes import Write, app_files, is_entry_module, module_writes, write_call

# (path, function): writes a framework or a mechanism not yet moved forces into an entry
# module. Each says why.
ALLOWED: dict[tuple[str, str], str] = {}


def _entry_writes() -> list[Write]:
    found: list[Write] = []
    for path in app_files():
        if is_entry_module(path):
            found += module_writes(path)[0]
    return found


def test_the_entry_modules_are_found():
    names = [p for p in app_files() if is_entry_module(p)]
    assert any(p.as_posix().endswith("governance/assemblies/views.py") for p in names)
    assert any(p.as_posix().endswith("governance/assemblies/tasks.py") for p in names)
    assert any(p.as_posix().endswith("backend/api/auth.py") for p in names)
    assert any("marketplace/views/" in p.as_posix() for p in names)


def test_no_view_api_view_or_task_writes_a_model():
    offenders = [str(w) for w in _entry_writes() if (w.path, w.function) not in ALLOWED]
    assert not offenders, "move these writes into a service:\n" + "\n".join(offenders)


def test_no_stale_exemption():
    writers = {(w.path, w.function) for w in _entry_writes()}
    assert set(ALLOWED) <= writers


# ---------------------------------------------------------------- the scan fails


def _calls(source: str) -> list[str | None]:
    return [write_call(n) for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)]


@pytest.mark.parametrize(
    ("source", "write"),
    [
        ("AssemblyDocument.objects.create(assembly=a)", "AssemblyDocument.objects.create"),
        ("obj.save(update_fields=['x'])", "obj.save"),
        ("form.save()", "form.save"),
        ("Thing.objects.filter(a=1).update(b=2)", "Thing.objects.filter.update"),
        ("Thing.objects.filter(a=1).delete()", "Thing.objects.filter.delete"),
        ("Thing.objects.bulk_create(rows)", "Thing.objects.bulk_create"),
        ("Thing.objects.get_or_create(a=1)", "Thing.objects.get_or_create"),
        ("Thing.objects.update_or_create(a=1)", "Thing.objects.update_or_create"),
        ("assembly.notices.create(membership=m)", "assembly.notices.create"),
        ("user.comment_set.all().delete()", "user.comment_set.all.delete"),
        ("token.delete()", "token.delete"),
    ],
)
def test_a_write_is_recognised(source, write):
    assert write in _calls(source)


@pytest.mark.parametrize(
    "source",
    [
        "data.update({'a': 1})",
        "cache.delete('key')",
        "default_storage.save(name, content)",
        "request.session.save()",
        "Thing.objects.filter(a=1).count()",
        "stripe_session = create(x)",
    ],
)
def test_what_is_no_model_write_is_left_alone(source):
    assert _calls(source) == [None] * len(_calls(source))


def test_a_view_that_writes_is_reported(tmp_path):
    views = pathlib.Path("somewhere/views.py")
    source = (
        "def document_add(request, pk):\n"
        "    def inner():\n"
        "        AssemblyDocument.objects.create(assembly_id=pk)\n"
        "    inner()\n"
    )
    writes, _functions = module_writes(views, source)
    assert is_entry_module(views)
    assert [(w.function, w.call) for w in writes] == [
        ("document_add.inner", "AssemblyDocument.objects.create")
    ]
    assert is_entry_module(pathlib.Path("marketplace/views/funds.py"))
    assert is_entry_module(pathlib.Path("governance/tasks.py"))
    assert not is_entry_module(pathlib.Path("governance/services.py"))
