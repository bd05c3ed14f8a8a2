"""The digital tourism map: /ban-do/ and /en/map/, their GeoJSON, filters,
and the text list that stands in for the map when it cannot load."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms import selectors
from cms.models import DestinationKind
from cooperatives.models import Cooperative, RawMaterialArea
from tests.factories import UserFactory, approved_cooperative
from tests.factories.cms import add_page, destination

pytestmark = pytest.mark.django_db


def area(cooperative, *, name, commune, lat=None, lon=None, crop="Chè Shan tuyết", hectares="12.50"):
    """A raw-material area of ``cooperative``, located when given lat/lon."""
    return RawMaterialArea.objects.create(
        cooperative=cooperative,
        name=name,
        commune=commune,
        area_hectares=Decimal(hectares),
        latitude=None if lat is None else Decimal(lat),
        longitude=None if lon is None else Decimal(lon),
        main_crop=crop,
    )


@pytest.fixture
def places(site):
    """The tourism site with, in Na Hang, an approved cooperative with two
    located areas and an applied one with a located area; in Hàm Yên an
    approved cooperative whose only area has no position."""
    units = site.units
    tea = approved_cooperative(legal_name="HTX Chè Hồng Thái", commune=units["02254"], main_products="Chè")
    area(tea, name="Đồi chè Pác Tạ", commune=units["02254"], lat="22.400000", lon="105.300000")
    area(tea, name="Đồi chè Nà Né", commune=units["02239"], lat="22.500000", lon="105.400000")
    oranges = approved_cooperative(
        legal_name="HTX Cam Yên Thuận", commune=units["02404"], main_products="Cam"
    )
    area(oranges, name="Vườn cam chưa đo", commune=units["02404"], crop="Cam sành")
    applied = approved_cooperative(legal_name="HTX Chưa Duyệt", commune=units["02254"])
    Cooperative.objects.filter(pk=applied.pk).update(status=Cooperative.Status.APPLIED)
    area(applied, name="Vùng chưa duyệt", commune=units["02254"], lat="22.300000", lon="105.200000")
    return site


def geojson(client, url):
    """The FeatureCollection at ``url``, checked to be valid GeoJSON JSON."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    return data


def names(data):
    return {feature["properties"]["name"] for feature in data["features"]}


def by_name(data):
    return {feature["properties"]["name"]: feature for feature in data["features"]}


def test_geojson_lists_published_destinations_and_approved_cooperatives_with_their_areas(client, places):
    response = client.get("/ban-do/geojson/")
    # Shared links to the map may be cached for a few minutes.
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    data = geojson(client, "/ban-do/geojson/")
    assert names(data) == {
        "Làng Khâu Tràng", "Thác Pác Ban", "Hang Động Tiên",
        "HTX Chè Hồng Thái", "Đồi chè Pác Tạ", "Đồi chè Nà Né",
    }  # fmt: skip
    features = by_name(data)
    village = features["Làng Khâu Tràng"]
    # RFC 7946: longitude first.
    assert village["geometry"] == {"type": "Point", "coordinates": [105.39, 22.442]}
    assert village["properties"]["type"] == "destination"
    assert village["properties"]["layer"] == DestinationKind.COMMUNITY_VILLAGE
    assert village["properties"]["url"] == "/diem-den/na-hang/khau-trang/"
    assert village["properties"]["district_code"] == "072"
    assert village["properties"]["commune_name"] == "Xã Hồng Thái"
    # A cooperative sits in the middle of its located areas.
    tea = features["HTX Chè Hồng Thái"]["geometry"]["coordinates"]
    assert tea == pytest.approx([105.35, 22.45])
    tea_area = features["Đồi chè Pác Tạ"]["properties"]
    assert tea_area["type"] == "area"
    assert tea_area["district_code"] == "072"
    assert tea_area["url"] == Cooperative.objects.get(legal_name="HTX Chè Hồng Thái").get_absolute_url()
    assert "Chè Shan tuyết" in tea_area["details"]


def test_drafts_pages_awaiting_moderation_unpublished_and_private_pages_stay_off_the_map(client, places):
    na_hang, _en = places.sections["072"]
    add_page(
        na_hang,
        destination(na_hang, title="Bản nháp", slug="ban-nhap", lat="22.1", lon="105.1"),
        publish=False,
    )
    waiting = add_page(
        na_hang,
        destination(na_hang, title="Chờ duyệt", slug="cho-duyet", lat="22.2", lon="105.2"),
        publish=False,
    )
    workflow = waiting.get_workflow()
    assert workflow is not None
    workflow.start(waiting, UserFactory())
    assert waiting.current_workflow_state is not None
    # Changes to a published page wait for moderation too: the map keeps the
    # published title.
    village = places.destinations["Làng Khâu Tràng"][0]
    village.title = "Tiêu đề chưa duyệt"
    village.save_revision()
    places.destinations["Thác Pác Ban"][0].unpublish()
    cave = places.destinations["Hang Động Tiên"][0]
    PageViewRestriction.objects.create(page=cave, restriction_type=PageViewRestriction.PASSWORD, password="x")

    listed = {"Làng Khâu Tràng", "HTX Chè Hồng Thái", "Đồi chè Pác Tạ", "Đồi chè Nà Né"}
    assert names(geojson(client, "/ban-do/geojson/")) == listed
    page = client.get("/ban-do/").content.decode()
    for title in ["Bản nháp", "Chờ duyệt", "Tiêu đề chưa duyệt", "Thác Pác Ban", "Hang Động Tiên"]:
        assert title not in page
    assert "Làng Khâu Tràng" in page


def test_english_map_lists_the_english_pages(client, places):
    data = geojson(client, "/en/map/geojson/")
    features = by_name(data)
    assert {"Khâu Tràng village", "Pác Ban waterfall", "Động Tiên cave"} <= set(features)
    assert not {"Làng Khâu Tràng", "Thác Pác Ban", "Hang Động Tiên"} & set(features)
    assert features["Khâu Tràng village"]["properties"]["url"].startswith("/en/")
    # Cooperatives link to their English profile.
    assert features["HTX Chè Hồng Thái"]["properties"]["url"].startswith("/en/cooperatives/")
    page = client.get("/en/map/").content.decode()
    assert '<html lang="en">' in page
    assert 'data-geojson-url="/en/map/geojson/"' in page
    assert "Khâu Tràng village" in page
    assert "Làng Khâu Tràng" not in page


FILTERED = [
    ("layer=landscape", {"Thác Pác Ban", "Hang Động Tiên"}),
    ("layer=cooperative", {"HTX Chè Hồng Thái", "HTX Cam Yên Thuận"}),
    ("layer=area", {"Đồi chè Pác Tạ", "Đồi chè Nà Né"}),
    ("district=074", {"Hang Động Tiên", "HTX Cam Yên Thuận"}),
    ("district=072&layer=community_village", {"Làng Khâu Tràng"}),
    ("district=074&layer=area", set()),
]


def test_filters_by_layer_and_district_on_the_list_and_the_geojson(client, places):
    # One test over every case: the site takes seconds to build.
    everything = set().union(*(expected for _query, expected in FILTERED)) | {"Làng Khâu Tràng"}
    for query, expected in FILTERED:
        # The unlocated cooperative is listed but has no marker.
        assert names(geojson(client, f"/ban-do/geojson/?{query}")) == expected - {"HTX Cam Yên Thuận"}, query
        page = client.get(f"/ban-do/?{query}").content.decode()
        for name in everything:
            assert (f">{name}</a>" in page) == (name in expected), (query, name)


HOSTILE = [
    "district=<script>alert(1)</script>",
    "layer=../../",
    "layer=area%00",
    "district=072'--",
    "district=&layer=",
    "layer=cooperative&layer=<b>",
]


def test_hostile_filter_values_are_ignored(client, places):
    unfiltered = names(geojson(client, "/ban-do/geojson/"))
    for query in HOSTILE:
        assert names(geojson(client, f"/ban-do/geojson/?{query}")) == unfiltered, query
        response = client.get(f"/ban-do/?{query}")
        assert response.status_code == 200, query
        content = response.content.decode()
        assert "<script>alert" not in content
        assert "<b>" not in content
        assert 'data-geojson-url="/ban-do/geojson/"' in content, query
        for name in unfiltered:
            assert name in content, (query, name)
    # The map's data link keeps only the filters that were understood.
    page = client.get("/ban-do/?district=074&layer=nonsense&extra=1").content.decode()
    assert 'data-geojson-url="/ban-do/geojson/?district=074"' in page
    assert '<option value="074" selected>' in page


def test_without_javascript_the_page_lists_every_place_with_links_and_the_filter_form(client, places):
    response = client.get("/ban-do/")
    assert response.status_code == 200
    content = response.content.decode()
    for vi, _en in places.destinations.values():
        assert f'<a href="{vi.url}">{vi.title}</a>' in content
    oranges = Cooperative.objects.get(legal_name="HTX Cam Yên Thuận")
    # Listed even though it has no position to draw.
    assert f'<a href="{oranges.get_absolute_url()}">HTX Cam Yên Thuận</a>' in content
    assert "HTX Chưa Duyệt" not in content
    assert "Vùng chưa duyệt" not in content
    assert '<form class="coop-filters" method="get" action="/ban-do/"' in content
    assert '<select id="map-layer" name="layer">' in content
    assert '<select id="map-district" name="district">' in content
    assert '<option value="072">' in content
    assert f'<option value="{DestinationKind.HOMESTAY}">' in content
    assert 'type="submit"' in content
    # The map only adds to the list: its element is hidden until drawn.
    assert 'id="tourism-map" class="tourism-map" hidden' in content
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in content
    assert "js/tourism-map.js" in content


def test_map_features_run_a_fixed_number_of_queries(places, django_assert_max_num_queries):
    locale = places.map.locale
    filters = selectors.MapFilters()
    selectors.map_features(locale=locale, filters=filters)  # warms Wagtail's site cache
    with CaptureQueriesContext(connection) as few:
        count = len(selectors.map_features(locale=locale, filters=filters))

    units = places.units
    na_hang, _en = places.sections["072"]
    for number in range(4):
        add_page(
            na_hang,
            destination(na_hang, title=f"Điểm {number}", slug=f"diem-{number}", commune=units["02239"],
                        lat="22.3", lon="105.3"),
        )  # fmt: skip
        cooperative = approved_cooperative(legal_name=f"HTX số {number}", commune=units["02395"])
        area(cooperative, name=f"Vùng {number}a", commune=units["02395"], lat="22.0", lon="105.0")
        area(cooperative, name=f"Vùng {number}b", commune=units["02404"], lat="22.1", lon="105.1")

    with django_assert_max_num_queries(len(few.captured_queries)):
        features = selectors.map_features(locale=locale, filters=filters)
    assert len(features) == count + 4 * 4
