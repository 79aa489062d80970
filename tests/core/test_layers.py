"""The dependency direction of backend/core/layers.py holds (issue 19): no import (lazy
ones included), string model or module reference, relation field or migration dependency
of an app points to an app on its right, and no app reaches the bench, tests or scripts.
The checker itself is shown failing on synthetic violations."""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import migrations

from backend.core import layers
from backend.core.layers import (
    LAYERS,
    ROOT,
    import_violations,
    migration_violations,
    relation_violations,
    source_violations,
)


def _report(violations) -> str:
    return "\n".join(str(v) for v in violations)


# ---------------------------------------------------------------- the code base


def test_no_module_of_any_app_imports_or_names_an_app_to_its_right():
    found = import_violations()
    assert not found, "against backend/core/layers.py:\n" + _report(found)


def test_no_relation_field_points_to_an_app_to_its_right():
    found = relation_violations()
    assert not found, _report(found)


def test_no_migration_depends_on_an_app_to_its_right():
    found = migration_violations()
    assert not found, _report(found)


def test_every_app_of_ours_has_its_place_in_the_order_and_is_scanned():
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if str(config.path).startswith(str(ROOT)) and "site-packages" not in str(config.path)
    }
    assert ours <= set(LAYERS), f"add {sorted(ours - set(LAYERS))} to layers.LAYERS"
    scanned = {module.split(".")[0] for module, _path in layers.app_modules()}
    assert ours <= scanned
    modules = dict(layers.app_modules())
    # Lazy imports inside functions are read too: the votes' own modules are there.
    assert "governance.votes.services.lifecycle" in modules
    assert "governance.migrations.0002_votes" in modules


def test_the_readme_states_the_same_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert " ← ".join(LAYERS) in readme


# ---------------------------------------------------------------- the checker fails


@pytest.mark.parametrize(
    ("module", "source", "target"),
    [
        ("governance.votes.models", "from projects.models import Project", "projects"),
        ("governance.votes.models", "import projects.models", "projects"),
        ("governance.tasks", "def f():\n    from marketplace import services\n", "marketplace"),
        ("pioneers.x", "class A:\n    def m(self):\n        import projects\n", "projects"),
        (
            "governance.votes.models",
            "from django.db import models\n"
            "p = models.ForeignKey('projects.Project', on_delete=models.PROTECT)\n",
            "projects",
        ),
        (
            "projects.y",
            "import importlib\nimportlib.import_module('marketplace.demo')\n",
            "marketplace",
        ),
        (
            "backend.core.z",
            "from django.conf import settings\nx = 'pioneers.Pioneer'\n",
            "pioneers",
        ),
        (
            "backend.core.management.commands.seed_scale",
            "from bench.scale import seed_scale",
            "bench",
        ),
        ("marketplace.views", "from tests.factories import UserFactory", "tests"),
        ("marketplace.models.ledger", "from ..tests import x", None),  # marketplace.tests
        ("marketplace.models", "from ..tests import x", "tests"),  # climbs out of the app
    ],
)
def test_the_source_scan_finds_a_synthetic_violation(module, source, target):
    found = source_violations(module, source, filename=f"{module}.py")
    if target is None:
        assert found == []
    else:
        assert [v.target for v in found] == [target], found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("marketplace.models", "from governance.models import Membership"),
        ("marketplace.models", "x = models.ForeignKey('governance.Membership')"),
        ("projects.vote_options", "from governance.votes.subjects import Subject"),
        ("governance.views", "x = _('Projects accepted. See the list.')"),
        ("governance.votes.models", "from django.db import models\nimport uuid"),
        ("backend.urls", "path('projets/', include('projects.urls'))"),  # composition root
    ],
)
def test_the_source_scan_lets_leftward_references_pass(module, source):
    assert source_violations(module, source, filename=f"{module}.py") == []


def test_the_model_graph_scan_finds_a_foreign_key_to_the_right():
    from projects.models import Project

    field = SimpleNamespace(name="project", is_relation=True, related_model=Project)
    model = SimpleNamespace(
        __module__="governance.votes.models",
        _meta=SimpleNamespace(
            label="governance.VoteOption", local_fields=[field], local_many_to_many=[]
        ),
    )
    found = relation_violations([model])
    assert [(v.where, v.source, v.target) for v in found] == [
        ("governance.VoteOption.project", "governance", "projects")
    ]
    # The real models: a marketplace listing may point to a governance membership.
    from marketplace.models import Listing

    assert relation_violations([Listing]) == []


def test_the_migration_scan_finds_a_dependency_to_the_right():
    bad = migrations.Migration("0099_bad", "governance")
    bad.dependencies = [
        ("governance", "0001_membership_capital_charter"),
        ("projects", "0001_project"),
    ]
    early = migrations.Migration("0099_early", "marketplace")
    early.run_before = [("governance", "0002_votes")]  # would make governance wait for it
    found = migration_violations([bad, early])
    assert [(v.where, v.source, v.target) for v in found] == [
        ("governance.0099_bad", "governance", "projects"),
        ("marketplace.0099_early", "governance", "marketplace"),
    ]


def test_the_settings_list_the_apps_in_the_layers_order():
    from django.conf import settings

    from backend.core.layers import LAYERS

    assert tuple(settings.TERREAU_APPS) == LAYERS
