"""The tourism map on a phone: static/js/tourism-map.js draws the GeoJSON
feed's markers (clustered) above the text list, which stays."""

import pytest

from tests.factories.cms import tourism_site

# serialized_rollback restores the home pages migration cms/0002 made.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_map_draws_every_destination_above_the_list(live_server, phone):
    site = tourism_site()
    phone.goto(f"{live_server.url}{site.map.url}")

    map_box = phone.locator("#tourism-map")
    map_box.wait_for(state="visible", timeout=10_000)
    # Markers, single or clustered, for the three destinations.
    phone.locator(".leaflet-marker-icon").first.wait_for(timeout=10_000)
    assert map_box.bounding_box()["height"] > 200
    assert phone.locator(".leaflet-marker-icon").count() >= 1
    # The list is still there for whoever cannot use the map.
    for title in site.destinations:
        assert phone.get_by_role("link", name=title).count() == 1
