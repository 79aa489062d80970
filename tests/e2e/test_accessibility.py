import pytest

from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path", ["/", "/a-propos/", "/membres/fonctionnement/", "/accounts/login/", "/accounts/signup/"]
)
def test_public_pages_have_no_serious_accessibility_violation(
    open_page, live_server, path, assert_accessible
):
    page = open_page()
    page.goto(live_server.url + path)
    assert_accessible(page)


def test_home_on_a_phone_has_no_serious_accessibility_violation(
    open_page, live_server, assert_accessible
):
    page = open_page(viewport=PHONE)
    page.goto(live_server.url + "/")
    assert_accessible(page)
