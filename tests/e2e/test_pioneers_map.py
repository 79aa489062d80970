import pytest

from pioneers.services import pioneer_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_loads_its_markers_under_the_csp(page, live_server):
    for name, lat, lon in [("Inès", 44.8964, 6.6356), ("Hugo", 45.1885, 5.7245)]:
        pioneer_create(
            actor=None,
            display_name=name,
            solution_title=f"Solution {name}",
            latitude=lat,
            longitude=lon,
        )
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    # tiles are external: the test answers them locally so that no request leaves the machine
    page.route("https://*.tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    page.goto(live_server.url + "/pionniers/carte/")
    page.wait_for_selector("#pioneer-map[data-loaded='2']")
    assert page.locator(".leaflet-marker-icon, .marker-cluster").count() >= 1
    assert violations == []
