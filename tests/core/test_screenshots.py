"""The page list of ``make screenshots`` (scripts/screenshots.py) resolves on the demo data."""

import importlib.util
import io

import pytest
from django.core.management import call_command

from tests.core.test_settings import ROOT

pytestmark = pytest.mark.django_db


def _script():
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "scripts/screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_of_the_screenshots_answers_200_on_the_demo_data(client):
    from backend.accounts.models import User

    script = _script()
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(email=script.SIGNED_IN_AS))
    pages = script.pages()
    names = [name for name, _path in pages]
    assert len(set(names)) == len(names) >= 11
    answers = {path: client.get(path).status_code for _name, path in pages}
    assert answers == dict.fromkeys(answers, 200)
